// Package output writes what render produces to disk: the Kustomize tree
// and the intent's lock file, as one transaction, so a failure halfway
// never leaves a tree that disagrees with its lock.
package output

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"underlay.dev/underlay/internal/atomicfile"
	"underlay.dev/underlay/internal/gitops"
)

// renameLock puts the staged lock in place; a variable so a test can make
// the last step of the transaction fail.
var renameLock = os.Rename

// Write replaces the tree in dir with files (by slash-separated path) and
// the lock file at lockPath with lock as one transaction: both change or
// neither does. Everything that can fail for want of space or permission
// happens first (the lock's temporary file beside it, the tree in a
// staging directory beside dir); then the tree is swapped in, then the
// lock renamed over the old one. When that rename fails, the old tree is
// swapped back. Like gitops.Write, it refuses to replace a directory that
// render did not write.
func Write(dir string, files map[string][]byte, lockPath string, lock []byte) error {
	lockTmp, err := stageLock(lockPath, lock)
	if err != nil {
		return err
	}
	if lockTmp != nil {
		defer lockTmp.Discard()
	}
	tree, err := gitops.Stage(dir, files)
	if err != nil {
		return fmt.Errorf("%w (nothing was changed: neither %s nor %s)", err, dir, lockPath)
	}
	defer tree.Close()
	if err := tree.Commit(); err != nil {
		return fmt.Errorf("%w (nothing was changed: neither %s nor %s)", err, dir, lockPath)
	}
	if lockTmp == nil {
		return nil
	}
	if err := renameLock(lockTmp.Name, lockPath); err != nil {
		if rerr := tree.Revert(); rerr != nil {
			return fmt.Errorf("writing %s: %w; putting the old tree back in %s failed too: %w", lockPath, err, dir, rerr)
		}
		return fmt.Errorf("writing %s: %w (the old tree is back in %s: nothing was changed)", lockPath, err, dir)
	}
	return atomicfile.SyncDir(filepath.Dir(lockPath))
}

// stageLock writes content to a temporary file beside path, or returns
// nil when path already holds it.
func stageLock(path string, content []byte) (*atomicfile.Temp, error) {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, content) {
		return nil, nil
	}
	t, err := atomicfile.Stage(path, content, 0o644)
	if err != nil {
		return nil, fmt.Errorf("%w (nothing was changed)", err)
	}
	return t, nil
}
