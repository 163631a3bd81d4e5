package dirsource

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"underlay.dev/underlay/internal/agent/store"
	"underlay.dev/underlay/internal/bundle"
)

// kubeletWrite lays files out as the kubelet's atomic writer does and
// swaps "..data" to them with a rename.
func kubeletWrite(t *testing.T, dir, stamp string, files map[string]string) {
	t.Helper()
	ts := filepath.Join(dir, "..2026_11_23_"+stamp)
	if err := os.Mkdir(ts, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		must(t, os.WriteFile(filepath.Join(ts, name), []byte(content), 0o644))
		link := filepath.Join(dir, name)
		if _, err := os.Lstat(link); err != nil {
			must(t, os.Symlink(filepath.Join("..data", name), link))
		}
	}
	tmp := filepath.Join(dir, "..data_tmp")
	must(t, os.Symlink(filepath.Base(ts), tmp))
	if err := os.Rename(tmp, filepath.Join(dir, "..data")); err != nil {
		t.Fatal(err)
	}
}

func TestWatchFollowsTheKubeletSwap(t *testing.T) {
	dir := t.TempDir()
	kubeletWrite(t, dir, "1", map[string]string{"frr.conf": "v1", "expect.json": "{}"})
	got := make(chan string, 10)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go Watch(ctx, dir, Options{Submit: func(rev string, files store.Files) { got <- string(files["frr.conf"]) + " " + rev }})
	want1 := "v1 " + bundle.ContentHash(map[string][]byte{"frr.conf": []byte("v1"), "expect.json": []byte("{}")})
	if g := wait(t, got); g != want1 {
		t.Fatalf("first read: %q, want %q", g, want1)
	}
	kubeletWrite(t, dir, "2", map[string]string{"frr.conf": "v2", "expect.json": "{}"})
	if g := wait(t, got); g[:3] != "v2 " {
		t.Fatalf("after the swap: %q", g)
	}
}

func wait[T any](t *testing.T, ch chan T) T {
	select {
	case s := <-ch:
		return s
	case <-time.After(5 * time.Second):
		t.Fatal("no update within 5s")
		var zero T
		return zero
	}
}
