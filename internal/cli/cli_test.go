package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// run runs the CLI and returns exit code, stdout and stderr.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(args, &out, &errb)
	return code, out.String(), errb.String()
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const badIntent = `apiVersion: underlay.dev/v1alpha1
kind: Fabric
metadata: {name: bad}
spec:
  devices:
  - {name: spine, role: spine, platform: sonic, asn: 65100, loopbacks: [192.0.2.100/32]}
  - {name: leaf1, role: leaf, platform: cumulus, asn: 65100, loopbacks: [192.0.2.100/32]}
  - {name: leaf2, role: leaf, platform: arista, asn: 65002, loopbacks: [192.0.2.2/32]}
  links:
  - spine:Ethernet0 -- leaf1:swp1
`

func TestValidateReportsEveryError(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "fabric.yaml", badIntent)
	code, _, stderr := run(t, "validate", p)
	if code != ExitFailed {
		t.Fatalf("exit %d, want 1; stderr:\n%s", code, stderr)
	}
	for _, want := range []string{
		p + `:8: spec.devices[leaf2].platform: Unsupported value: "arista": supported values: "cumulus", "linux-frr", "nvue", "sonic"`,
		p + `:6: spec.devices[spine].asn: Invalid value: "65100": asn collides with leaf1 (set at spec.devices[leaf1].asn)`,
		"4 error(s)",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

func TestValidateReportsAllocationErrors(t *testing.T) {
	dir := t.TempDir()
	fixed := strings.Replace(badIntent, "platform: arista", "platform: nvue", 1)
	p := writeFile(t, dir, "fabric.yaml", fixed)
	code, _, stderr := run(t, "validate", p)
	if code != ExitFailed {
		t.Fatalf("exit %d, want 1", code)
	}
	for _, want := range []string{
		p + `:6: spec.devices[spine].asn: Invalid value: "65100": asn collides with leaf1 (set at spec.devices[leaf1].asn)`,
		p + `:7: spec.devices[leaf1].loopbacks[0]: Invalid value: "192.0.2.100/32": loopback collides with spine`,
		p + `:10: spec.links[0]: Required value: numbered link spine:Ethernet0 -- leaf1:swp1 has no address`,
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks\n  %s\ngot:\n%s", want, stderr)
		}
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{{"validate"}, {"render", "x.yaml"}, {"render", "--bogus"}, {"gen", "clos", "--spines", "0"}} {
		if code, _, stderr := run(t, args...); code != ExitUsage {
			t.Errorf("%v: exit %d, want 2; stderr: %s", args, code, stderr)
		}
	}
}

func TestRenderInvalidWritesNothing(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "fabric.yaml", badIntent)
	out := filepath.Join(dir, "out")
	if code, _, _ := run(t, "render", p, "-o", out); code != ExitFailed {
		t.Fatalf("exit %d, want 1", code)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("render of an invalid intent created %s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "fabric.lock.yaml")); !os.IsNotExist(err) {
		t.Errorf("render of an invalid intent wrote a lock file")
	}
}

func TestRenderRefusesForeignDirectory(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "fabric.yaml", seedLab(t))
	foreign := filepath.Join(dir, "home")
	if err := os.MkdirAll(foreign, 0o755); err != nil {
		t.Fatal(err)
	}
	keep := writeFile(t, foreign, "notes.txt", "precious")
	code, _, stderr := run(t, "render", p, "-o", foreign)
	if code != ExitFailed || !strings.Contains(stderr, "was not written by underlay render") {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	if b, _ := os.ReadFile(keep); string(b) != "precious" {
		t.Error("foreign file was touched")
	}
}

func TestRenderThenCheck(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "fabric.yaml", seedLab(t))
	out := filepath.Join(dir, "new", "parent", "out") // as `make demo` on a fresh clone: out/ does not exist
	if code, _, stderr := run(t, "render", p, "-o", out); code != 0 {
		t.Fatalf("render: exit %d: %s", code, stderr)
	}
	if code, stdout, _ := run(t, "render", p, "-o", out, "--check"); code != 0 {
		t.Fatalf("check after render: exit %d: %s", code, stdout)
	}
	// Re-rendering replaces the tree (a removed device disappears).
	writeFile(t, out, "leaf1/frr.conf", "edited by hand\n")
	writeFile(t, out, "stray.yaml", "x: 1\n")
	code, stdout, _ := run(t, "render", p, "-o", out, "--check")
	if code != ExitFailed || !strings.Contains(stdout, "leaf1/frr.conf: changed") || !strings.Contains(stdout, "stray.yaml: extra") ||
		!strings.Contains(stdout, "+router bgp 65001") {
		t.Fatalf("check of an edited tree: exit %d:\n%s", code, stdout)
	}
	if code, _, _ := run(t, "render", p, "-o", out); code != 0 {
		t.Fatal("re-render failed")
	}
	if _, err := os.Stat(filepath.Join(out, "stray.yaml")); !os.IsNotExist(err) {
		t.Error("re-render kept a stray file: the tree was not replaced as a whole")
	}
}

// TestCheckNamesTheIntent: the command --check suggests renders the
// intent that was checked, whatever its extension (it named f.yaml for
// f.yml, a file that does not exist).
func TestCheckNamesTheIntent(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "fabric.yml", seedLab(t))
	out := filepath.Join(dir, "out")
	code, _, stderr := run(t, "render", p, "-o", out, "--check")
	if want := "file(s) out of date; run: underlay render " + p + " -o " + out + "\n"; code != ExitFailed || !strings.HasSuffix(stderr, want) {
		t.Errorf("exit %d, stderr %q, want …%q", code, stderr, want)
	}
}

func seedLab(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../examples/seed-lab/fabric.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestVerifyUserChecksAndJSON(t *testing.T) {
	src, err := os.ReadFile("../../examples/unnumbered/fabric.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	strict := strings.Replace(string(src), "to: leaf4, minPaths: 2", "to: leaf4, minPaths: 3", 1)
	p := writeFile(t, dir, "fabric.yaml", strict)
	code, stdout, _ := run(t, "verify", p)
	if code != ExitFailed || !strings.Contains(stdout, "FAIL  check:leaf1-to-leaf4-over-both-spines") ||
		!strings.Contains(stdout, "10.255.0.10/32 (leaf4) on leaf1: 2 ECMP path(s), want at least 3") {
		t.Fatalf("exit %d:\n%s", code, stdout)
	}
	code, stdout, _ = run(t, "verify", "-o", "json", "../../examples/unnumbered/fabric.yaml")
	var rep struct {
		Checks []struct {
			Name string
			Pass bool
		}
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil || code != 0 || len(rep.Checks) != 6 {
		t.Fatalf("json: exit %d, %v, %+v", code, err, rep)
	}
	code, stdout, _ = run(t, "verify", "--rib", "leaf1", "-o", "json", "../../examples/unnumbered/fabric.yaml")
	if code != 0 || !strings.Contains(stdout, `"interface": "swp49"`) {
		t.Fatalf("rib: exit %d\n%s", code, stdout)
	}
	if code, _, _ := run(t, "verify", "--failures", "some", p); code != ExitUsage {
		t.Errorf("--failures some: exit %d, want 2", code)
	}
}
