package diff

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"underlay.dev/underlay/internal/gitops"
)

// Check is how a tree on disk and its lock file differ from what the
// intent renders: what `render --check` reports to CI.
type Check struct {
	Dir string
	// Tree is the tree on disk (Old) against the rendered one (New): an
	// Added file is missing on disk, a Removed one is extra there.
	Tree     *Diff
	LockPath string
	// LockStale is set when the lock file on disk differs from the
	// rendered lock or is missing.
	LockStale bool
}

// CheckDisk compares the tree in dir with files (the rendered tree, by
// slash-separated path) and the lock file at lockPath with lock. A missing
// dir or lock file is a difference, not an error; an unreadable one is an
// error.
func CheckDisk(dir string, files map[string][]byte, lockPath string, lock []byte) (*Check, error) {
	tree, err := compareDir(dir, files)
	if err != nil {
		return nil, err
	}
	onDisk, err := os.ReadFile(lockPath)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	return &Check{Dir: dir, Tree: tree, LockPath: lockPath, LockStale: !bytes.Equal(onDisk, lock)}, nil
}

// OutOfDate counts the files to render again: the tree's differing files
// and the lock file when it is stale.
func (c *Check) OutOfDate() int {
	n := len(c.Tree.Files())
	if c.LockStale {
		n++
	}
	return n
}

// UpToDate reports whether the tree and the lock are what the intent
// renders.
func (c *Check) UpToDate() bool { return c.OutOfDate() == 0 }

// compareDir walks dir once, keeping the content of differing files only
// (a large fabric's tree is not held in memory twice).
func compareDir(dir string, want map[string][]byte) (*Diff, error) {
	var files []File
	seen := map[string]bool{}
	onDisk := map[string]bool{}
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil && p == dir && errors.Is(err, fs.ErrNotExist) {
			return fs.SkipAll // no tree yet: every file is missing
		}
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
		onDisk[gitops.DeviceOf(rel)] = true
		w, ok := want[rel]
		switch {
		case !ok:
			files = append(files, File{Path: rel, Kind: Removed, Old: got})
		case !bytes.Equal(w, got):
			files = append(files, File{Path: rel, Kind: Changed, Old: got, New: w})
		}
		return nil
	})
	if err != nil {
		// Only a missing dir is no tree: a file that vanishes or a link to
		// nowhere inside it would otherwise stop the walk unnoticed, and
		// every file after it would count as missing.
		return nil, fmt.Errorf("reading %s: %w", dir, err)
	}
	for p, w := range want {
		if !seen[p] {
			files = append(files, File{Path: p, Kind: Added, New: w})
		}
	}
	return group(files, onDisk, devices(want)), nil
}
