package lab_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"underlay.dev/underlay/internal/lab"
)

// requireLab skips (or, with UNDERLAY_REQUIRE_CHECKERS=1, fails) when the
// lab cannot run here, and returns the Kubernetes binaries' directory.
func requireLab(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds a lab with real FRR and a kube-apiserver")
	}
	why := ""
	assets, assetsErr := (&lab.Lab{}).K8sBins(os.Getenv("KUBEBUILDER_ASSETS"))
	if err := lab.RequireRoot(); err != nil {
		why = err.Error()
	} else if _, err := exec.LookPath("ping"); err != nil {
		why = "needs ping (apt install iputils-ping)"
	} else if assetsErr != nil {
		why = assetsErr.Error()
	}
	if why == "" {
		return assets
	}
	if os.Getenv("UNDERLAY_REQUIRE_CHECKERS") == "1" {
		t.Fatal(why)
	}
	t.Skip(why)
	return ""
}

var (
	binOnce sync.Once
	binDir  string
	binErr  error
	// guard takes this test binary's labs down and removes its files
	// when the binary dies without running its cleanups: a panic, or go
	// test's -timeout.
	guard *lab.Guard
)

// testBinEnv hands a child test binary the parent's binaries.
const testBinEnv = "UNDERLAY_TEST_BIN"

func TestMain(m *testing.M) {
	code := m.Run()
	if guard != nil {
		if err := guard.Close(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = 1
		}
	} else if binDir != "" && os.Getenv(testBinEnv) == "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// binaries builds underlay and underlay-agent once per test run and
// starts the guard from them.
func binaries(t *testing.T) string {
	binOnce.Do(func() {
		binDir, binErr = buildBinaries()
		if binErr != nil {
			return
		}
		if guard, binErr = lab.StartGuard(filepath.Join(binDir, "underlay"), os.Stderr); binErr == nil && os.Getenv(testBinEnv) == "" {
			binErr = guard.Remove(binDir)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binDir
}

func buildBinaries() (string, error) {
	if dir := os.Getenv(testBinEnv); dir != "" {
		return dir, nil
	}
	dir, err := os.MkdirTemp("", "underlay-bin-")
	if err != nil {
		return "", err
	}
	if err := os.Chmod(dir, 0o755); err != nil { // TestNeedsRoot runs them as nobody
		return dir, err
	}
	for _, p := range []string{"underlay", "underlay-agent"} {
		out, err := exec.Command("go", "build", "-o", filepath.Join(dir, p), "underlay.dev/underlay/cmd/"+p).CombinedOutput()
		if err != nil {
			return dir, fmt.Errorf("building %s: %w\n%s", p, err, out)
		}
	}
	return dir, nil
}

// cleanupMargin is kept between a test's own deadline and go test's
// -timeout, for lab down (~5-15 s) and the report.
const cleanupMargin = 90 * time.Second

// testContext ends after budget, or cleanupMargin before go test's
// -timeout would panic, whichever is first: a test whose lab hangs fails
// at a wait that names the stage and still runs its cleanups.
func testContext(t *testing.T, budget time.Duration) context.Context {
	deadline := time.Now().Add(budget)
	if d, ok := t.Deadline(); ok && d.Add(-cleanupMargin).Before(deadline) {
		deadline = d.Add(-cleanupMargin)
	}
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	t.Cleanup(cancel)
	return ctx
}

// labID is unique among the labs of concurrent test binaries (and of a
// person's `lab up`, whose id is a fabric name): a letter and the whole
// pid, which no other running process has.
func labID(prefix string) string { return prefix + strconv.Itoa(os.Getpid()) }

// newLab brings a fabric up in a fresh directory under /run (short paths:
// unix sockets live there) and takes it down when the test ends, or, if
// the test binary dies first, the guard does.
func newLab(ctx context.Context, t *testing.T, fabric string, health time.Duration) *lab.Lab {
	requireLab(t)
	dir, err := os.MkdirTemp("/run", "ul-")
	if err != nil {
		t.Fatal(err)
	}
	return newLabIn(ctx, t, dir, labID("t"), fabric, health)
}

func newLabIn(ctx context.Context, t *testing.T, dir, id, fabric string, health time.Duration) *lab.Lab {
	assets := requireLab(t)
	l := &lab.Lab{Dir: dir, Bin: binaries(t), Out: testWriter{t}}
	if err := guard.Lab(dir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := l.Down(); err != nil {
			t.Errorf("lab down: %v", err)
			return
		}
		if err := guard.Done(dir); err != nil {
			t.Error(err)
		}
	})
	if err := l.Up(ctx, fabric, lab.UpOptions{ID: id, Assets: assets, HealthTimeout: health}); err != nil {
		logs(t, l)
		t.Fatal(err)
	}
	return l
}

// logs prints the tail of every agent's log, for a failure's reader.
func logs(t *testing.T, l *lab.Lab) {
	files, _ := filepath.Glob(filepath.Join(l.Dir, "devices", "*", "agent.log"))
	files = append(files, filepath.Join(l.Dir, "supervisor.log"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		if len(b) > 3000 {
			b = b[len(b)-3000:]
		}
		t.Logf("== %s\n%s", f, b)
	}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p))
	return len(p), nil
}

// ping reports whether src reaches dst, sourced from addr, retrying for a
// while (and never past ctx): routes may still be propagating.
func ping(ctx context.Context, l *lab.Lab, src, from, dst string, within time.Duration) bool {
	deadline := time.Now().Add(within)
	for {
		err := l.Exec(ctx, src, []string{"ping", "-c1", "-W1", "-I", from, dst}, nil, io.Discard, io.Discard)
		if err == nil {
			return true
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return false
		}
		time.Sleep(200 * time.Millisecond)
	}
}
