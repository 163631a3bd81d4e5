package checker

import (
	"fmt"
	"strings"
	"testing"
)

func TestDiagnostics(t *testing.T) {
	many := make([]string, 100)
	for i := range many {
		many[i] = fmt.Sprintf("line %d: %% Unknown command", i+1)
	}
	long := []string{strings.Repeat("x", 10000)}
	tests := []struct {
		name     string
		lines    []string
		withheld int
		want     []string // substrings
		maxLen   int
	}{
		{name: "few", lines: many[:2], want: []string{"line 1:", "line 2:"}},
		{name: "many lines", lines: many, want: []string{"line 20:", "… 80 more lines"}, maxLen: 4200},
		{name: "one huge line", lines: long, want: []string{"… (9700 more bytes)"}, maxLen: 400},
		{name: "withheld", lines: many[:1], withheld: 7, want: []string{"(7 lines of other output withheld)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := diagnostics(tt.lines, tt.withheld)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("%q lacks %q", got, w)
				}
			}
			if tt.maxLen > 0 && len(got) > tt.maxLen {
				t.Errorf("%d bytes, want at most %d", len(got), tt.maxLen)
			}
			if strings.Contains(got, "line 21:") {
				t.Errorf("more than %d lines shown", maxDiagnosticLines)
			}
		})
	}
}
