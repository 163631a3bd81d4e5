package agent

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestBound(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"short", "abc", 10, "abc"},
		{"exact", "abcdefghij", 10, "abcdefghij"},
		{"long", strings.Repeat("a", 100), 30, strings.Repeat("a", 11) + " … 89 more bytes"},
		{"multibyte cut", strings.Repeat("é", 50), 30, strings.Repeat("é", 5) + " … 90 more bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Bound(tt.in, tt.max)
			if got != tt.want || len(got) > tt.max || !utf8.ValidString(got) {
				t.Errorf("Bound(%d bytes, %d) = %q (%d bytes), want %q", len(tt.in), tt.max, got, len(got), tt.want)
			}
		})
	}
	huge := Message(errors.New(strings.Repeat("x", 100<<10)))
	if len(huge) > MaxMessage || !strings.HasSuffix(huge, " more bytes") {
		t.Errorf("a 100 KiB error became %d bytes ending %q", len(huge), huge[len(huge)-30:])
	}
}
