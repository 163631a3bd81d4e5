// Package output writes what render produces to disk: the Kustomize tree
// and the intent's lock file, as one transaction, so a failure halfway
// never leaves a tree that disagrees with its lock.
package output

import (
	"bytes"
	"errors"
	"fmt"
	"os"

	"underlay.dev/underlay/internal/atomicfile"
	"underlay.dev/underlay/internal/gitops"
)

// Write replaces the tree in dir with files (by slash-separated path) and
// the lock file at lockPath with lock as one transaction: both change or
// neither does. Everything that can fail for want of space or permission
// happens first (the lock's temporary file beside it, the tree in a
// staging directory beside dir); then the tree is swapped in, then the
// lock renamed over the old one. When that rename fails, the old tree is
// swapped back; when only a directory sync fails, the change is in place
// and stays. It refuses to replace a directory that render did not write.
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
	// A sync that fails leaves its part in place: the lock follows the
	// tree all the same, and the sync errors are the result.
	unsynced := tree.Commit()
	if unsynced != nil && !errors.Is(unsynced, atomicfile.ErrNotSynced) {
		return fmt.Errorf("%w (nothing was changed: neither %s nor %s)", unsynced, dir, lockPath)
	}
	if lockTmp == nil {
		return unsynced
	}
	if err := lockTmp.Commit(); err != nil && !errors.Is(err, atomicfile.ErrNotSynced) {
		if rerr := tree.Revert(); rerr != nil {
			return fmt.Errorf("%w; putting the old tree back in %s failed too: %w", err, dir, rerr)
		}
		return fmt.Errorf("%w (the old tree is back in %s: nothing was changed)", err, dir)
	} else if err != nil {
		unsynced = errors.Join(unsynced, err)
	}
	return unsynced
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
