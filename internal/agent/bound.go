package agent

import (
	"fmt"
	"unicode/utf8"
)

// Bounds of the error text that leaves the device. The NetworkDevice CRD
// caps a condition message at 32 KiB, and a status write above it fails
// (status then goes stale); the API server refuses an Event note above
// 1024 bytes. A checker quoting a 100 KiB config must still be reported.
const (
	MaxMessage   = 4096 // status: condition messages and lastError; log lines
	MaxEventNote = 1024 // an Event's note
)

// Bound cuts s to at most max bytes, at a UTF-8 boundary, and says how
// much it left out ("… 123 more bytes"). Every path that writes an error
// to status, Events or logs passes it through here.
func Bound(s string, max int) string {
	if len(s) <= max {
		return s
	}
	// The suffix of the whole length is at least as long as the suffix
	// of the remainder, so the result fits in max.
	keep := max - len(more(len(s)))
	if keep < 0 {
		keep = 0
	}
	for keep > 0 && !utf8.RuneStart(s[keep]) {
		keep--
	}
	return s[:keep] + more(len(s)-keep)
}

func more(n int) string { return fmt.Sprintf(" … %d more bytes", n) }

// Message is err's text bounded for status ("" for nil).
func Message(err error) string {
	if err == nil {
		return ""
	}
	return Bound(err.Error(), MaxMessage)
}
