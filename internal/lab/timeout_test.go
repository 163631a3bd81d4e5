package lab_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"underlay.dev/underlay/internal/lab"
)

// hangEnv tells the child test binary of TestTimeoutLeavesNothing where
// to bring its lab up.
const hangEnv = "UNDERLAY_LAB_HANG_DIR"

// childTimeout is the child's go test -timeout: ten times the seed lab's
// measured up on an idle machine, so the panic usually comes with the lab
// up; when the machine is slower it comes during up, which must leave
// nothing behind as well.
const childTimeout = 100 * time.Second

// TestHangingLab is the child of TestTimeoutLeavesNothing: it brings a
// lab up and then hangs until go test's -timeout panics, which runs no
// cleanup.
func TestHangingLab(t *testing.T) {
	dir := os.Getenv(hangEnv)
	if dir == "" {
		t.Skip("the child of TestTimeoutLeavesNothing")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	// No deadline of its own, unlike every other lab test: it is what
	// go test's -timeout does to a test that has none.
	newLabIn(context.Background(), t, dir, labID("h"), seedLab, 15*time.Second)
	fmt.Println("HANGING WITH THE LAB UP")
	time.Sleep(time.Hour)
}

// TestTimeoutLeavesNothing runs TestHangingLab in a child test binary
// with a short -timeout: the panic kills it without a single cleanup, and
// afterwards no namespace, FRR directory, process or file of its lab may
// remain (the guard's work).
func TestTimeoutLeavesNothing(t *testing.T) {
	requireLab(t)
	if os.Getenv(hangEnv) != "" {
		t.Skip("in the child")
	}
	bin := binaries(t)
	dir := fmt.Sprintf("/run/ul-hang-%d", os.Getpid())
	cmd := exec.Command(os.Args[0], "-test.run=^TestHangingLab$", "-test.v", "-test.timeout="+childTimeout.String())
	cmd.Env = append(os.Environ(), hangEnv+"="+dir, testBinEnv+"="+bin)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	// The guard keeps the child's output open while it cleans up, so
	// Wait returns once it is done; WaitDelay bounds a guard that hangs.
	cmd.WaitDelay = 2 * time.Minute
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	seen := watch(dir, cmd)
	t.Logf("child: %v; its lab had %s", cmd.ProcessState, seen)
	if !strings.Contains(out.String(), "panic: test timed out") {
		t.Fatalf("the child did not die of its -timeout:\n%s", tailOf(out.String(), 40))
	}
	if !strings.Contains(out.String(), "HANGING WITH THE LAB UP") {
		t.Logf("the -timeout came while the lab was coming up (a slow machine)")
	}
	if len(seen.netns) == 0 {
		t.Fatalf("the child never created a namespace: the test proves nothing\n%s", tailOf(out.String(), 40))
	}
	if left := leftovers(dir, seen.netns); len(left) > 0 {
		t.Errorf("after the child's -timeout panic, left behind: %s\n%s", strings.Join(left, ", "), tailOf(out.String(), 40))
	}
}

// seenLab is what the child's lab had while it ran.
type seenLab struct {
	netns     []string
	apiServer bool
}

func (s seenLab) String() string {
	return fmt.Sprintf("%d namespaces, API server seen: %t", len(s.netns), s.apiServer)
}

// watch records the child's lab until the child (and the guard holding
// its output) is done.
func watch(dir string, cmd *exec.Cmd) seenLab {
	var seen seenLab
	got := map[string]bool{}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	l := &lab.Lab{Dir: dir}
	for {
		if st, err := l.LoadState(); err == nil {
			for _, ns := range st.Namespaces() {
				if _, err := os.Stat(filepath.Join("/var/run/netns", ns)); err == nil && !got[ns] {
					got[ns] = true
					seen.netns = append(seen.netns, ns)
				}
			}
			seen.apiServer = seen.apiServer || l.APIServerPID() != 0
		}
		select {
		case <-done:
			return seen
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// leftovers lists every namespace, FRR directory, file and process of
// the lab in dir that remains: a process counts when its command line or
// environment names dir (the lab's programs and the child's guard).
func leftovers(dir string, namespaces []string) []string {
	var left []string
	for _, ns := range namespaces {
		for _, p := range []string{"/var/run/netns", "/etc/frr", "/var/run/frr"} {
			if _, err := os.Stat(filepath.Join(p, ns)); err == nil {
				left = append(left, filepath.Join(p, ns))
			}
		}
	}
	if _, err := os.Stat(dir); err == nil {
		left = append(left, dir)
	}
	procs, _ := filepath.Glob("/proc/[0-9]*")
	for _, p := range procs {
		for _, f := range []string{"cmdline", "environ"} {
			b, _ := os.ReadFile(filepath.Join(p, f))
			if bytes.Contains(b, []byte(dir)) {
				exe, _ := os.Readlink(filepath.Join(p, "exe"))
				left = append(left, fmt.Sprintf("process %s (%s)", filepath.Base(p), exe))
				break
			}
		}
	}
	return left
}

func tailOf(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
