package gitops

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"golang.org/x/sys/unix"

	"underlay.dev/underlay/internal/atomicfile"
)

// Write replaces dir with files atomically: the tree is written to a
// sibling temporary directory and swapped in with one rename exchange, so
// a reader (or a crash) sees the old tree or the new one, never a mix.
// Write refuses to replace a non-empty directory that underlay did not
// write, so a mistyped -o cannot wipe unrelated files.
func Write(dir string, files map[string][]byte) error {
	s, err := Stage(dir, files)
	if err != nil {
		return err
	}
	defer s.Close()
	return s.Commit()
}

// Staged is a tree written beside its destination and not yet in place.
// Stage, Commit and Revert let a caller make the tree one part of a larger
// transaction (render swaps the tree, then renames the lock file, and
// swaps the tree back when that rename fails).
type Staged struct {
	dir, tmp  string
	made      []string // parent directories Stage created, deepest first
	fresh     bool     // dir did not exist: Commit renames instead of exchanging
	committed bool
}

// Stage writes files to a temporary directory beside dir, changing
// nothing in dir. Close removes what is left of it.
func Stage(dir string, files map[string][]byte) (*Staged, error) {
	dir = filepath.Clean(dir)
	if err := checkReplaceable(dir); err != nil {
		return nil, err
	}
	s := &Staged{dir: dir}
	for p := filepath.Dir(dir); ; p = filepath.Dir(p) {
		if _, err := os.Lstat(p); !errors.Is(err, fs.ErrNotExist) || p == filepath.Dir(p) {
			break
		}
		s.made = append(s.made, p)
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		s.Close()
		return nil, fmt.Errorf("creating the parent directory of %s: %w", dir, err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "."+filepath.Base(dir)+".render-")
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("writing the tree beside %s: %w", dir, err)
	}
	s.tmp = tmp
	if err := writeAll(tmp, files); err != nil {
		s.Close()
		return nil, err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		s.Close()
		return nil, fmt.Errorf("staging directory: %w", err)
	}
	_, err = os.Stat(dir)
	s.fresh = errors.Is(err, fs.ErrNotExist)
	return s, nil
}

// Commit puts the staged tree in place in one step: a rename when dir does
// not exist, else an exchange that leaves the old tree in the staging
// directory until Close (so Revert can bring it back).
func (s *Staged) Commit() error {
	if s.fresh {
		if err := os.Rename(s.tmp, s.dir); err != nil {
			return fmt.Errorf("moving the tree into %s: %w", s.dir, err)
		}
	} else if err := unix.Renameat2(unix.AT_FDCWD, s.tmp, unix.AT_FDCWD, s.dir, unix.RENAME_EXCHANGE); err != nil {
		return fmt.Errorf("swapping the tree into %s: %w", s.dir, err)
	}
	s.committed = true
	return atomicfile.SyncDir(filepath.Dir(s.dir))
}

// Revert undoes Commit: the old tree is back in dir (or dir is gone again
// when it did not exist) and the new one waits in the staging directory.
func (s *Staged) Revert() error {
	if !s.committed {
		return nil
	}
	if s.fresh {
		if err := os.Rename(s.dir, s.tmp); err != nil {
			return fmt.Errorf("removing the new tree from %s: %w", s.dir, err)
		}
	} else if err := unix.Renameat2(unix.AT_FDCWD, s.tmp, unix.AT_FDCWD, s.dir, unix.RENAME_EXCHANGE); err != nil {
		return fmt.Errorf("swapping the old tree back into %s: %w", s.dir, err)
	}
	s.committed = false
	return atomicfile.SyncDir(filepath.Dir(s.dir))
}

// Close removes the staging directory: the old tree after Commit, the new
// one otherwise; without a Commit in effect, also the parent directories
// Stage created.
func (s *Staged) Close() error {
	var err error
	if s.tmp != "" {
		err = os.RemoveAll(s.tmp)
	}
	if !s.committed {
		for _, p := range s.made {
			os.Remove(p) // only empty directories go; one in use stays
		}
	}
	return err
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

// writeAll creates the directories, then writes the files from several
// goroutines: writing thousands of small files is bound by syscall
// latency, not by CPU.
func writeAll(root string, files map[string][]byte) error {
	names := sortedKeys(files)
	made := map[string]bool{}
	for _, name := range names {
		if d := path.Dir(name); d != "." && !made[d] {
			if err := os.MkdirAll(filepath.Join(root, filepath.FromSlash(d)), 0o755); err != nil {
				return fmt.Errorf("creating %s: %w", d, err)
			}
			made[d] = true
		}
	}
	work := make(chan string)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	for range 4 * runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for name := range work {
				if err := os.WriteFile(filepath.Join(root, filepath.FromSlash(name)), files[name], 0o644); err != nil {
					select {
					case errs <- fmt.Errorf("writing %s: %w", name, err):
					default:
					}
				}
			}
		})
	}
	for _, name := range names {
		work <- name
	}
	close(work)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
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
