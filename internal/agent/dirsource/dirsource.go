// Package dirsource reads a device's configuration from a mounted
// ConfigMap directory, the agent's source when it does not watch the API
// (no API server: offline mode). The kubelet updates such a directory
// atomically: the files live in a timestamped directory and the "..data"
// symlink is swapped to a new one with a rename, so an update is complete
// when "..data" changes. A plain directory changes file by file, so its
// changes are debounced until it has been quiet for a moment.
//
// The directory is input, not trusted: every read stays inside it (a
// symlink that leads out, or is absolute, is refused), only regular files
// are read (a FIFO never blocks the agent, a device is never opened for
// reading), and the number and size of the files are capped.
package dirsource

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"strings"
	"syscall"

	"underlay.dev/underlay/internal/agent/store"
	"underlay.dev/underlay/internal/bundle"
)

// Limits of a configuration directory. A ConfigMap holds at most
// bundle.MaxBytes; the total leaves room for a directory assembled by
// hand.
const (
	MaxFileBytes  = bundle.MaxBytes
	MaxTotalBytes = 4 << 20
	MaxFiles      = 64
)

// ErrRefused marks a directory whose content is not a configuration the
// agent may read.
var ErrRefused = errors.New("configuration directory refused")

// Read returns the directory's current files and their revision. Hidden
// entries (the kubelet's "..data" and timestamped directories) are not
// configuration.
func Read(dir string) (string, store.Files, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return "", nil, fmt.Errorf("opening %s: %w", dir, err)
	}
	defer root.Close()
	data := "."
	if kubeletManaged(dir) {
		data = "..data" // Root resolves the link, inside dir only
	}
	names, err := listNames(root, data)
	if err != nil {
		return "", nil, fmt.Errorf("reading %s: %w", dir, err)
	}
	files, total := store.Files{}, 0
	for _, name := range names {
		b, err := readRegular(root, data+"/"+name, MaxTotalBytes-total)
		if err != nil {
			return "", nil, fmt.Errorf("%w: %s: %s: %w", ErrRefused, dir, name, err)
		}
		total += len(b)
		files[name] = b
	}
	return bundle.ContentHash(files), files, nil
}

// listNames lists the non-hidden entries of dir inside root, sorted.
func listNames(root *os.Root, dir string) ([]string, error) {
	d, err := root.Open(dir)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	// Bounded: a directory of a million entries is not listed whole.
	// Hidden entries (the kubelet's) count towards the listing only.
	const maxEntries = 4 * MaxFiles
	entries, err := d.ReadDir(maxEntries)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	if len(names) > MaxFiles || len(entries) == maxEntries {
		return nil, fmt.Errorf("%w: more than %d files", ErrRefused, MaxFiles)
	}
	sort.Strings(names)
	return names, nil
}

// readRegular reads a regular file of at most min(MaxFileBytes, budget)
// bytes. It checks the type before opening (a device is never opened)
// and again on the open file (it may have been swapped); the open never
// blocks on a FIFO.
func readRegular(root *os.Root, name string, budget int) ([]byte, error) {
	fi, err := root.Stat(name)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file (%s)", fi.Mode().Type())
	}
	f, err := root.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file (%s)", fi.Mode().Type())
	}
	limit := min(MaxFileBytes, budget)
	b, err := io.ReadAll(io.LimitReader(f, int64(limit)+1))
	if err != nil {
		return nil, err
	}
	if len(b) > limit {
		if limit < MaxFileBytes {
			return nil, fmt.Errorf("the files together exceed %d bytes", MaxTotalBytes)
		}
		return nil, fmt.Errorf("larger than %d bytes", MaxFileBytes)
	}
	return b, nil
}

// kubeletManaged reports whether dir has the kubelet's "..data" link.
func kubeletManaged(dir string) bool {
	fi, err := os.Lstat(dir + "/..data")
	return err == nil && fi.Mode()&fs.ModeSymlink != 0
}
