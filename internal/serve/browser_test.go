package serve

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"k8s.io/client-go/rest"

	"underlay.dev/underlay/internal/gitops"
	"underlay.dev/underlay/internal/load"
	tbrowser "underlay.dev/underlay/internal/testutil/browser"
)

// browser starts a fresh headless Chromium for the test (package
// browser, shared with the lab's test of the page).
func browser(t *testing.T, timeout time.Duration) context.Context {
	t.Helper()
	return tbrowser.Start(t, timeout)
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
	return tbrowser.Serve(t, s)
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(b []byte) (int, error) { w.t.Log(string(b)); return len(b), nil }

// screenshot saves the page as name.png in the test's artefacts.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	tbrowser.Screenshot(t, ctx, name)
}
