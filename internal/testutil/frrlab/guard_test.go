package frrlab

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

const childEnv = "UNDERLAY_FRRLAB_CHILD"

// TestChildHangs is the child of TestGuardAfterTimeout: it starts a
// router and hangs until go test's -timeout panics, which (unlike a panic
// in the test itself) runs no t.Cleanup.
func TestChildHangs(t *testing.T) {
	if os.Getenv(childEnv) == "" {
		t.Skip("the child of TestGuardAfterTimeout")
	}
	l := New(t)
	l.AddRouter("r1", "192.0.2.1/32")
	t.Log("ROUTER UP")
	time.Sleep(time.Hour)
}

// TestGuardAfterTimeout: a test binary stopped by its -timeout with a
// router up leaves no namespace, FRR process or pathspace behind.
func TestGuardAfterTimeout(t *testing.T) {
	Require(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestChildHangs$", "-test.v", "-test.timeout=40s")
	cmd.Env = append(os.Environ(), childEnv+"=1")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	// The guard holds the child's output until it has cleaned up.
	cmd.WaitDelay = time.Minute
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ns := "ul" + strconv.Itoa(cmd.Process.Pid) + "-r1"
	cmd.Wait()
	if !strings.Contains(out.String(), "panic: test timed out") || !strings.Contains(out.String(), "ROUTER UP") {
		t.Fatalf("the child did not time out with its router up:\n%s", out.String())
	}
	for _, p := range []string{"/var/run/netns", "/etc/frr", "/var/run/frr"} {
		if _, err := os.Stat(filepath.Join(p, ns)); err == nil {
			t.Errorf("%s left behind after the test binary timed out", filepath.Join(p, ns))
		}
	}
	if !strings.Contains(out.String(), "frrlab guard: the test process is gone: removing "+ns) {
		t.Errorf("the guard did not report removing %s:\n%s", ns, out.String())
	}
}
