package dirsource

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"underlay.dev/underlay/internal/agent/store"
)

// TestReadRefuses: whatever the directory holds, Read stays inside it,
// reads regular files only, never blocks, and caps sizes and counts.
func TestReadRefuses(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "secret")
	must(t, os.WriteFile(outside, []byte("root:$6$hash"), 0o600))
	tests := []struct {
		name    string
		setup   func(t *testing.T, dir string)
		wantErr string
	}{
		{"absolute symlink", func(t *testing.T, dir string) { must(t, os.Symlink("/etc/shadow", filepath.Join(dir, "frr.conf"))) }, "frr.conf"},
		{"relative symlink out", func(t *testing.T, dir string) {
			rel, _ := filepath.Rel(dir, outside)
			must(t, os.Symlink(rel, filepath.Join(dir, "frr.conf")))
		}, "escapes"},
		{"kubelet ..data out", func(t *testing.T, dir string) {
			rel, _ := filepath.Rel(dir, filepath.Dir(outside))
			must(t, os.Symlink(rel, filepath.Join(dir, "..data")))
		}, "escapes"},
		{"fifo", func(t *testing.T, dir string) { mkfifo(t, filepath.Join(dir, "frr.conf")) }, "not a regular file"},
		{"device", func(t *testing.T, dir string) {
			if err := syscall.Mknod(filepath.Join(dir, "frr.conf"), syscall.S_IFCHR|0o600, 0x0103); err != nil { // /dev/null's numbers
				t.Skip("mknod:", err)
			}
		}, "not a regular file"},
		{"directory", func(t *testing.T, dir string) { must(t, os.Mkdir(filepath.Join(dir, "frr.conf"), 0o755)) }, "not a regular file"},
		{"file too large", func(t *testing.T, dir string) {
			must(t, os.WriteFile(filepath.Join(dir, "frr.conf"), make([]byte, MaxFileBytes+1), 0o644))
		}, "larger than"},
		{"files too large together", func(t *testing.T, dir string) {
			for _, n := range []string{"a", "b", "c", "d", "e"} {
				must(t, os.WriteFile(filepath.Join(dir, n), make([]byte, MaxFileBytes), 0o644))
			}
		}, "together exceed"},
		{"too many files", func(t *testing.T, dir string) {
			for i := 0; i <= MaxFiles; i++ {
				must(t, os.WriteFile(filepath.Join(dir, "f"+string(rune('a'+i/26))+string(rune('a'+i%26))), nil, 0o644))
			}
		}, "more than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			must(t, os.WriteFile(filepath.Join(dir, "expect.json"), []byte("{}"), 0o644))
			tt.setup(t, dir)
			done := make(chan error, 1)
			go func() { _, _, err := Read(dir); done <- err }()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, want an error containing %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "root:") {
					t.Errorf("the error carries the outside file: %v", err)
				}
			case <-time.After(3 * time.Second):
				t.Fatal("Read blocked")
			}
		})
	}
}

// TestReadKubeletLayout: the kubelet's links stay inside the directory
// and are followed.
func TestReadKubeletLayout(t *testing.T) {
	dir := t.TempDir()
	kubeletWrite(t, dir, "1", map[string]string{"frr.conf": "v1", "expect.json": "{}"})
	_, files, err := Read(dir)
	if err != nil || string(files["frr.conf"]) != "v1" || len(files) != 2 {
		t.Fatalf("got %v, %v", files, err)
	}
}

func mkfifo(t *testing.T, path string) {
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestWatchDebouncesPlainDirectory: files written one after another into
// a plain directory are submitted once, whole.
func TestWatchDebouncesPlainDirectory(t *testing.T) {
	dir := t.TempDir()
	got := make(chan store.Files, 10)
	refused := make(chan error, 10)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go Watch(ctx, dir, Options{Quiet: 300 * time.Millisecond,
		Submit:  func(_ string, files store.Files) { got <- files },
		Refused: func(err error) { refused <- err }})
	time.Sleep(100 * time.Millisecond) // the watch is set up
	must(t, os.WriteFile(filepath.Join(dir, "frr.conf"), []byte("v1"), 0o644))
	time.Sleep(150 * time.Millisecond)
	must(t, os.WriteFile(filepath.Join(dir, "expect.json"), []byte("{}"), 0o644))
	first := wait(t, got)
	if len(first) != 2 {
		t.Fatalf("submitted a half-written change: %v", first)
	}
	select {
	case f := <-got:
		t.Fatalf("a second submission: %v", f)
	case <-time.After(500 * time.Millisecond):
	}
	// A FIFO dropped in is refused and reported, and blocks nothing.
	mkfifo(t, filepath.Join(dir, "interfaces"))
	if err := wait(t, refused); !errors.Is(err, ErrRefused) {
		t.Fatalf("refusal: %v", err)
	}
	// Removing it restores the last revision: submitted again, so the
	// status that said Rejected says so no longer.
	os.Remove(filepath.Join(dir, "interfaces"))
	if f := wait(t, got); string(f["frr.conf"]) != "v1" || len(f) != 2 {
		t.Fatalf("after removing the FIFO: %v", f)
	}
	must(t, os.WriteFile(filepath.Join(dir, "frr.conf"), []byte("v2"), 0o644))
	if f := wait(t, got); string(f["frr.conf"]) != "v2" {
		t.Fatalf("after the FIFO: %v", f)
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
