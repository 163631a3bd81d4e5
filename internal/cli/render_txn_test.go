package cli

import (
	"bytes"
	"errors"
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
)

// closIntent is a small generated intent whose values come from pools, so
// its lock changes when leaves are added.
func closIntent(t *testing.T, leaves int) string {
	t.Helper()
	var b bytes.Buffer
	if err := (gen.Clos{Name: "txn", Spines: 2, Leaves: leaves}).Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
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

// renderedTwice renders a 2-leaf fabric into dir/out, then puts a 3-leaf
// intent in its place: rendering it would change both the tree and the lock.
func renderedTwice(t *testing.T, dir string) (intent, out string) {
	t.Helper()
	intent = writeFile(t, dir, "fabric.yaml", closIntent(t, 2))
	out = filepath.Join(dir, "out")
	if code, _, stderr := run(t, "render", "-q", intent, "-o", out); code != 0 {
		t.Fatalf("first render: exit %d: %s", code, stderr)
	}
	writeFile(t, dir, "fabric.yaml", closIntent(t, 3))
	return intent, out
}

// TestRenderLockFailureRestoresTree: when the last step, renaming the new
// lock over the old, fails, the new tree is swapped out again. The rename
// fails for real: in a child process's own mount namespace the lock file
// is bind-mounted onto itself, and rename(2) over a mount point is EBUSY.
func TestRenderLockFailureRestoresTree(t *testing.T) {
	if inMountChild() {
		return
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root for a mount namespace")
	}
	for _, fresh := range []bool{false, true} {
		dir := t.TempDir()
		intent, out := renderedTwice(t, dir)
		if fresh { // a first render into directories that do not exist yet
			os.RemoveAll(out)
			out = filepath.Join(dir, "new", "parent", "out")
		}
		lock := filepath.Join(dir, "fabric.lock.yaml")
		before := snapshot(t, dir)
		code, stderr := runMounted(t, "TestRenderLockFailureRestoresTree", "busy", lock, "render", intent, "-o", out)
		if code != ExitFailed || !strings.Contains(stderr, "writing "+lock+": rename ") ||
			!strings.Contains(stderr, ": device or resource busy (the old tree is back in "+out) {
			t.Errorf("fresh=%v: exit %d, stderr:\n%s", fresh, code, stderr)
		}
		if diff := cmp.Diff(before, snapshot(t, dir)); diff != "" {
			t.Errorf("fresh=%v: a failed render changed files (-before +after):\n%.2000s", fresh, diff)
		}
		if _, err := os.Stat(filepath.Join(dir, "new")); fresh && !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("a failed first render left the directories it created: %v", err)
		}
	}
}

// TestRenderReadOnly: a read-only intent directory (the lock cannot be
// written) or output parent (the tree cannot be staged) fails with exit 1
// naming the path, and changes nothing on either side. The read-only
// directory is a read-only bind mount in a child process's own mount
// namespace: tests run as root, for whom chmod 0555 stops nothing.
func TestRenderReadOnly(t *testing.T) {
	if inMountChild() {
		return
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root for a mount namespace")
	}
	for _, tt := range []struct {
		name string
		ro   func(dir, out string) string
		want func(dir, out string) string
	}{
		{"intent directory", func(dir, _ string) string { return dir },
			func(dir, _ string) string {
				return "writing " + filepath.Join(dir, "fabric.lock.yaml") + ": open " + dir
			}},
		{"output parent", func(_, out string) string { return filepath.Dir(out) },
			func(_, out string) string { return "writing the tree beside " + out }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			dir := filepath.Join(root, "intent")
			os.Mkdir(dir, 0o755)
			intent, out := renderedTwice(t, dir)
			{ // the output outside the intent directory, as in a repository with intent/ and site/
				moved := filepath.Join(root, "site", "out")
				os.Mkdir(filepath.Dir(moved), 0o755)
				if err := os.Rename(out, moved); err != nil {
					t.Fatal(err)
				}
				out = moved
			}
			before := snapshot(t, root)
			code, stderr := runMounted(t, "TestRenderReadOnly", "ro", tt.ro(dir, out), "render", intent, "-o", out)
			if code != ExitFailed || !strings.Contains(stderr, tt.want(dir, out)) {
				t.Errorf("render: exit %d, want exit 1 with …%s…; stderr:\n%s", code, tt.want(dir, out), stderr)
			}
			if diff := cmp.Diff(before, snapshot(t, root)); diff != "" {
				t.Errorf("a failed render changed files (-before +after):\n%.2000s", diff)
			}
		})
	}
}

// runMounted runs the CLI with args in a child process (the test binary,
// running only test) with its own mount namespace, in which path is
// bind-mounted onto itself: read-only for mode "ro", as it is for "busy"
// (a rename over it fails with EBUSY). It returns the exit code and
// stderr.
func runMounted(t *testing.T, test, mode, path string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$")
	cmd.Env = append(os.Environ(), "UNDERLAY_TEST_MOUNT="+mode, "UNDERLAY_TEST_MOUNT_PATH="+path,
		"UNDERLAY_TEST_MOUNT_ARGS="+strings.Join(args, "\t"))
	cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS} // Go makes / private in it
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("running the child: %v", err)
	}
	return cmd.ProcessState.ExitCode(), stderr.String()
}

// inMountChild, in runMounted's child, mounts its path, runs the CLI and
// exits with its code; elsewhere it returns false.
func inMountChild() bool {
	mode, path := os.Getenv("UNDERLAY_TEST_MOUNT"), os.Getenv("UNDERLAY_TEST_MOUNT_PATH")
	if mode == "" {
		return false
	}
	if err := unix.Mount(path, path, "", unix.MS_BIND, ""); err != nil {
		os.Stderr.WriteString("bind mount: " + err.Error() + "\n")
		os.Exit(3)
	}
	if mode == "ro" {
		if err := unix.Mount("", path, "", unix.MS_BIND|unix.MS_REMOUNT|unix.MS_RDONLY, ""); err != nil {
			os.Stderr.WriteString("read-only remount: " + err.Error() + "\n")
			os.Exit(3)
		}
	}
	os.Exit(Main(strings.Split(os.Getenv("UNDERLAY_TEST_MOUNT_ARGS"), "\t"), os.Stdout, os.Stderr))
	return true
}
