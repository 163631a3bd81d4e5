package output

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"

	"underlay.dev/underlay/internal/gen"
	"underlay.dev/underlay/internal/intent"
	"underlay.dev/underlay/internal/load"
	"underlay.dev/underlay/internal/testutil/fstree"
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
		if diff := cmp.Diff(want, fstree.Snapshot(t, dir)); diff != "" {
			t.Fatalf("%d leaves: on disk (-want +got):\n%.2000s", leaves, diff)
		}
	}
}

// TestWriteLockFailureRestoresTree: when the last step, renaming the new
// lock over the old, fails, the new tree is swapped out again. The rename
// fails for real: in a child process's own mount namespace the lock file
// is bind-mounted onto itself, and rename(2) over a mount point is EBUSY.
func TestWriteLockFailureRestoresTree(t *testing.T) {
	if lockPath := os.Getenv("UNDERLAY_TEST_BUSY_LOCK"); lockPath != "" {
		busyLockChild(t, lockPath, os.Getenv("UNDERLAY_TEST_OUT"))
		return
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root for a mount namespace")
	}
	for _, fresh := range []bool{false, true} {
		dir := t.TempDir()
		out, lockPath := filepath.Join(dir, "out"), filepath.Join(dir, "fabric.lock.yaml")
		files, lock := rendered(t, 2)
		if err := Write(out, files, lockPath, lock); err != nil {
			t.Fatal(err)
		}
		if fresh { // a first render into directories that do not exist yet
			os.RemoveAll(out)
			out = filepath.Join(dir, "new", "parent", "out")
		}
		before := fstree.Snapshot(t, dir)
		cmd := exec.Command(os.Args[0], "-test.run=^TestWriteLockFailureRestoresTree$")
		cmd.Env = append(os.Environ(), "UNDERLAY_TEST_BUSY_LOCK="+lockPath, "UNDERLAY_TEST_OUT="+out)
		cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS} // Go makes / private in it
		msg, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("child: %v\n%s", err, msg)
		}
		if !strings.Contains(string(msg), "writing "+lockPath+": rename ") ||
			!strings.Contains(string(msg), ": device or resource busy (the old tree is back in "+out) {
			t.Errorf("fresh=%v: Write said %q", fresh, msg)
		}
		if diff := cmp.Diff(before, fstree.Snapshot(t, dir)); diff != "" {
			t.Errorf("fresh=%v: a failed render changed files (-before +after):\n%.2000s", fresh, diff)
		}
		if _, err := os.Stat(filepath.Join(dir, "new")); fresh && !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("a failed first render left the directories it created: %v", err)
		}
	}
}

// busyLockChild runs in the child: it makes lockPath a mount point, tries
// to write a bigger fabric and prints Write's error.
func busyLockChild(t *testing.T, lockPath, out string) {
	if err := unix.Mount(lockPath, lockPath, "", unix.MS_BIND, ""); err != nil {
		t.Fatalf("bind mount: %v", err)
	}
	files, lock := rendered(t, 3)
	fmt.Fprint(os.Stdout, Write(out, files, lockPath, lock))
}
