package serve

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"k8s.io/client-go/rest"

	"underlay.dev/underlay/internal/gitops"
	"underlay.dev/underlay/internal/load"
)

// chromium is Debian's browser (hack/deps.sh installs it).
const chromium = "/usr/bin/chromium"

// browser starts a fresh headless Chromium for the test and returns a
// context of its first tab, with a deadline; everything is stopped when
// the test ends.
func browser(t *testing.T, timeout time.Duration) context.Context {
	t.Helper()
	if _, err := exec.LookPath(chromium); err != nil {
		if os.Getenv("UNDERLAY_REQUIRE_CHECKERS") == "1" {
			t.Fatalf("%s is missing: run hack/deps.sh", chromium)
		}
		t.Skipf("%s is missing: run hack/deps.sh", chromium)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1400, 900),
		chromedp.Flag("headless", true), chromedp.Flag("no-sandbox", true), chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("no-first-run", true),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() { cancelTime(); cancelTab(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", chromium, err)
	}
	return ctx
}

// loadExample renders an example the way the CLI does.
func loadExample(t testing.TB, name string) *gitops.Tree {
	t.Helper()
	f, err := load.File(filepath.Join("..", "..", "examples", name, "fabric.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tree, err := load.Tree(f)
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

// start serves tree on a free loopback port until the test ends and
// returns its URL.
func start(t testing.TB, tree *gitops.Tree, cfg *rest.Config) string {
	t.Helper()
	return run(t, newServer(t, tree, cfg))
}

func newServer(t testing.TB, tree *gitops.Tree, cfg *rest.Config) *Server {
	t.Helper()
	s, err := New(Options{Tree: tree, Config: cfg, Loopback: true, Log: testWriter{t}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// run serves s on a free loopback port until the test ends and returns
// its URL.
func run(t testing.TB, s *Server) string {
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

type testWriter struct{ t testing.TB }

func (w testWriter) Write(b []byte) (int, error) { w.t.Log(string(b)); return len(b), nil }

// screenshot saves the page as name.png in the test's artefacts
// (go test -artifacts keeps them).
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(t.ArtifactDir(), name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}
