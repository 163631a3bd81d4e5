package intent

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Error is one problem in an intent file, placed on a line.
type Error struct {
	File  string
	Line  int
	Field string // e.g. spec.devices[leaf1].asn; empty for syntax errors
	Msg   string
}

// Error formats as "file:line: field: message".
func (e Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every problem found, in file order.
type Errors []Error

// Error joins all problems, one per line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Locate places field errors on the lines of the document they refer to,
// keeping the resolver's order for errors on the same line. Errors about
// the lock file (under LockRoot) go to the lock file beside it, without a
// line: use the package function Locate when the lock was read.
func (d *Document) Locate(errs field.ErrorList) Errors {
	return Locate(errs, d, nil)
}

func sortStable(es Errors) {
	// insertion sort keeps equal lines in resolver order; lists are short
	for i := 1; i < len(es); i++ {
		for j := i; j > 0 && es[j].Line < es[j-1].Line; j-- {
			es[j], es[j-1] = es[j-1], es[j]
		}
	}
}
