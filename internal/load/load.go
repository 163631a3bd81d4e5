// Package load turns an intent and its lock file into a resolved fabric
// and its rendered tree, from a path, an fs.FS or bytes: the one entry
// point for the command line and for a server that reads a Git checkout or
// an intent uploaded with a pull request.
//
// Every problem comes back at once as intent.Errors, each on its file and
// line: the intent's or, for a bad lock entry, the lock file's. Nothing
// here writes: the lock is read, never updated.
package load

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/intent"
	"underlay.dev/underlay/internal/resolve"
)

// File reads the intent at path and the lock file beside it
// (intent.LockPath) from disk and resolves them. Messages name path as
// given.
func File(path string) (*resolve.File, error) { return FS(osFS{}, path) }

// FS reads the intent name from fsys and the lock file beside it in fsys,
// and resolves them; a missing lock file is no lock yet. Messages name the
// files by their names in fsys.
func FS(fsys fs.FS, name string) (*resolve.File, error) {
	src, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("reading intent: %w", err)
	}
	lock, err := fs.ReadFile(fsys, intent.LockPath(name))
	if errors.Is(err, fs.ErrNotExist) {
		lock = nil
	} else if err != nil {
		return nil, fmt.Errorf("reading lock file: %w", err)
	}
	return Bytes(name, src, lock)
}

// Bytes resolves the intent src against lock, the content of its lock
// file (nil when there is none yet: an empty lock resolves the same).
// path names the intent in messages, and intent.LockPath(path) the lock.
func Bytes(path string, src, lock []byte) (*resolve.File, error) {
	doc, err := intent.Parse(path, src)
	if err != nil {
		return nil, err
	}
	lockPath := intent.LockPath(path)
	var lockDoc *intent.LockDocument
	var allocated *v1alpha1.Lock
	if lock != nil {
		if lockDoc, err = intent.ParseLock(lockPath, lock); err != nil {
			return nil, err
		}
		allocated = lockDoc.Lock
	}
	res, errs := resolve.Resolve(doc.Fabric, allocated)
	if len(errs) > 0 {
		return nil, intent.Locate(errs, doc, lockDoc)
	}
	return &resolve.File{Doc: doc, LockPath: lockPath, Result: res}, nil
}

// osFS reads paths as the operating system does, relative to the working
// directory or absolute, so that File's messages (and the *fs.PathError
// inside them) name the path exactly as the caller gave it. os.DirFS
// cannot: it takes only unrooted names and reports them relative to its
// root.
type osFS struct{}

func (osFS) Open(name string) (fs.File, error)    { return os.Open(name) }
func (osFS) ReadFile(name string) ([]byte, error) { return os.ReadFile(name) }
