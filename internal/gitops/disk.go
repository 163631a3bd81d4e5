package gitops

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"underlay.dev/underlay/internal/atomicfile"
)

// Stage writes files to a temporary directory beside dir, changing
// nothing in dir, for the caller to swap in with Commit (see
// atomicfile.Dir: render makes the tree and the lock file one
// transaction). It refuses to replace a non-empty directory that underlay
// did not write, so a mistyped -o cannot wipe unrelated files.
func Stage(dir string, files map[string][]byte) (*atomicfile.Dir, error) {
	if err := checkReplaceable(filepath.Clean(dir)); err != nil {
		return nil, err
	}
	return atomicfile.StageDir(dir, files, 0o644)
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

// DeviceOf returns the device directory of a tree path ("" for root files).
func DeviceOf(p string) string {
	d, _, ok := strings.Cut(p, "/")
	if !ok {
		return ""
	}
	return d
}
