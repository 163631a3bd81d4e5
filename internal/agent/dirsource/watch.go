package dirsource

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"

	"underlay.dev/underlay/internal/agent/store"
)

// DefaultQuiet is how long a plain directory must be unchanged before its
// content is read: long enough for `cp` of several files, short against
// an apply.
const DefaultQuiet = 500 * time.Millisecond

// Options say where a watched directory's content goes.
type Options struct {
	// Submit receives each new complete revision.
	Submit func(rev string, files store.Files)
	// Refused receives why the directory's content cannot be read (once
	// per distinct reason); the last submitted revision stays.
	Refused func(err error)
	// Quiet debounces a plain directory (default DefaultQuiet). The
	// kubelet's "..data" swap is complete at once and is not delayed.
	Quiet time.Duration
}

// Watch submits the directory's content now and after every update until
// ctx ends.
func Watch(ctx context.Context, dir string, o Options) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	defer w.Close()
	if err := w.Add(dir); err != nil {
		return fmt.Errorf("watching %s: %w", dir, err)
	}
	quiet := o.Quiet
	if quiet == 0 {
		quiet = DefaultQuiet
	}
	e := &emitter{dir: dir, o: o}
	e.emit()
	debounce := time.NewTimer(time.Hour)
	debounce.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev := <-w.Events:
			name := filepath.Base(ev.Name)
			switch {
			case name == "..data":
				debounce.Stop()
				e.emit()
			case !strings.HasPrefix(name, ".") && !kubeletManaged(dir):
				// A plain directory changes file by file: read it
				// once it has been quiet, so a change is applied whole.
				debounce.Reset(quiet)
			}
		case <-debounce.C:
			e.emit()
		case err := <-w.Errors:
			return fmt.Errorf("watching %s: %w", dir, err)
		}
	}
}

// emitter submits revisions that differ from the last one and reports
// each distinct refusal once.
type emitter struct {
	dir          string
	o            Options
	last, refuse string
}

func (e *emitter) emit() {
	rev, files, err := Read(e.dir)
	if err != nil {
		if err.Error() != e.refuse && e.o.Refused != nil {
			e.o.Refused(err)
		}
		// The status now says Rejected: the next readable content is
		// submitted even if it is the last revision again.
		e.refuse, e.last = err.Error(), ""
		return
	}
	e.refuse = ""
	if rev != e.last && len(files) > 0 {
		e.last = rev
		e.o.Submit(rev, files)
	}
}
