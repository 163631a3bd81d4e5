package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"
)

// LockApply takes the device's apply lock (flock on DIR/apply.lock) and
// returns its file; closing it releases the lock. Commands an apply runs
// inherit the file (driver.WithLock), so the lock outlives an agent killed
// mid-apply for as long as the commands it left running (frr-reload.py,
// which rewrites frr.conf as it ends): the restarted agent waits for them
// instead of applying beside them.
func (s *Store) LockApply(ctx context.Context) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(s.dir, "apply.lock"), os.O_CREATE|os.O_RDWR|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("apply lock: %w", err)
	}
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, unix.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("apply lock: %w", err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("apply lock still held by an earlier apply's commands: %w", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}
