package store

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"
)

// TestApplyLockOutlivesTheAgent: a command that inherited the apply lock
// keeps it after the agent's own descriptor is closed (the agent was
// killed), so the next apply waits until that command ends.
func TestApplyLockOutlivesTheAgent(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	f, err := s.LockApply(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	child := exec.Command("sleep", "30")
	child.ExtraFiles = []*os.File{f}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { child.Process.Kill(); child.Wait() }()
	f.Close() // the agent is gone; its command still runs

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if g, err := s.LockApply(ctx); err == nil {
		g.Close()
		t.Fatal("the apply lock was taken while a command of the earlier apply still ran")
	}
	child.Process.Kill()
	child.Wait()
	g, err := s.LockApply(context.Background())
	if err != nil {
		t.Fatalf("after the command ended: %v", err)
	}
	g.Close()
}
