package gitops

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"underlay.dev/underlay/internal/atomicfile"
)

// Stage writes files to a temporary directory beside dir, changing
// nothing in dir, for the caller to swap in with Commit (see
// atomicfile.Dir: render makes the tree and the lock file one
// transaction). It refuses to replace a non-empty directory that underlay
// did not write, so a mistyped -o cannot wipe unrelated files.
func Stage(dir string, files map[string][]byte) (*atomicfile.Dir, error) {
	if err := checkReplaceable(filepath.Clean(dir)); err != nil {
		return nil, err
	}
	return atomicfile.StageDir(dir, files, 0o644)
}

func checkReplaceable(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && len(entries) == 0) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("output directory: %w", err)
	}
	root, err := os.ReadFile(filepath.Join(dir, KustomizationFile))
	if err != nil || !bytes.HasPrefix(root, []byte(header)) {
		return fmt.Errorf("output directory %s is not empty and was not written by underlay render; "+
			"refusing to replace it (choose a new or empty directory)", dir)
	}
	return nil
}

// Difference is one file that differs between the rendered tree and disk.
type Difference struct {
	Path string
	Kind string // "missing", "extra", "changed"
	Want []byte // rendered content; nil when extra
	Got  []byte // content on disk; nil when missing
}

// Compare lists how dir differs from files, sorted by path.
func Compare(dir string, files map[string][]byte) ([]Difference, error) {
	var diffs []Difference
	seen := map[string]bool{}
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		got, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		seen[rel] = true
		want, ok := files[rel]
		switch {
		case !ok:
			diffs = append(diffs, Difference{Path: rel, Kind: "extra", Got: got})
		case !bytes.Equal(want, got):
			diffs = append(diffs, Difference{Path: rel, Kind: "changed", Want: want, Got: got})
		}
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("reading %s: %w", dir, err)
	}
	for _, name := range sortedKeys(files) {
		if !seen[name] {
			diffs = append(diffs, Difference{Path: name, Kind: "missing", Want: files[name]})
		}
	}
	sort.Slice(diffs, func(i, j int) bool { return diffs[i].Path < diffs[j].Path })
	return diffs, nil
}

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// DeviceOf returns the device directory of a tree path ("" for root files).
func DeviceOf(p string) string {
	d, _, ok := strings.Cut(p, "/")
	if !ok {
		return ""
	}
	return d
}
