package driver

import (
	"fmt"
	"strings"
)

// The admission of a line-oriented file (interfaces, frr.conf) reads it
// before any checker does and refuses whatever underlay never renders,
// naming the file, the line and the offending keyword. It quotes at most
// a keyword, never a whole line, so an error cannot carry the content of a
// file that a refused line points at.

// maxAdmitLine bounds a line: the longest underlay renders is under 100
// bytes (a description or a prefix-list entry).
const maxAdmitLine = 512

// maxRefusals bounds how many refused lines one error lists.
const maxRefusals = 10

// lineRefusals collects the refused lines of one file.
type lineRefusals struct {
	file string
	msgs []string
}

// add records a refusal of line n (1-based; 0 for the file as a whole).
func (r *lineRefusals) add(n int, format string, args ...any) {
	where := r.file
	if n > 0 {
		where = fmt.Sprintf("%s:%d", r.file, n)
	}
	r.msgs = append(r.msgs, where+": "+fmt.Sprintf(format, args...))
}

// err is nil when nothing was refused, else an error wrapping ErrRejected
// that lists the first maxRefusals refusals.
//
// "Refused before any checker ran" says why no parser output follows: the
// checkers (ifup -s, vtysh -C) are not asked about such a file at all.
func (r *lineRefusals) err() error {
	if len(r.msgs) == 0 {
		return nil
	}
	shown := r.msgs
	more := ""
	if len(shown) > maxRefusals {
		more = fmt.Sprintf("\n… and %d more", len(shown)-maxRefusals)
		shown = shown[:maxRefusals]
	}
	return fmt.Errorf("%w: %s%s; refused before any checker ran", ErrRejected, strings.Join(shown, "\n"), more)
}

// unprintable describes what makes a line unprintable: a byte that is not
// printable ASCII (tabs aside), or a length over maxAdmitLine. Underlay
// renders neither, and both hide what a line does from a reviewer.
func unprintable(line string) string {
	if len(line) > maxAdmitLine {
		return fmt.Sprintf("line of %d bytes is longer than %d", len(line), maxAdmitLine)
	}
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\t' || (c >= ' ' && c <= '~'):
		case c >= 0x80:
			return fmt.Sprintf("byte 0x%02x at column %d is not ASCII", c, i+1)
		default:
			return fmt.Sprintf("control character 0x%02x at column %d", c, i+1)
		}
	}
	return ""
}

// quoteKeyword quotes a line's first word for an error, cut short: the word is
// from the ConfigMap, but need not be short.
func quoteKeyword(word string) string {
	const max = 60
	if len(word) > max {
		word = word[:max] + "…"
	}
	return fmt.Sprintf("%q", word)
}

// admitLines splits a file into lines without their "\n"; a final newline does
// not start another line.
func admitLines(b []byte) []string {
	s := strings.TrimSuffix(string(b), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
