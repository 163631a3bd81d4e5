package store

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCommitAndReopen(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if rev, files, err := s.Good(); rev != "" || files != nil || err != nil {
		t.Fatalf("empty store: %q %v %v", rev, files, err)
	}
	for _, rev := range []string{"sha256:a", "sha256:b"} {
		want := Files{"frr.conf": []byte("hostname " + rev + "\n"), "expect.json": []byte("{}")}
		if err := s.Begin(rev); err != nil {
			t.Fatal(err)
		}
		if s.Interrupted() != rev {
			t.Fatal("in-flight revision not recorded")
		}
		if err := s.Commit(rev, want); err != nil {
			t.Fatal(err)
		}
		s2, _ := Open(dir) // as after a restart
		got, files, err := s2.Good()
		if err != nil || got != rev || s2.Interrupted() != "" {
			t.Fatalf("got %q, %v, interrupted %q", got, err, s2.Interrupted())
		}
		if diff := cmp.Diff(want, files); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, ".*")); len(leftovers) != 0 {
		t.Errorf("leftovers: %v", leftovers)
	}
}

func TestCommitRejectsBadNamesAndKeepsOld(t *testing.T) {
	s, _ := Open(t.TempDir())
	if err := s.Commit("r1", Files{"frr.conf": []byte("x")}); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"../etc/passwd", ".hidden", "a/b", "", "x..y"} {
		if err := s.Commit("r2", Files{bad: []byte("x")}); err == nil {
			t.Errorf("commit of %q accepted", bad)
		}
	}
	if rev, _, _ := s.Good(); rev != "r1" {
		t.Errorf("a rejected commit changed the good revision to %q", rev)
	}
	_ = os.Remove
}

// TestOpenRemovesStaging: what a crash left mid-commit (a staging
// directory, of this version or of one that staged by itself) is gone
// after Open, and the recorded revisions are not.
func TestOpenRemovesStaging(t *testing.T) {
	dir := t.TempDir()
	s, _ := Open(dir)
	if err := s.Commit("r1", Files{"frr.conf": []byte("x")}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetOriginal(Files{"frr.conf": []byte("o")}); err != nil {
		t.Fatal(err)
	}
	for _, stale := range []string{".good.tmp-1", ".original.tmp-2", ".good-3"} {
		if err := os.MkdirAll(filepath.Join(dir, stale, "sub"), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	s, _ = Open(dir)
	if leftovers, _ := filepath.Glob(filepath.Join(dir, ".*")); len(leftovers) != 0 {
		t.Errorf("leftovers: %v", leftovers)
	}
	if rev, _, _ := s.Good(); rev != "r1" {
		t.Errorf("good revision %q after Open", rev)
	}
	if orig, err := s.Original(); err != nil || string(orig["frr.conf"]) != "o" {
		t.Errorf("original after Open: %v %v", orig, err)
	}
	if err := s.SetOriginal(Files{"frr.conf": []byte("p")}); err == nil {
		t.Error("a second SetOriginal replaced the original")
	}
}
