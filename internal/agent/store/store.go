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
	// Staging directories of a crash: atomicfile's, and ".good-*" of
	// versions that staged by themselves.
	for _, pattern := range []string{".good.tmp-*", ".original.tmp-*", ".good-*"} {
		stale, _ := filepath.Glob(filepath.Join(dir, pattern))
		for _, s := range stale {
			os.RemoveAll(s)
		}
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
	d, err := s.stage("good", files, rev)
	if err != nil {
		return fmt.Errorf("committing %s: %w", rev, err)
	}
	// After the exchange the staging directory holds the old revision;
	// Close deletes it.
	defer d.Close()
	if err := d.Commit(); err != nil {
		return fmt.Errorf("committing %s: %w", rev, err)
	}
	return s.Done()
}

// stage writes files, and rev as the revision marker unless it is "",
// into a new directory beside <state>/name (Open removes one a crash
// left), to be swapped in whole.
func (s *Store) stage(name string, files Files, rev string) (*atomicfile.Dir, error) {
	all := make(map[string][]byte, len(files)+1)
	for _, n := range sortedNames(files) {
		if !bundle.ValidFileName(n) {
			return nil, fmt.Errorf("invalid file name %q", n)
		}
		all[n] = files[n]
	}
	if rev != "" {
		all[revisionFile] = []byte(rev + "\n")
	}
	return atomicfile.StageDir(filepath.Join(s.dir, name), all, 0o600)
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
