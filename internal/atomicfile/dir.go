package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"sync"

	"golang.org/x/sys/unix"
)

// Dir is a directory tree written and made durable beside its
// destination, not yet in place. StageDir, Commit and Revert let a caller
// make the tree one part of a larger transaction (render swaps the tree,
// then renames the lock file, and swaps the tree back when that rename
// fails); a reader, or a crash, sees the old tree or the new one, never a
// mix.
type Dir struct {
	dir, tmp  string
	made      []string // parent directories StageDir created, deepest first
	fresh     bool     // dir did not exist: Commit renames instead of exchanging
	committed bool
}

// StageDir writes files (by slash-separated path relative to the tree,
// each local: no "..", not absolute) to a temporary directory beside dir,
// with mode for files and mode plus search permission for directories,
// and makes them durable. Nothing in dir changes; missing parents of dir
// are created. Close removes what is left.
func StageDir(dir string, files map[string][]byte, mode os.FileMode) (*Dir, error) {
	dir = filepath.Clean(dir)
	for name := range files {
		if !filepath.IsLocal(filepath.FromSlash(name)) || path.Clean(name) != name {
			return nil, fmt.Errorf("writing %s: %q is not a path inside the tree", dir, name)
		}
	}
	d := &Dir{dir: dir}
	for p := filepath.Dir(dir); ; p = filepath.Dir(p) {
		if _, err := os.Lstat(p); !errors.Is(err, fs.ErrNotExist) || p == filepath.Dir(p) {
			break
		}
		d.made = append(d.made, p)
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		d.Close()
		return nil, fmt.Errorf("creating the parent directory of %s: %w", dir, err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "."+filepath.Base(dir)+".tmp-")
	if err != nil {
		d.Close()
		return nil, fmt.Errorf("writing the tree beside %s: %w", dir, err)
	}
	d.tmp = tmp
	if err := writeTree(tmp, files, mode); err != nil {
		d.Close()
		return nil, err
	}
	_, err = os.Stat(dir)
	d.fresh = errors.Is(err, fs.ErrNotExist)
	return d, nil
}

// dirMode is mode with search permission wherever it grants reading.
func dirMode(mode os.FileMode) os.FileMode { return mode.Perm() | (mode.Perm()&0o444)>>2 }

// writeTree creates the directories, then writes the files from several
// goroutines (writing thousands of small files is bound by syscall
// latency, not by CPU), then makes all of it durable with one syncfs
// instead of an fsync per file.
func writeTree(root string, files map[string][]byte, mode os.FileMode) error {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	if err := os.Chmod(root, dirMode(mode)); err != nil {
		return fmt.Errorf("staging directory: %w", err)
	}
	made := map[string]bool{}
	for _, name := range names {
		if d := path.Dir(name); d != "." && !made[d] {
			if err := os.MkdirAll(filepath.Join(root, filepath.FromSlash(d)), dirMode(mode)); err != nil {
				return fmt.Errorf("creating %s: %w", d, err)
			}
			made[d] = true
		}
	}
	if err := writeFiles(root, names, files, mode); err != nil {
		return err
	}
	return syncFS(root)
}

func writeFiles(root string, names []string, files map[string][]byte, mode os.FileMode) error {
	work := make(chan string)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	for range 4 * runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for name := range work {
				if err := os.WriteFile(filepath.Join(root, filepath.FromSlash(name)), files[name], mode); err != nil {
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

// syncFS flushes the file system that holds dir: every file and directory
// just written under it, in one call.
func syncFS(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("syncing %s: %w", dir, err)
	}
	defer f.Close()
	if err := unix.Syncfs(int(f.Fd())); err != nil {
		return fmt.Errorf("syncing %s: %w", dir, err)
	}
	return nil
}

// Commit puts the staged tree in place in one step: a rename when dir does
// not exist, else an exchange that leaves the old tree in the staging
// directory until Close (so Revert can bring it back). ErrNotSynced: the
// tree is in place, not yet durable.
func (d *Dir) Commit() error {
	if d.fresh {
		if err := os.Rename(d.tmp, d.dir); err != nil {
			return fmt.Errorf("moving the tree into %s: %w", d.dir, err)
		}
	} else if err := unix.Renameat2(unix.AT_FDCWD, d.tmp, unix.AT_FDCWD, d.dir, unix.RENAME_EXCHANGE); err != nil {
		return fmt.Errorf("swapping the tree into %s: %w", d.dir, err)
	}
	d.committed = true
	if err := SyncDir(filepath.Dir(d.dir)); err != nil {
		return fmt.Errorf("%w: %w", ErrNotSynced, err)
	}
	return nil
}

// Revert undoes Commit: the old tree is back in dir (or dir is gone again
// when it did not exist) and the new one waits in the staging directory.
func (d *Dir) Revert() error {
	if !d.committed {
		return nil
	}
	if d.fresh {
		if err := os.Rename(d.dir, d.tmp); err != nil {
			return fmt.Errorf("removing the new tree from %s: %w", d.dir, err)
		}
	} else if err := unix.Renameat2(unix.AT_FDCWD, d.tmp, unix.AT_FDCWD, d.dir, unix.RENAME_EXCHANGE); err != nil {
		return fmt.Errorf("swapping the old tree back into %s: %w", d.dir, err)
	}
	d.committed = false
	return SyncDir(filepath.Dir(d.dir))
}

// Close removes the staging directory: the old tree after Commit, the new
// one otherwise; without a Commit in effect, also the parent directories
// StageDir created.
func (d *Dir) Close() error {
	var err error
	if d.tmp != "" {
		err = os.RemoveAll(d.tmp)
	}
	if !d.committed {
		for _, p := range d.made {
			os.Remove(p) // only empty directories go; one in use stays
		}
	}
	return err
}
