package intent

import (
	"fmt"
	"sort"
	"strconv"
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

// Error formats as "file:line: field: message", with echoed values capped
// (see Capped).
func (e Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(Capped(e.Field) + ": ")
	}
	b.WriteString(Capped(e.Msg))
	return b.String()
}

// Errors is every problem found, in file order.
type Errors []Error

// MaxListed is how many errors a list prints before "… and N more".
const MaxListed = 100

// Error joins the first MaxListed problems, one per line.
func (es Errors) Error() string {
	lines := make([]string, 0, min(len(es), MaxListed)+1)
	for _, e := range es[:min(len(es), MaxListed)] {
		lines = append(lines, e.Error())
	}
	if more := es.More(); more != "" {
		lines = append(lines, more)
	}
	return strings.Join(lines, "\n")
}

// More is the line that stands for the errors past MaxListed ("… and
// 99,900 more"), or "" when every error is listed.
func (es Errors) More() string {
	if len(es) <= MaxListed {
		return ""
	}
	return "… and " + Thousands(len(es)-MaxListed) + " more"
}

// Thousands formats n with thousands separators: 99900 → "99,900".
func Thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// Limits on what a message echoes back. A valid name is a DNS label of at
// most 63 characters and the longest path or word underlay writes itself
// is under 100, so only values the user got wrong are ever cut.
const (
	maxKey     = 64   // a [name] in a field path
	maxWord    = 100  // a run without spaces, such as a quoted value
	cutWord    = 64   // what is kept of a longer one
	maxMessage = 1024 // a whole message
)

// Capped shortens what a message echoes from the input, so a 1 MB device
// name costs a line, not a megabyte: each [key] of a field path to 64
// characters, each longer word to 64, and the message to 1 KiB, marking
// every cut with "…".
func Capped(s string) string {
	if len(s) <= maxKey {
		return s
	}
	words := strings.Split(s, " ")
	for i, w := range words {
		w = capKeys(w)
		if r := []rune(w); len(r) > maxWord {
			// keep the closing quote and punctuation: `"aaaa…":`
			tail := len(w) - len(strings.TrimRight(w, `":,)`))
			w = string(r[:cutWord]) + "…" + w[len(w)-min(tail, 3):]
		}
		words[i] = w
	}
	s = strings.Join(words, " ")
	if r := []rune(s); len(r) > maxMessage {
		s = string(r[:maxMessage]) + fmt.Sprintf("… (%s more characters)", Thousands(len(r)-maxMessage))
	}
	return s
}

// capKeys cuts every bracketed key longer than maxKey.
func capKeys(w string) string {
	var b strings.Builder
	for {
		open := strings.IndexByte(w, '[')
		if open < 0 {
			break
		}
		end := strings.IndexByte(w[open:], ']')
		if end < 0 {
			break
		}
		key := []rune(w[open+1 : open+end])
		b.WriteString(w[:open+1])
		if len(key) > maxKey {
			b.WriteString(string(key[:maxKey]) + "…")
		} else {
			b.WriteString(string(key))
		}
		b.WriteByte(']')
		w = w[open+end+1:]
	}
	b.WriteString(w)
	return b.String()
}

// Locate places field errors on the lines of the document they refer to,
// keeping the resolver's order for errors on the same line. Errors about
// the lock file (under LockRoot) go to the lock file beside it, without a
// line: use the package function Locate when the lock was read.
func (d *Document) Locate(errs field.ErrorList) Errors {
	return Locate(errs, d, nil)
}

// sortStable orders errors by line; errors on one line keep the
// resolver's order. A fabric of 100,000 broken devices has as many errors,
// so this is no insertion sort.
func sortStable(es Errors) {
	sort.SliceStable(es, func(i, j int) bool { return es[i].Line < es[j].Line })
}
