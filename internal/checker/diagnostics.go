package checker

import (
	"fmt"
	"strings"
)

// Bounds on the checker output an error carries. The error of a pre-check
// reaches the device's status in the cluster, whose object has a size
// limit, and a reader needs the first complaints, not the thousandth.
const (
	maxDiagnosticLines = 20
	maxDiagnosticBytes = 4096
	// maxDiagnosticLine cuts one overlong line (a quoted junk line).
	maxDiagnosticLine = 300
)

// diagnostics joins a checker's diagnostic lines for an error message:
// the first maxDiagnosticLines lines, each cut at maxDiagnosticLine bytes,
// and at most maxDiagnosticBytes bytes in all,
// then "… N more lines (M bytes)" for what was left out. withheld counts
// lines dropped before (as not the checker's own diagnostics of the
// checked file) and is reported so that the message does not look whole.
func diagnostics(lines []string, withheld int) string {
	var b strings.Builder
	shown := 0
	for _, l := range lines {
		l = CutLine(l, maxDiagnosticLine)
		if shown == maxDiagnosticLines || b.Len()+len(l)+1 > maxDiagnosticBytes {
			break
		}
		if shown > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(l)
		shown++
	}
	if rest := lines[shown:]; len(rest) > 0 {
		n := 0
		for _, l := range rest {
			n += len(l) + 1
		}
		fmt.Fprintf(&b, "\n… %d more lines (%d bytes)", len(rest), n)
	}
	if withheld > 0 {
		fmt.Fprintf(&b, "\n(%d lines of other output withheld)", withheld)
	}
	return b.String()
}

// CutLine cuts one line of command output to max bytes (never inside a
// UTF-8 sequence) and says how much it left out: a quoted junk line must
// not fill an error that goes to the cluster.
func CutLine(l string, max int) string {
	if len(l) <= max {
		return l
	}
	return strings.ToValidUTF8(l[:max], "") + fmt.Sprintf("… (%d more bytes)", len(l)-max)
}

// nonEmptyLines splits checker output into its non-blank lines, trimmed of
// trailing whitespace.
func nonEmptyLines(out string) []string {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if l = strings.TrimRight(l, " \t\r"); strings.TrimSpace(l) != "" {
			lines = append(lines, l)
		}
	}
	return lines
}
