package ipam

import (
	"strings"
	"testing"
)

func TestParseIntRange(t *testing.T) {
	tests := []struct {
		in      string
		want    IntRange
		wantErr string
	}{
		{in: "100-999", want: IntRange{100, 999}},
		{in: " 100 - 999 ", want: IntRange{100, 999}},
		{in: "4094", want: IntRange{4094, 4094}},
		{in: "1-4094", want: IntRange{1, 4094}},
		{in: "0-10", wantErr: `range "0-10" reaches outside 1-4094`},
		{in: "1-4095", wantErr: `range "1-4095" reaches outside 1-4094`},
		{in: "200-100", wantErr: `range "200-100" ends before it starts`},
		{in: "", wantErr: `"" is not a range: want "first-last", e.g. "1-4094"`},
		{in: "-5-10", wantErr: `"-5-10" is not a range`},
		{in: "100-", wantErr: `"100-" is not a range`},
		{in: "1-99999999999999999999", wantErr: `"1-99999999999999999999" is not a range`},
		{in: "a-b", wantErr: `"a-b" is not a range`},
	}
	for _, tt := range tests {
		got, err := ParseIntRange(tt.in, 1, 4094)
		switch {
		case tt.wantErr != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.wantErr)):
			t.Errorf("%q: error %v, want %s…", tt.in, err, tt.wantErr)
		case tt.wantErr == "" && (err != nil || got != tt.want):
			t.Errorf("%q: got %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestIntRangeSlots(t *testing.T) {
	r := IntRange{100, 199}
	if r.Size() != 100 || r.Slot(5) != 105 || !r.Contains(199) || r.Contains(200) || r.String() != "100-199" {
		t.Errorf("%v: size %d, slot 5 %d", r, r.Size(), r.Slot(5))
	}
	if i, ok := r.Index(150); !ok || i != 50 {
		t.Errorf("Index(150) = %d, %v", i, ok)
	}
	if _, ok := r.Index(99); ok {
		t.Error("99 is not in 100-199")
	}
}
