// Package fstree reads a directory tree whole, for tests that assert a
// failed write changed nothing on disk.
package fstree

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Snapshot reads every file under dir, hidden ones (leftover temporary
// files) included, by path below dir.
func Snapshot(t testing.TB, dir string) map[string]string {
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
