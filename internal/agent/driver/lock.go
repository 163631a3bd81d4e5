package driver

import (
	"context"
	"os"
	"os/exec"
)

type lockKey struct{}

// WithLock makes every command a driver runs under ctx inherit f (the
// apply lock, store.LockApply), so the lock lives as long as they do.
func WithLock(ctx context.Context, f *os.File) context.Context {
	return context.WithValue(ctx, lockKey{}, f)
}

// command builds an exec.Cmd that inherits the apply lock of ctx, if any.
func command(ctx context.Context, args []string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	if f, ok := ctx.Value(lockKey{}).(*os.File); ok {
		cmd.ExtraFiles = []*os.File{f}
	}
	return cmd
}
