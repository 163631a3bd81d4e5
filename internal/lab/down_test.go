package lab_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"underlay.dev/underlay/internal/lab"
)

// TestDownAfterCrash kills `lab up` and its supervisor with SIGKILL once
// the agents run; `lab down` must still remove every namespace, process
// (the orphaned API server and etcd included) and file, and checks itself
// that none is left.
func TestDownAfterCrash(t *testing.T) {
	assets := requireLab(t)
	bin := binaries(t)
	dir, err := os.MkdirTemp("/run", "ul-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := guard.Lab(dir); err != nil { // should this test die before its down
		t.Fatal(err)
	}
	defer func() {
		if err := guard.Done(dir); err != nil {
			t.Error(err)
		}
	}()
	id := labID("c")
	up := exec.Command(filepath.Join(bin, "underlay"), "lab", "--dir="+dir, "up", "--id="+id, "--k8s-bins="+assets, seedLab)
	if err := up.Start(); err != nil {
		t.Fatal(err)
	}
	l := &lab.Lab{Dir: dir}
	var st *lab.State
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(100 * time.Millisecond) {
		var sup lab.SupervisorStatus
		if st, err = l.LoadState(); err == nil && l.Control(context.Background(), "GET", "/status", &sup) == nil && agentsRunning(sup) {
			break
		}
		if time.Now().After(deadline) {
			up.Process.Kill()
			t.Fatal("lab up did not start its agents within a minute")
		}
	}
	up.Process.Signal(syscall.SIGKILL)
	up.Wait()
	syscall.Kill(st.Supervisor.PID, syscall.SIGKILL)

	// Someone reads a lab file: down removes the lab's processes only.
	reader := exec.Command("tail", "-f", filepath.Join(dir, lab.StateFile))
	if err := reader.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { reader.Process.Kill(); reader.Wait() }()

	out, err := exec.Command(filepath.Join(bin, "underlay"), "lab", "--dir="+dir, "down").CombinedOutput()
	if err != nil {
		t.Fatalf("lab down after a crash: %v\n%s", err, out)
	}
	t.Logf("%s", out)
	for _, ns := range st.Namespaces() {
		if _, err := os.Stat(filepath.Join("/var/run/netns", ns)); err == nil {
			t.Errorf("namespace %s left behind", ns)
		}
	}
	if _, err := os.Stat(dir); err == nil {
		t.Errorf("%s left behind", dir)
	}
	if err := reader.Process.Signal(syscall.Signal(0)); err != nil {
		t.Errorf("lab down killed a process it did not start (tail -f of a lab file): %v", err)
	}
}

// TestNeedsRoot: without root, lab says so and changes nothing.
func TestNeedsRoot(t *testing.T) {
	requireLab(t)
	if _, err := exec.LookPath("setpriv"); err != nil {
		t.Fatal("needs setpriv (util-linux)")
	}
	dir := t.TempDir()
	cmd := exec.Command("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
		filepath.Join(binaries(t), "underlay"), "lab", "--dir="+dir, "up", "--k8s-bins=/nonexistent", seedLab)
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "needs root") {
		t.Errorf("lab up as nobody: %v\n%s", err, out)
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Errorf("lab up as nobody wrote %d files", len(entries))
	}
}

func agentsRunning(s lab.SupervisorStatus) bool {
	for _, a := range s.Agents {
		if a.PID > 0 {
			return true
		}
	}
	return false
}
