// Package dirsource reads a device's configuration from a mounted
// ConfigMap directory, the agent's fallback when it cannot watch the API.
// The kubelet updates such a directory atomically: the files live in a
// timestamped directory and the "..data" symlink is swapped to a new one
// with a rename, so an update is complete when "..data" changes.
package dirsource

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/fsnotify/fsnotify"

	"underlay.dev/underlay/internal/agent/store"
	"underlay.dev/underlay/internal/gitops"
)

// Read returns the directory's current files and their revision. Hidden
// entries (the kubelet's "..data" and timestamped directories) are not
// configuration.
func Read(dir string) (string, store.Files, error) {
	data := filepath.Join(dir, "..data")
	if _, err := os.Stat(data); err != nil {
		data = dir // a plain directory, not kubelet-managed
	}
	entries, err := os.ReadDir(data)
	if err != nil {
		return "", nil, fmt.Errorf("reading %s: %w", dir, err)
	}
	files := store.Files{}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") || e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(data, e.Name()))
		if err != nil {
			return "", nil, fmt.Errorf("reading %s: %w", e.Name(), err)
		}
		files[e.Name()] = b
	}
	return gitops.ContentHash(files), files, nil
}

// Watch submits the directory's content now and after every update until
// ctx ends.
func Watch(ctx context.Context, dir string, submit func(rev string, files store.Files)) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer w.Close()
	if err := w.Add(dir); err != nil {
		return fmt.Errorf("watching %s: %w", dir, err)
	}
	last := ""
	emit := func() {
		rev, files, err := Read(dir)
		if err == nil && rev != last && len(files) > 0 {
			last = rev
			submit(rev, files)
		}
	}
	emit()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev := <-w.Events:
			// The kubelet's swap is a create/rename of "..data"; plain
			// directories change file by file.
			if filepath.Base(ev.Name) == "..data" || !strings.HasPrefix(filepath.Base(ev.Name), ".") {
				emit()
			}
		case err := <-w.Errors:
			return fmt.Errorf("watching %s: %w", dir, err)
		}
	}
}
