package driver

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"

	"golang.org/x/sys/unix"
)

// runInNetns runs an ifupdown2 command (ifreload -a, ifquery -a -c) in
// network namespace ns on the file at path. ifreload has no -i, and
// ifupdown2's lock and state directories are global, so a locked OS
// thread enters the namespace and a private mount namespace, mounts path
// over /etc/network/interfaces and private /run and /var/tmp, and runs the
// command there; the thread dies with the call.
func runInNetns(ctx context.Context, ns, path string, args ...string) ([]byte, error) {
	state := filepath.Join(filepath.Dir(path), ".ifupdown2-state")
	if err := os.MkdirAll(state, 0o755); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	cmd := command(ctx, args)
	cmd.Stdout, cmd.Stderr = &out, &out
	done := make(chan error, 1)
	go func() { done <- inNetns(ns, path, state, cmd) }()
	err := <-done // before reading out: the command writes it
	return out.Bytes(), err
}

func inNetns(ns, path, state string, cmd *exec.Cmd) error {
	runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
	f, err := os.Open(filepath.Join("/var/run/netns", ns))
	if err != nil {
		return err
	}
	defer f.Close()
	if err := unix.Unshare(unix.CLONE_NEWNS); err != nil {
		return fmt.Errorf("unshare: %w", err)
	}
	if err := unix.Setns(int(f.Fd()), unix.CLONE_NEWNET); err != nil {
		return fmt.Errorf("entering %s: %w", ns, err)
	}
	mounts := []struct {
		src, dst, fstype string
		flags            uintptr
	}{
		{"", "/", "", unix.MS_REC | unix.MS_PRIVATE},
		{path, "/etc/network/interfaces", "", unix.MS_BIND},
		// Before /run is hidden: path and state may live under /run.
		{state, "/var/tmp", "", unix.MS_BIND},
		{"tmpfs", "/run", "tmpfs", 0},
	}
	for _, m := range mounts {
		if err := unix.Mount(m.src, m.dst, m.fstype, m.flags, ""); err != nil {
			return fmt.Errorf("mounting %s: %w", m.dst, err)
		}
	}
	// ifupdown2 writes /sys/class/net/IF/mtu: /sys must show this network
	// namespace, not the host's (as ip netns exec does), or the write
	// misses, or hits a host interface of the same name.
	if err := unix.Unmount("/sys", unix.MNT_DETACH); err != nil {
		return fmt.Errorf("unmounting the host's /sys: %w", err)
	}
	if err := unix.Mount("sysfs", "/sys", "sysfs", 0, ""); err != nil {
		return fmt.Errorf("mounting /sys for %s: %w", ns, err)
	}
	if err := os.MkdirAll("/run/network", 0o755); err != nil {
		return err
	}
	return cmd.Run()
}
