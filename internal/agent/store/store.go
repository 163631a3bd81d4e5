// Package store keeps the agent's on-disk state: the last-known-good
// configuration (what the device ran after its last healthy apply) and the
// revision being applied, so a restart after a crash knows what the device
// holds and converges from there.
//
// Layout under the state directory:
//
//	good/<name>        files of the last-known-good revision
//	good/.revision     its revision (the ConfigMap content hash)
//	applying.revision  present while an apply is in flight
//	original/<name>    what the device ran before the first apply (the
//	                   rollback target while good/ is empty)
//
// A revision is committed by writing the new files and its revision to a
// temporary directory and swapping it in with one rename exchange, so
// good/ is always one whole revision, whenever the process dies.
package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/sys/unix"

	"underlay.dev/underlay/internal/atomicfile"
	"underlay.dev/underlay/internal/bundle"
)

const revisionFile = ".revision"

// Files are a configuration: ConfigMap key → content.
type Files map[string][]byte

// Store is the agent's state directory.
type Store struct{ dir string }

// Open creates the state directory if needed and removes what a crash left
// half-written.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("state directory: %w", err)
	}
	stale, _ := filepath.Glob(filepath.Join(dir, ".good-*"))
	for _, s := range stale {
		os.RemoveAll(s)
	}
	return &Store{dir: dir}, nil
}

// Good returns the last-known-good revision and files; revision "" means
// none was recorded yet.
func (s *Store) Good() (string, Files, error) {
	rev, err := os.ReadFile(filepath.Join(s.dir, "good", revisionFile))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil, nil
	}
	if err != nil {
		return "", nil, fmt.Errorf("reading last-known-good: %w", err)
	}
	files, err := readFiles(filepath.Join(s.dir, "good"))
	if err != nil {
		return "", nil, fmt.Errorf("reading last-known-good: %w", err)
	}
	return strings.TrimSpace(string(rev)), files, nil
}

// Commit records files as the last-known-good revision.
func (s *Store) Commit(rev string, files Files) error {
	tmp, err := s.stage(files)
	if err != nil {
		return fmt.Errorf("committing %s: %w", rev, err)
	}
	defer os.RemoveAll(tmp)
	if err := atomicfile.WriteFile(filepath.Join(tmp, revisionFile), []byte(rev+"\n"), 0o600); err != nil {
		return err
	}
	good := filepath.Join(s.dir, "good")
	// After the exchange tmp holds the old revision; the deferred
	// RemoveAll deletes it.
	err = unix.Renameat2(unix.AT_FDCWD, tmp, unix.AT_FDCWD, good, unix.RENAME_EXCHANGE)
	if errors.Is(err, unix.ENOENT) {
		err = os.Rename(tmp, good)
	}
	if err != nil {
		return fmt.Errorf("committing %s: %w", rev, err)
	}
	if err := atomicfile.SyncDir(s.dir); err != nil {
		return err
	}
	return s.Done()
}

// stage writes files into a new temporary directory beside the store's
// revisions (Open removes one a crash left), to be swapped in whole.
func (s *Store) stage(files Files) (string, error) {
	tmp, err := os.MkdirTemp(s.dir, ".good-")
	if err != nil {
		return "", err
	}
	for _, name := range sortedNames(files) {
		err = fmt.Errorf("invalid file name %q", name)
		if bundle.ValidFileName(name) {
			err = atomicfile.WriteFile(filepath.Join(tmp, name), files[name], 0o600)
		}
		if err != nil {
			os.RemoveAll(tmp)
			return "", err
		}
	}
	return tmp, nil
}

// readFiles reads a revision's files, without its revision marker.
func readFiles(dir string) (Files, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	files := Files{}
	for _, e := range entries {
		if e.Name() == revisionFile {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		files[e.Name()] = b
	}
	return files, nil
}

// Begin records that rev is being applied.
func (s *Store) Begin(rev string) error {
	return atomicfile.WriteFile(filepath.Join(s.dir, "applying.revision"), []byte(rev+"\n"), 0o600)
}

// Done clears the in-flight marker.
func (s *Store) Done() error {
	err := os.Remove(filepath.Join(s.dir, "applying.revision"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("clearing apply marker: %w", err)
	}
	return nil
}

// Interrupted returns the revision an earlier run was applying when it
// died, or "".
func (s *Store) Interrupted() string {
	b, err := os.ReadFile(filepath.Join(s.dir, "applying.revision"))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

func sortedNames(f Files) []string {
	names := make([]string, 0, len(f))
	for n := range f {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// SetBaseline records the differences a drift check sees right after a
// healthy apply (lines FRR hides because they equal its profile defaults,
// for example), so later checks report only new differences.
func (s *Store) SetBaseline(diff string) error {
	return atomicfile.WriteFile(filepath.Join(s.dir, "drift-baseline"), []byte(diff), 0o600)
}

// Baseline returns the recorded drift baseline ("" if none).
func (s *Store) Baseline() string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "drift-baseline"))
	return string(b)
}
