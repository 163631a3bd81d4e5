package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"underlay.dev/underlay/internal/agent/driver"
	"underlay.dev/underlay/internal/expect"
	"underlay.dev/underlay/internal/gen"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/render/frr"
	"underlay.dev/underlay/internal/resolve"
	"underlay.dev/underlay/internal/testutil/fabrics"
	"underlay.dev/underlay/internal/testutil/frrlab"
)

// TestOfflineConfigDir runs the agent binary with --config-dir and no API
// server (no kubeconfig, no in-cluster environment) against a real FRR
// router: it applies the directory's config, then a two-file change
// written file by file, and logs each outcome as its status.
func TestOfflineConfigDir(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real FRR routers")
	}
	lab := frrlab.New(t)
	f := fabrics.Clos(t, gen.Clos{Spines: 1, Leaves: 2, Unnumbered: true})
	lab.AddFabric(f)
	for _, name := range []string{"spine1", "leaf2"} {
		conf, _ := frr.Render(f, device(f, name), frr.Options{})
		if err := (&driver.FRR{Pathspace: lab.Pathspace(name)}).Apply(t.Context(), map[string][]byte{"frr.conf": conf}); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(t.TempDir(), "underlay-agent")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir, home := t.TempDir(), t.TempDir()
	leaf1 := device(f, "leaf1")
	writeConfig(t, dir, f, leaf1)
	cmd := exec.Command(bin, "--device=leaf1", "--platform=linux-frr", "--frr-pathspace="+lab.Pathspace("leaf1"),
		"--state-dir="+filepath.Join(home, "state"), "--config-dir="+dir, "--health-timeout=30s",
		"--metrics-addr=0", "--health-addr=0", "--drift-interval=0")
	cmd.Env = []string{"HOME=" + home, "PATH=" + os.Getenv("PATH")} // no KUBECONFIG, no KUBERNETES_SERVICE_HOST
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	lines := logLines(stderr)

	first := waitStatus(t, lines, "first apply", "Applied").Revision
	// The change: a new announced prefix, its address and both files.
	extra := netip.MustParsePrefix("198.51.100.1/32")
	lab.AddAddress("leaf1", extra.String())
	leaf1.Default().Originated = append(leaf1.Default().Originated, extra)
	resolve.ApplyPolicies(f)
	resolve.Derive(f) // again: the default instance, which renderers read, holds Originated as Derive saw it
	writeConfig(t, dir, f, leaf1)
	second := waitStatus(t, lines, "change", "Applied").Revision
	if second == first {
		t.Fatalf("the change was not a new revision: %s", second)
	}
	if out, _ := lab.Vtysh("spine1", "show ip route 198.51.100.1/32 json"); !strings.Contains(out, `"198.51.100.1/32"`) {
		t.Errorf("spine1 has no route to the new prefix: %s", out)
	}
	// --device reaches the health gate: another device's expectations
	// are Rejected, not applied.
	exp, _ := expect.File(device(f, "leaf2"))
	must(t, os.WriteFile(filepath.Join(dir, exp.Name), exp.Content, 0o644))
	if l := waitStatus(t, lines, "another device's expect.json", "Rejected"); !strings.Contains(l.LastError, `written for device "leaf2"`) {
		t.Errorf("rejection: %s", l.LastError)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Errorf("agent exit: %v", err)
	}
}

// writeConfig writes frr.conf and expect.json of d into dir, one after
// the other (a plain directory changes file by file).
func writeConfig(t *testing.T, dir string, f *model.Fabric, d *model.Device) {
	t.Helper()
	conf, err := frr.Render(f, d, frr.Options{})
	if err != nil {
		t.Fatal(err)
	}
	exp, err := expect.File(d)
	if err != nil {
		t.Fatal(err)
	}
	must(t, os.WriteFile(filepath.Join(dir, "frr.conf"), conf, 0o644))
	time.Sleep(100 * time.Millisecond)
	must(t, os.WriteFile(filepath.Join(dir, exp.Name), exp.Content, 0o644))
}

func device(f *model.Fabric, name string) *model.Device {
	for _, d := range f.Devices {
		if d.Name == name {
			return d
		}
	}
	return nil
}

type logLine struct {
	Msg       string `json:"msg"`
	Revision  string `json:"revision"`
	Outcome   string `json:"outcome"`
	LastError string `json:"lastError"`
}

func logLines(r io.Reader) <-chan logLine {
	ch := make(chan logLine, 100)
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			var l logLine
			if json.Unmarshal(sc.Bytes(), &l) == nil {
				ch <- l
			}
		}
		close(ch)
	}()
	return ch
}

// waitStatus waits for the status line of the next apply and requires its
// outcome to be want.
func waitStatus(t *testing.T, lines <-chan logLine, stage, want string) logLine {
	t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("%s: the agent exited", stage)
			}
			if l.Msg != "status" || l.Outcome == "" {
				continue
			}
			if l.Outcome != want {
				t.Fatalf("%s: %s: %s", stage, l.Outcome, l.LastError)
			}
			return l
		case <-deadline:
			t.Fatalf("%s: no status within 60s", stage)
		}
	}
}

// must fails the test when a step of its setup fails, so a test cannot
// pass on a setup that never happened.
func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
