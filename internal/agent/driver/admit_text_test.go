package driver

import (
	"strings"
	"testing"
)

// TestLastLinesBounded: command output in an error is at most n lines of
// at most maxOutputLine bytes (and a note of what was cut).
func TestLastLinesBounded(t *testing.T) {
	out := strings.Repeat("short\n", 50) + strings.Repeat("x", 100000) + "\n"
	got := lastLines([]byte(out), 5)
	if n := strings.Count(got, "\n") + 1; n != 5 {
		t.Errorf("%d lines, want 5", n)
	}
	if len(got) > 5*(maxOutputLine+40) || !strings.Contains(got, "… (99700 more bytes)") {
		t.Errorf("%d bytes, want the long line cut: %.200q", len(got), got)
	}
}
