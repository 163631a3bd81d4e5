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
	assets := os.Getenv("KUBEBUILDER_ASSETS")
	if err := lab.RequireRoot(); err != nil {
		why = err.Error()
	} else if _, err := exec.LookPath("ping"); err != nil {
		why = "needs ping (apt install iputils-ping)"
	} else if assets == "" {
		why = "KUBEBUILDER_ASSETS is not set: run hack/k8s-bins.sh"
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
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// binaries builds underlay and underlay-agent once per test run.
func binaries(t *testing.T) string {
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "underlay-bin-")
		if binErr == nil {
			binErr = os.Chmod(binDir, 0o755) // TestNeedsRoot runs them as nobody
		}
		for _, p := range []string{"underlay", "underlay-agent"} {
			if binErr != nil {
				return
			}
			out, err := exec.Command("go", "build", "-o", filepath.Join(binDir, p), "underlay.dev/underlay/cmd/"+p).CombinedOutput()
			if err != nil {
				binErr = fmt.Errorf("building %s: %w\n%s", p, err, out)
			}
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binDir
}

// newLab brings a fabric up in a fresh directory under /run (short paths:
// unix sockets live there) and takes it down when the test ends.
func newLab(t *testing.T, fabric string, health time.Duration) *lab.Lab {
	assets := requireLab(t)
	dir, err := os.MkdirTemp("/run", "ul-")
	if err != nil {
		t.Fatal(err)
	}
	l := &lab.Lab{Dir: dir, Bin: binaries(t), Out: testWriter{t}}
	t.Cleanup(func() {
		if err := l.Down(); err != nil {
			t.Errorf("lab down: %v", err)
		}
	})
	id := "t" + strconv.Itoa(os.Getpid()%100000)
	if err := l.Up(context.Background(), fabric, lab.UpOptions{ID: id, Assets: assets, HealthTimeout: health}); err != nil {
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
// while: routes may still be propagating.
func ping(l *lab.Lab, src, from, dst string, within time.Duration) bool {
	deadline := time.Now().Add(within)
	for {
		err := l.Exec(context.Background(), src, []string{"ping", "-c1", "-W1", "-I", from, dst}, nil, io.Discard, io.Discard)
		if err == nil {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(200 * time.Millisecond)
	}
}
