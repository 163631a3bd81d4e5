package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// OriginalRevision names the configuration a device ran before its first
// apply, as recorded by SetOriginal.
const OriginalRevision = "before-first-apply"

// SetOriginal records the configuration the device ran before underlay's
// first apply (original/<name>), once: the rollback target while there is
// no last-known-good. It is swapped in whole, like a commit.
func (s *Store) SetOriginal(files Files) error {
	dir := filepath.Join(s.dir, "original")
	if _, err := os.Lstat(dir); err == nil {
		return fmt.Errorf("recording the original config: %s exists already (it is recorded once)", dir)
	}
	d, err := s.stage("original", files, "")
	if err != nil {
		return fmt.Errorf("recording the original config: %w", err)
	}
	defer d.Close()
	if err := d.Commit(); err != nil {
		return fmt.Errorf("recording the original config: %w", err)
	}
	return nil
}

// Original returns the configuration recorded by SetOriginal, or nil
// files and no error when none was.
func (s *Store) Original() (Files, error) {
	dir := filepath.Join(s.dir, "original")
	files, err := readFiles(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the original config: %w", err)
	}
	return files, nil
}
