// Package golden compares test output with files under testdata/ and
// rewrites them when tests run with -update.
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// Updating reports whether -update was given.
func Updating() bool { return *update }

// Assert compares got with testdata/<name>. With -update it writes got
// there instead. On mismatch it also writes testdata/<name>.actual (which
// git ignores) so the two can be diffed with ordinary tools.
func Assert(t testing.TB, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", filepath.FromSlash(name))
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run with -update to create it): %v", err)
	}
	actual := path + ".actual"
	if string(want) == string(got) {
		_ = os.Remove(actual)
		return
	}
	_ = os.WriteFile(actual, got, 0o644)
	diff := cmp.Diff(strings.Split(string(want), "\n"), strings.Split(string(got), "\n"))
	t.Errorf("%s differs from golden file (-want +got); rerun with -update if intended:\n%s", path, diff)
}
