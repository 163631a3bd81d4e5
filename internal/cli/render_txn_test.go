package cli

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"

	"underlay.dev/underlay/internal/gen"
	"underlay.dev/underlay/internal/testutil/fstree"
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

// The transaction itself (the lock's rename failing last) is tested in
// internal/output; here, that the command changes nothing when a
// directory is read-only.

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

// TestRenderReadOnly: a read-only intent directory (the lock cannot be
// written) or output parent (the tree cannot be staged) fails with exit 1
// naming the path, and changes nothing on either side. The read-only
// directory is a read-only bind mount in a child process's own mount
// namespace: tests run as root, for whom chmod 0555 stops nothing.
func TestRenderReadOnly(t *testing.T) {
	if ro := os.Getenv("UNDERLAY_TEST_RO_DIR"); ro != "" {
		readOnlyChild(ro, strings.Split(os.Getenv("UNDERLAY_TEST_RO_ARGS"), "\t"))
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
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			intent, out := renderedTwice(t, dir)
			{ // the output outside the intent directory, as in a repository with intent/ and site/
				moved := filepath.Join(root, "site", "out")
				if err := os.Mkdir(filepath.Dir(moved), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.Rename(out, moved); err != nil {
					t.Fatal(err)
				}
				out = moved
			}
			before := fstree.Snapshot(t, root)
			cmd := exec.Command(os.Args[0], "-test.run=^TestRenderReadOnly$")
			cmd.Env = append(os.Environ(), "UNDERLAY_TEST_RO_DIR="+tt.ro(dir, out),
				"UNDERLAY_TEST_RO_ARGS="+strings.Join([]string{"render", intent, "-o", out}, "\t"))
			cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS} // Go makes / private in it
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != ExitFailed || !strings.Contains(stderr.String(), tt.want(dir, out)) {
				t.Errorf("render: %v, want exit 1 with …%s…; stderr:\n%s", err, tt.want(dir, out), stderr.String())
			}
			if diff := cmp.Diff(before, fstree.Snapshot(t, root)); diff != "" {
				t.Errorf("a failed render changed files (-before +after):\n%.2000s", diff)
			}
		})
	}
}

// readOnlyChild runs in the child: it makes dir read-only in its own mount
// namespace, runs the CLI and exits with its code.
func readOnlyChild(dir string, args []string) {
	if err := unix.Mount(dir, dir, "", unix.MS_BIND, ""); err != nil {
		os.Stderr.WriteString("bind mount: " + err.Error() + "\n")
		os.Exit(3)
	}
	if err := unix.Mount("", dir, "", unix.MS_BIND|unix.MS_REMOUNT|unix.MS_RDONLY, ""); err != nil {
		os.Stderr.WriteString("read-only remount: " + err.Error() + "\n")
		os.Exit(3)
	}
	os.Exit(Main(args, os.Stdout, os.Stderr))
}
