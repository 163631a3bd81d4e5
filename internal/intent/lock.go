package intent

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"underlay.dev/underlay/api/v1alpha1"
)

// LockHeader starts every lock file.
const LockHeader = "# Allocations made by underlay for the intent beside this file.\n" +
	"# Commit it: it keeps ASNs and addresses stable when devices come and go.\n" +
	"# Delete an entry to let underlay allocate that value afresh.\n"

// LockPath is where the lock of an intent file lives: fabric.yaml →
// fabric.lock.yaml in the same directory.
func LockPath(intentPath string) string {
	ext := filepath.Ext(intentPath)
	return strings.TrimSuffix(intentPath, ext) + ".lock.yaml"
}

// LoadLock reads the lock at path; a missing file is an empty lock (nil).
func LoadLock(path string) (*v1alpha1.Lock, error) {
	src, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading lock file: %w", err)
	}
	var l v1alpha1.Lock
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(&l); err != nil && !errors.Is(err, errEOF) {
		return nil, decodeErrors(path, src, err)
	}
	if l.Kind != "" && l.Kind != v1alpha1.KindLock {
		return nil, Errors{{File: path, Line: 1, Msg: fmt.Sprintf("kind %q is not %s; is this the lock file?", l.Kind, v1alpha1.KindLock)}}
	}
	return &l, nil
}

// MarshalLock renders a lock deterministically (yaml sorts map keys).
func MarshalLock(l *v1alpha1.Lock) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(LockHeader)
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(l); err != nil {
		return nil, fmt.Errorf("encoding lock: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encoding lock: %w", err)
	}
	return b.Bytes(), nil
}
