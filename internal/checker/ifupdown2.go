package checker

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
)

// ifupdown2Conf is where ifupdown2 reads its settings; the path is fixed in
// ifupdown2 (no flag or environment variable overrides it).
const ifupdown2Conf = "/etc/network/ifupdown2/ifupdown2.conf"

var syntaxCheckSetting = regexp.MustCompile(`(?m)^[ \t]*addon_syntax_check[ \t]*=.*$`)

// Ifupdown2 checks an /etc/network/interfaces file with `ifup -s -a` in
// strict mode: unknown keywords, bad enum values, MTUs out of range and
// bad addresses all fail.
//
// Debian ships addon_syntax_check=0, under which unknown keywords and junk
// lines pass, so the check runs in private mount and network namespaces
// where a copy of ifupdown2.conf with addon_syntax_check=1 is bind-mounted
// over the original, and fresh tmpfs mounts on /run and /var/tmp take the
// lock and state files ifup writes. Nothing reaches the host. It needs
// CAP_SYS_ADMIN (root), like ifupdown2 itself.
func Ifupdown2(ctx context.Context, interfaces []byte) error {
	ifup, err := exec.LookPath("ifup")
	if err != nil {
		return fmt.Errorf("ifup: %w", ErrNotInstalled)
	}
	base, err := os.ReadFile(ifupdown2Conf)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s: %w", ifupdown2Conf, ErrNotInstalled)
	}
	if err != nil {
		return fmt.Errorf("ifupdown2 check: %w", err)
	}
	dir, err := os.MkdirTemp("", "underlay-ifupdown2-check-")
	if err != nil {
		return fmt.Errorf("ifupdown2 check: %w", err)
	}
	defer os.RemoveAll(dir)
	strict := filepath.Join(dir, "ifupdown2.conf")
	if err := os.WriteFile(strict, strictConf(base), 0o644); err != nil {
		return fmt.Errorf("ifupdown2 check: %w", err)
	}
	// "-i -" reads the file from stdin: no path of ours has to be visible
	// inside the namespaces.
	cmd := exec.CommandContext(ctx, ifup, "-s", "-i", "-", "-a")
	cmd.Stdin = bytes.NewReader(interfaces)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	// The namespaces belong to one OS thread, so the work runs on a fresh
	// goroutine that dies with that thread.
	done := make(chan error, 1)
	go func() { done <- runIsolated(strict, cmd) }()
	if err := <-done; err != nil {
		if msg := strings.TrimSpace(out.String()); msg != "" {
			return fmt.Errorf("ifup -s rejects the interfaces file: %w: %s", err, msg)
		}
		return fmt.Errorf("ifupdown2 check: %w", err)
	}
	return nil
}

// strictConf returns ifupdown2.conf with addon_syntax_check=1.
func strictConf(base []byte) []byte {
	if syntaxCheckSetting.Match(base) {
		return syntaxCheckSetting.ReplaceAll(base, []byte("addon_syntax_check=1"))
	}
	return append(append(bytes.Clone(base), '\n'), "addon_syntax_check=1\n"...)
}

// runIsolated moves the calling goroutine's OS thread into new mount and
// network namespaces, mounts the strict config and private /run and
// /var/tmp there, and runs cmd, which inherits the thread's namespaces.
//
// The thread is never unlocked: when the goroutine returns, the Go runtime
// ends the thread, and its namespaces with it, so no other goroutine ever
// runs in them.
func runIsolated(strictConf string, cmd *exec.Cmd) error {
	runtime.LockOSThread()
	if err := syscall.Unshare(syscall.CLONE_NEWNS | syscall.CLONE_NEWNET); err != nil {
		return fmt.Errorf("unshare mount and network namespaces: %w", err)
	}
	// Private propagation first, or the mounts below would show up in the
	// host's namespace (systemd makes / shared).
	if err := syscall.Mount("", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("making mounts private: %w", err)
	}
	if err := syscall.Mount(strictConf, ifupdown2Conf, "", syscall.MS_BIND, ""); err != nil {
		return fmt.Errorf("bind-mounting a strict %s: %w", ifupdown2Conf, err)
	}
	// ifup takes its lock in /run/network (without the directory it fails
	// with a misleading "Another instance ... is already running") and
	// creates its state dir in /var/tmp/network.
	for _, dir := range []string{"/run", "/var/tmp"} {
		if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "mode=0755"); err != nil {
			return fmt.Errorf("mounting a private %s: %w", dir, err)
		}
	}
	if err := os.Mkdir("/run/network", 0o755); err != nil {
		return fmt.Errorf("creating the ifupdown2 lock dir: %w", err)
	}
	return cmd.Run()
}
