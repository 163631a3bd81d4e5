package cli

import (
	"strings"
	"testing"
)

// TestUnknownCommandIsUsage: a mistyped verb is wrong usage (exit 2) at
// every level of the command tree, with cobra's suggestion kept.
func TestUnknownCommandIsUsage(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"bogus"}, `unknown command "bogus" for "underlay"`},
		{[]string{"valdate", "x.yaml"}, "Did you mean this?\n\tvalidate"},
		{[]string{"gen", "bogus"}, `unknown command "bogus" for "underlay gen"`},
		{[]string{"lab", "bogus"}, `unknown command "bogus" for "underlay lab"`},
	}
	for _, tt := range tests {
		code, _, stderr := run(t, tt.args...)
		if code != ExitUsage || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d, want 2 with %q; stderr:\n%s", tt.args, code, tt.want, stderr)
		}
	}
	for _, args := range [][]string{{}, {"gen"}, {"lab"}} {
		if code, stdout, stderr := run(t, args...); code != ExitOK || !strings.Contains(stdout, "Available Commands") {
			t.Errorf("%v: exit %d, want 0 and the help; stdout:\n%s\nstderr:\n%s", args, code, stdout, stderr)
		}
	}
}

// TestGenClosLimits: absurd counts are a usage error naming the limit,
// returned before anything is generated.
func TestGenClosLimits(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--leaves", "100000000"}, "--leaves 100000000 is more than 16384"},
		{[]string{"--spines", "9223372036854775807"}, "--spines 9223372036854775807 is more than"},
		{[]string{"--pods", "100", "--superspines", "4", "--leaves", "200"}, "leaves in all pods"},
		{[]string{"--hosts-per-leaf", "5000"}, "--hosts-per-leaf 5000 is more than"},
	}
	for _, tt := range tests {
		args := append([]string{"gen", "clos"}, tt.args...)
		code, stdout, stderr := run(t, args...)
		if code != ExitUsage || !strings.Contains(stderr, tt.want) || stdout != "" {
			t.Errorf("%v: exit %d, %d bytes out, want 2 with %q; stderr:\n%s", tt.args, code, len(stdout), tt.want, stderr)
		}
	}
	if _, stdout, _ := run(t, "gen", "clos", "--help"); !strings.Contains(stdout, "Limits:") {
		t.Errorf("gen clos --help does not document the limits:\n%s", stdout)
	}
}
