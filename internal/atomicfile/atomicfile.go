// Package atomicfile replaces files so that a reader, or a crash at any
// instant (kill -9, power loss), sees either the old content or the new,
// never a mix: write a temporary file beside the target, fsync it, rename
// it over the target, fsync the directory; a directory tree is written
// beside its target, synced and swapped in with one rename exchange
// (StageDir). Render, gitops and the agent all write through it.
package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrNotSynced marks a Commit whose rename happened (readers see the new
// content) but whose directory sync failed, so a crash may undo it. A
// transaction must not roll its other parts back on it: this part is in
// place.
var ErrNotSynced = errors.New("replaced, but not made durable")

// WriteFile atomically replaces path with data and mode.
func WriteFile(path string, data []byte, mode os.FileMode) error {
	t, err := Stage(path, data, mode)
	if err != nil {
		return err
	}
	if err := t.Commit(); err != nil {
		t.Discard()
		return err
	}
	return nil
}

// Temp is new content written and fsynced beside its target, not yet in
// place: a transaction stages every file first, so that what can fail for
// want of space or permission fails before anything changes.
type Temp struct {
	// Name is the temporary file.
	Name   string
	target string
}

// Stage writes data with mode to a temporary file beside path.
func Stage(path string, data []byte, mode os.FileMode) (*Temp, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	if _, err = tmp.Write(data); err == nil {
		err = tmp.Chmod(mode)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp.Name())
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	return &Temp{Name: tmp.Name(), target: path}, nil
}

// Commit renames the temporary file over its target and makes that
// durable (ErrNotSynced when only the second fails).
func (t *Temp) Commit() error {
	if err := os.Rename(t.Name, t.target); err != nil {
		return fmt.Errorf("writing %s: %w", t.target, err)
	}
	if err := SyncDir(filepath.Dir(t.target)); err != nil {
		return fmt.Errorf("writing %s: %w: %w", t.target, ErrNotSynced, err)
	}
	return nil
}

// Discard removes the temporary file if it is still there.
func (t *Temp) Discard() { os.Remove(t.Name) }

// SyncDir makes a rename or creation in dir durable.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("syncing %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("syncing %s: %w", dir, err)
	}
	return nil
}
