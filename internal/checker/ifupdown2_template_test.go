package checker

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// makoProbe is an interfaces file whose comment is mako code that writes
// marker when evaluated. ifupdown2 renders a file only when it contains a
// '%', which the expression carries.
func makoProbe(marker string) []byte {
	return fmt.Appendf(nil, "auto lo\niface lo inet loopback\n# ${open(%q, \"w\").write(\"%%s\" %% \"evaluated\")}\n", marker)
}

// TestIfupdown2TemplatesOff: the check never evaluates template code, with
// mako installed and the host's ifupdown2.conf enabling templates, as
// Cumulus ships it. The control run, the same check with
// template_enable=1, proves the probe is evaluated when templates are on,
// so the test cannot pass because mako is missing.
func TestIfupdown2TemplatesOff(t *testing.T) {
	if testing.Short() {
		t.Skip("runs ifupdown2")
	}
	if os.Geteuid() != 0 {
		unavailable(t, "needs root for mount and network namespaces")
	}
	// ifup is "#!/usr/bin/env python3": put the system python3 (a switch's,
	// with python3-mako) ahead of any other on PATH.
	t.Setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin:"+os.Getenv("PATH"))
	if err := exec.Command("python3", "-c", "import mako").Run(); err != nil {
		unavailable(t, "python3-mako is not installed for ifup's python3")
	}
	dir := t.TempDir()
	ctx := context.Background()

	control := filepath.Join(dir, "control")
	templatesOn := func(base []byte) []byte {
		return withSettings(base, []setting{{"template_enable", "1"}, {"template_engine", "mako"}, {"addon_syntax_check", "1"}})
	}
	requireInstalled(t, ifupdown2Check(ctx, makoProbe(control), templatesOn))
	if _, err := os.Stat(control); err != nil {
		t.Fatalf("control: with template_enable=1 the mako probe was not evaluated (%v): the test proves nothing", err)
	}

	marker := filepath.Join(dir, "marker")
	if err := Ifupdown2(ctx, makoProbe(marker)); err != nil {
		t.Fatalf("the probe is a valid file with a comment: %v", err)
	}
	if b, err := os.ReadFile(marker); err == nil {
		t.Fatalf("the check evaluated template code (it wrote %q)", b)
	}
}

// TestIfupdown2ErrorHoldsNoHostFile: a `source` line makes ifupdown2 read
// a host file and complain about each of its lines, quoting them; the
// check's error keeps none of them.
func TestIfupdown2ErrorHoldsNoHostFile(t *testing.T) {
	if testing.Short() {
		t.Skip("runs ifupdown2")
	}
	if os.Geteuid() != 0 {
		unavailable(t, "needs root for mount and network namespaces")
	}
	secret := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secret, []byte("root:SECRET-HASH:0:0\nmore secret lines\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	file := "auto lo\niface lo inet loopback\nsource " + secret + "\nnot a keyword\n"
	err := Ifupdown2(context.Background(), []byte(file))
	requireInstalled(t, err)
	if err == nil {
		t.Fatal("a file with a junk line passed")
	}
	if strings.Contains(err.Error(), "SECRET") {
		t.Fatalf("the error quotes the sourced host file: %v", err)
	}
	if !strings.Contains(err.Error(), "not a keyword") || !strings.Contains(err.Error(), "lines of other output withheld") {
		t.Errorf("the error should keep the diagnostic about the file's own line and say what it withheld: %v", err)
	}
}
