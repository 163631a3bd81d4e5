package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// read returns every file under dir by slash path, and the mode of every
// entry.
func read(t *testing.T, dir string) (map[string]string, map[string]fs.FileMode) {
	t.Helper()
	files, modes := map[string]string{}, map[string]fs.FileMode{}
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		fi, err := e.Info()
		if err != nil {
			return err
		}
		modes[filepath.ToSlash(rel)] = fi.Mode()
		if !e.IsDir() {
			b, err := os.ReadFile(p)
			files[filepath.ToSlash(rel)] = string(b)
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files, modes
}

func TestWriteFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	for _, content := range []string{"one", "two"} {
		if err := WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(p); string(b) != content {
			t.Errorf("got %q, want %q", b, content)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(p), ".*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestStageDir: a first commit renames the tree into place, creating its
// parents; a second exchanges it with the old one, Revert brings the old
// back, and Close leaves no staging directory.
func TestStageDir(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "new", "out")
	v1 := map[string][]byte{"a/x": []byte("1"), "b": []byte("2")}
	d, err := StageDir(dir, v1, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	d.Close()
	files, modes := read(t, dir)
	if diff := cmp.Diff(map[string]string{"a/x": "1", "b": "2"}, files); diff != "" {
		t.Errorf("first commit (-want +got):\n%s", diff)
	}
	if modes["."].Perm() != 0o700 || modes["a"].Perm() != 0o700 || modes["a/x"].Perm() != 0o600 {
		t.Errorf("modes: %v, want directories 0700 and files 0600", modes)
	}

	d, err = StageDir(dir, map[string][]byte{"c": []byte("3")}, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	if files, _ := read(t, dir); files["c"] != "3" || len(files) != 1 {
		t.Errorf("second commit: %v", files)
	}
	if err := d.Revert(); err != nil {
		t.Fatal(err)
	}
	d.Close()
	if files, _ := read(t, dir); files["b"] != "2" || len(files) != 2 {
		t.Errorf("after Revert: %v, want the first tree", files)
	}
	if left, _ := filepath.Glob(filepath.Join(root, "new", ".*")); len(left) != 0 {
		t.Errorf("staging directories left: %v", left)
	}
}

// TestStageDirCloseUncommitted: a stage that is never committed changes
// nothing, not even the parents it created.
func TestStageDirCloseUncommitted(t *testing.T) {
	root := t.TempDir()
	d, err := StageDir(filepath.Join(root, "p", "q", "out"), map[string][]byte{"f": nil}, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	if entries, _ := os.ReadDir(root); len(entries) != 0 {
		t.Errorf("left %v", entries)
	}
}

// TestStageDirRefusesEscapes: no file lands outside the tree.
func TestStageDirRefusesEscapes(t *testing.T) {
	root := t.TempDir()
	for _, name := range []string{"../x", "a/../../x", "/etc/x", "", "a//b", "a/./b", "a/"} {
		_, err := StageDir(filepath.Join(root, "out"), map[string][]byte{name: []byte("x")}, 0o644)
		if err == nil || !strings.Contains(err.Error(), "is not a path inside the tree") {
			t.Errorf("%q: %v", name, err)
		}
	}
	if entries, _ := os.ReadDir(root); len(entries) != 0 {
		t.Errorf("left %v", entries)
	}
}

// TestTempCommitRenameFails: a rename that fails is no ErrNotSynced (the
// caller rolls back), and the temporary file is the caller's to discard.
func TestTempCommitRenameFails(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "f")
	tmp, err := Stage(target, []byte("x"), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer tmp.Discard()
	if err := os.Mkdir(target, 0o755); err != nil { // a file cannot replace a directory
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(target, "keep"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	err = tmp.Commit()
	if err == nil || errors.Is(err, ErrNotSynced) || !strings.Contains(err.Error(), "writing "+target) {
		t.Errorf("got %v, want a rename error naming %s", err, target)
	}
}
