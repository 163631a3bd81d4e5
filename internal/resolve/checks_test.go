package resolve_test

import (
	"strings"
	"testing"
)

// TestCheckErrors: a check that selects no device or names a prefix with
// host bits would be proven against something other than what the user
// meant, so both are errors at their line.
func TestCheckErrors(t *testing.T) {
	tests := []struct {
		name, check, want string
	}{
		{"from selects no device", `{name: c, from: "role:superspine", to: leaf1}`,
			`fabric.yaml:17: spec.checks[c].from: Invalid value: "role:superspine": no device has role superspine; the check would prove nothing`},
		{"to with host bits", `{name: c, from: leaf1, to: 10.1.0.5/24}`,
			`fabric.yaml:17: spec.checks[c].to: Invalid value: "10.1.0.5/24": host bits are set: write 10.1.0.0/24 for the subnet or 10.1.0.5 for the one address`},
		{"IPv6 to with host bits", `{name: c, from: leaf1, to: "fd00:1::5/64"}`,
			`spec.checks[c].to: Invalid value: "fd00:1::5/64": host bits are set: write fd00:1::/64 for the subnet or fd00:1::5 for the one address`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := resolveText(t, base+"  checks:\n  - "+tt.check+"\n", nil)
			if len(errs) != 1 || !strings.Contains(errs[0].Error(), tt.want) {
				t.Fatalf("got %v\nwant one error …%s…", errs, tt.want)
			}
		})
	}
	for _, ok := range []string{`{name: c, from: "role:leaf", to: 10.1.0.5}`, `{name: c, from: leaf1, to: 10.1.0.0/24}`, `{name: c, from: leaf1, to: leaf2}`} {
		if _, errs := resolveText(t, base+"  checks:\n  - "+ok+"\n", nil); len(errs) > 0 {
			t.Errorf("%s: %v", ok, errs)
		}
	}
}
