package output

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"underlay.dev/underlay/internal/gen"
	"underlay.dev/underlay/internal/intent"
	"underlay.dev/underlay/internal/load"
)

// rendered is the tree and lock of a generated fabric with leaves leaves,
// its values from pools, so both change when leaves are added.
func rendered(t *testing.T, leaves int) (map[string][]byte, []byte) {
	t.Helper()
	var src bytes.Buffer
	if err := (gen.Clos{Name: "txn", Spines: 2, Leaves: leaves}).Write(&src); err != nil {
		t.Fatal(err)
	}
	f, err := load.Bytes("fabric.yaml", src.Bytes(), nil)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := load.Tree(f)
	if err != nil {
		t.Fatal(err)
	}
	files, err := tree.Files()
	if err != nil {
		t.Fatal(err)
	}
	lock, err := intent.MarshalLock(f.Lock)
	if err != nil {
		t.Fatal(err)
	}
	return files, lock
}

// snapshot reads every file under dir, hidden ones (leftover temporary
// files) included.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		out[strings.TrimPrefix(p, dir)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	out, lockPath := filepath.Join(dir, "out"), filepath.Join(dir, "fabric.lock.yaml")
	for _, leaves := range []int{3, 2, 2} { // a device goes; then nothing changes
		files, lock := rendered(t, leaves)
		if err := Write(out, files, lockPath, lock); err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"/fabric.lock.yaml": string(lock)}
		for p, b := range files {
			want["/out/"+p] = string(b)
		}
		if diff := cmp.Diff(want, snapshot(t, dir)); diff != "" {
			t.Fatalf("%d leaves: on disk (-want +got):\n%.2000s", leaves, diff)
		}
	}
}

// TestWriteLockFailureRestoresTree: when the last step, renaming the new
// lock over the old, fails, the new tree is swapped out again.
func TestWriteLockFailureRestoresTree(t *testing.T) {
	t.Cleanup(func() { renameLock = os.Rename })
	for _, fresh := range []bool{false, true} {
		dir := t.TempDir()
		out, lockPath := filepath.Join(dir, "out"), filepath.Join(dir, "fabric.lock.yaml")
		renameLock = os.Rename
		files, lock := rendered(t, 2)
		if err := Write(out, files, lockPath, lock); err != nil {
			t.Fatal(err)
		}
		if fresh { // a first render into directories that do not exist yet
			os.RemoveAll(out)
			out = filepath.Join(dir, "new", "parent", "out")
		}
		renameLock = func(string, string) error { return syscall.EIO }
		before := snapshot(t, dir)
		files, lock = rendered(t, 3)
		err := Write(out, files, lockPath, lock)
		if err == nil || !strings.Contains(err.Error(), "writing "+lockPath+": input/output error (the old tree is back in "+out) ||
			!errors.Is(err, syscall.EIO) {
			t.Errorf("fresh=%v: %v", fresh, err)
		}
		if diff := cmp.Diff(before, snapshot(t, dir)); diff != "" {
			t.Errorf("fresh=%v: a failed render changed files (-before +after):\n%.2000s", fresh, diff)
		}
		if _, err := os.Stat(filepath.Join(dir, "new")); fresh && !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("a failed first render left the directories it created: %v", err)
		}
	}
}
