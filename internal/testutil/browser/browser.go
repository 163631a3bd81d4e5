// Package browser drives Debian's Chromium from tests, as a person would
// use a page: one fresh headless browser per test, screenshots kept as the
// test's artefacts, and a loopback server for the page under test. The
// serve package's own tests and the lab's tests of the live page share it.
package browser

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Chromium is Debian's browser (hack/deps.sh installs it).
const Chromium = "/usr/bin/chromium"

// ArtifactsEnv names a directory screenshots are kept in, one directory
// per test under it, when set (CI collects it); otherwise they go to the
// test's artefact directory (go test -artifacts keeps them).
const ArtifactsEnv = "UNDERLAY_ARTIFACTS"

// Start starts a fresh headless Chromium (its own --user-data-dir) for the
// test and returns a context of its first tab with a deadline of timeout;
// everything is stopped when the test ends. Without Chromium the test
// skips, unless UNDERLAY_REQUIRE_CHECKERS=1, where it fails.
func Start(t testing.TB, timeout time.Duration) context.Context {
	t.Helper()
	if _, err := exec.LookPath(Chromium); err != nil {
		if os.Getenv("UNDERLAY_REQUIRE_CHECKERS") == "1" {
			t.Fatalf("%s is missing: run hack/deps.sh", Chromium)
		}
		t.Skipf("%s is missing: run hack/deps.sh", Chromium)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(Chromium), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1400, 900),
		chromedp.Flag("headless", true), chromedp.Flag("no-sandbox", true), chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("no-first-run", true),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() { cancelTime(); cancelTab(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", Chromium, err)
	}
	return ctx
}

// Runner is a server that serves on a listener until its context ends
// (serve.Server).
type Runner interface {
	Run(ctx context.Context, ln net.Listener) error
}

// Serve runs s on a free 127.0.0.1 port until the test ends and returns
// its URL; the test fails if s does not stop within 5 s of that.
func Serve(t testing.TB, s Runner) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Error("serve did not stop within 5s of its context ending")
		}
	})
	return "http://" + ln.Addr().String() + "/"
}

// Screenshot saves the whole page as name.png among the test's artefacts
// and returns its path.
func Screenshot(t testing.TB, ctx context.Context, name string) string {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(artifactDir(t), name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
	return path
}

// artifactDir is $UNDERLAY_ARTIFACTS/TestName (subtests' slashes kept as
// directories) when set, else the test's artefact directory.
func artifactDir(t testing.TB) string {
	t.Helper()
	root := os.Getenv(ArtifactsEnv)
	if root == "" {
		return t.ArtifactDir()
	}
	dir := filepath.Join(root, filepath.FromSlash(strings.NewReplacer(" ", "_", ":", "_").Replace(t.Name())))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("%s: %v", ArtifactsEnv, err)
	}
	return dir
}

// Evaluate runs a JavaScript expression on the page and returns its value.
func Evaluate[T any](t testing.TB, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}
