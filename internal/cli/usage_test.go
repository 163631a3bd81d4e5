package cli

import (
	"strconv"
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

// TestValidateCapsOutput: a huge value is echoed in 64 characters and a
// huge error list in 100 lines, with exit 1 for both.
func TestValidateCapsOutput(t *testing.T) {
	dir := t.TempDir()
	huge := strings.Repeat("x", 1<<20)
	p := writeFile(t, dir, "huge.yaml", "apiVersion: underlay.dev/v1alpha1\nkind: Fabric\nmetadata: {name: t}\nspec:\n  devices:\n"+
		"  - {name: "+huge+", role: leaf, platform: cumulus}\n")
	code, _, stderr := run(t, "validate", p)
	x64 := strings.Repeat("x", 64)
	want := p + `:6: spec.devices[` + x64 + `…].name: Invalid value: "` + x64[1:] + `…": must be a DNS label`
	if code != ExitFailed || len(stderr) > 1024 || !strings.Contains(stderr, want) {
		t.Errorf("exit %d, %d bytes of stderr, want 1 and …%s…:\n%.500s", code, len(stderr), want, stderr)
	}
	var b strings.Builder
	b.WriteString("apiVersion: underlay.dev/v1alpha1\nkind: Fabric\nmetadata: {name: t}\nspec:\n  devices:\n")
	for i := range 1000 {
		b.WriteString("  - {name: d" + strings.Repeat("0", 4-len(itoa(i))) + itoa(i) + ", role: leaf, platform: junos}\n")
	}
	p = writeFile(t, dir, "many.yaml", b.String())
	code, _, stderr = run(t, "validate", p)
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	if code != ExitFailed || len(lines) != 102 || lines[100] != "… and 900 more" || lines[101] != "1,000 error(s)" ||
		!strings.HasPrefix(lines[99], p+":105: spec.devices[d0099].platform") {
		t.Errorf("exit %d, %d lines, want 1 and 100 errors, '… and 900 more', '1,000 error(s)'; tail:\n%s", code, len(lines),
			strings.Join(lines[max(0, len(lines)-4):], "\n"))
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
