package diff

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// writeTree puts files (path, content pairs) under dir.
func writeTree(t *testing.T, dir string, pairs ...string) {
	t.Helper()
	for i := 0; i+1 < len(pairs); i += 2 {
		p := filepath.Join(dir, filepath.FromSlash(pairs[i]))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(pairs[i+1]), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

var rendered = []string{"kustomization.yaml", "root\n", "leaf1/frr.conf", "a\n", "leaf1/kustomization.yaml", "k\n",
	"spine1/frr.conf", "s\n"}

const renderedLock = "asns: {}\n"

func TestCheckDisk(t *testing.T) {
	tests := []struct {
		name      string
		disk      []string // nil: the directory does not exist
		lock      string   // "": no lock file on disk
		want      []Device
		wantStale bool
	}{
		{name: "up to date", disk: rendered, lock: renderedLock},
		{name: "no tree and no lock yet", wantStale: true, want: []Device{
			{Name: "", Kind: Added, Files: []File{{Path: "kustomization.yaml", Kind: Added, New: b("root\n")}}},
			{Name: "leaf1", Kind: Added, Files: []File{
				{Path: "leaf1/frr.conf", Kind: Added, New: b("a\n")},
				{Path: "leaf1/kustomization.yaml", Kind: Added, New: b("k\n")}}},
			{Name: "spine1", Kind: Added, Files: []File{{Path: "spine1/frr.conf", Kind: Added, New: b("s\n")}}},
		}},
		{name: "edited, stray and missing files, a device gone from the intent", lock: "asns: {leaf1: 1}\n", wantStale: true,
			disk: []string{"kustomization.yaml", "root\n", "leaf1/frr.conf", "edited\n", "leaf1/notes", "n\n",
				"leaf2/frr.conf", "old\n", "spine1/frr.conf", "s\n"},
			want: []Device{
				{Name: "leaf1", Kind: Changed, Files: []File{
					{Path: "leaf1/frr.conf", Kind: Changed, Old: b("edited\n"), New: b("a\n")},
					{Path: "leaf1/kustomization.yaml", Kind: Added, New: b("k\n")},
					{Path: "leaf1/notes", Kind: Removed, Old: b("n\n")}}},
				{Name: "leaf2", Kind: Removed, Files: []File{{Path: "leaf2/frr.conf", Kind: Removed, Old: b("old\n")}}},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			dir, lockPath := filepath.Join(root, "out"), filepath.Join(root, "fabric.lock.yaml")
			if tt.disk != nil {
				writeTree(t, dir, tt.disk...)
			}
			if tt.lock != "" {
				writeTree(t, root, "fabric.lock.yaml", tt.lock)
			}
			c, err := CheckDisk(dir, tree(rendered...), lockPath, []byte(renderedLock))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, c.Tree.Devices); diff != "" {
				t.Errorf("tree (-want +got):\n%s", diff)
			}
			if c.LockStale != tt.wantStale {
				t.Errorf("LockStale = %v, want %v", c.LockStale, tt.wantStale)
			}
			n := len(c.Tree.Files())
			if tt.wantStale {
				n++
			}
			if c.OutOfDate() != n || c.UpToDate() != (n == 0) || c.Dir != dir || c.LockPath != lockPath {
				t.Errorf("OutOfDate %d (want %d), UpToDate %v, Dir %q, LockPath %q", c.OutOfDate(), n, c.UpToDate(), c.Dir, c.LockPath)
			}
		})
	}
}

// A lock path that cannot be read is an error, not a stale lock; so is a
// tree that cannot be walked, named by its directory.
func TestCheckDiskUnreadable(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, "lock/x", "")
	if _, err := CheckDisk(filepath.Join(root, "out"), nil, filepath.Join(root, "lock"), nil); err == nil ||
		!strings.Contains(err.Error(), "is a directory") {
		t.Errorf("lock is a directory: %v", err)
	}
	dir := filepath.Join(root, "out")
	writeTree(t, dir, "leaf1/frr.conf", "a\n")
	if err := os.Symlink(filepath.Join(root, "nowhere"), filepath.Join(dir, "leaf1", "dangling")); err != nil {
		t.Fatal(err)
	}
	_, err := CheckDisk(dir, nil, filepath.Join(root, "fabric.lock.yaml"), nil)
	if err == nil || !strings.HasPrefix(err.Error(), "reading "+dir+": open "+filepath.Join(dir, "leaf1", "dangling")) {
		t.Errorf("dangling link in the tree: %v", err)
	}
}
