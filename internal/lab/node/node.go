// Package node makes the devices of a lab: a network namespace with
// forwarding on, veths named like switch ports, and FRR started by its own
// init script in a pathspace (vtysh -N) with the device's hostname. It
// removes them again, processes first. Used by `underlay lab` and tests.
package node

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Run runs a program with arguments (never a shell).
func Run(ctx context.Context, args ...string) error {
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	// A killed command returns even if a daemon it started (FRR's init
	// script starts several) still holds its output.
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

// frrDaemons runs zebra, bgpd and staticd with the datacenter profile, as
// Cumulus Linux and SONiC's FRR do, bound to the namespace's loopback.
const frrDaemons = `bgpd=yes
staticd=yes
vtysh_enable=yes
frr_profile="datacenter"
zebra_options="  -A 127.0.0.1 -s 90000000"
bgpd_options="   -A 127.0.0.1"
staticd_options="-A 127.0.0.1"
`

// ErrExists is returned by AddNetns for a namespace that already exists:
// someone else's, which the caller must never remove.
var ErrExists = errors.New("network namespace exists")

// AddNetns creates a namespace with lo up and forwarding on.
func AddNetns(ctx context.Context, ns string) error {
	if err := Run(ctx, "ip", "netns", "add", ns); err != nil {
		if strings.Contains(err.Error(), "File exists") {
			return fmt.Errorf("%w: %s (another lab's, or one created by hand)", ErrExists, ns)
		}
		return err
	}
	if err := Run(ctx, "ip", "-n", ns, "link", "set", "lo", "up"); err != nil {
		return err
	}
	return Run(ctx, "ip", "netns", "exec", ns, "sysctl", "-qw",
		"net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1", "net.ipv6.conf.default.forwarding=1")
}

// AddVeth connects two ports; each end is created inside its namespace
// and never appears in the host's.
func AddVeth(ctx context.Context, ans, aport, bns, bport string) error {
	if err := Run(ctx, "ip", "link", "add", aport, "netns", ans, "type", "veth", "peer", "name", bport, "netns", bns); err != nil {
		return err
	}
	if err := Run(ctx, "ip", "-n", ans, "link", "set", aport, "up"); err != nil {
		return err
	}
	return Run(ctx, "ip", "-n", bns, "link", "set", bport, "up")
}

// StartFRR writes the pathspace's files and starts FRR's own init script
// in the namespace, with the device's hostname in a private UTS namespace.
func StartFRR(ctx context.Context, ns, pathspace, hostname string) error {
	dir := filepath.Join("/etc/frr", pathspace)
	if err := Run(ctx, "install", "-d", "-o", "frr", "-g", "frr", "-m", "0750", dir); err != nil {
		return err
	}
	files := map[string]string{
		"daemons":    frrDaemons,
		"frr.conf":   "hostname " + hostname + "\nservice integrated-vtysh-config\n!\n",
		"vtysh.conf": "service integrated-vtysh-config\nhostname " + hostname + "\n",
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o640); err != nil {
			return err
		}
		if err := Run(ctx, "chown", "frr:frr", p); err != nil {
			return err
		}
	}
	// FRR takes its hostname from the system (with -N, frr.conf's is
	// ignored): a locked thread gets its own UTS namespace and the
	// device's name, and the init script is started from it, so it and
	// the daemons inherit both. No shell.
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
		if err := unix.Unshare(unix.CLONE_NEWUTS); err != nil {
			done <- fmt.Errorf("unshare uts: %w", err)
			return
		}
		if err := unix.Sethostname([]byte(hostname)); err != nil {
			done <- fmt.Errorf("hostname %s: %w", hostname, err)
			return
		}
		done <- Run(ctx, "ip", "netns", "exec", ns, "/usr/lib/frr/frrinit.sh", "start", pathspace)
	}()
	return <-done
}

// RemoveNetns stops every process in the namespaces (TERM, then KILL),
// then deletes them, which also removes their veths. FRR's watchfrr goes
// first so that it does not restart what is being stopped.
func RemoveNetns(namespaces []string) {
	for _, ns := range namespaces {
		if b, err := os.ReadFile(filepath.Join("/var/run/frr", ns, "watchfrr.pid")); err == nil {
			signal(strings.TrimSpace(string(b)), "TERM")
		}
	}
	for _, sig := range []string{"TERM", "KILL"} {
		any := false
		for _, ns := range namespaces {
			out, _ := exec.Command("ip", "netns", "pids", ns).Output()
			for _, pid := range strings.Fields(string(out)) {
				signal(pid, sig)
				any = true
			}
		}
		if any && sig == "TERM" {
			waitNetnsEmpty(namespaces, 5*time.Second)
		}
	}
	for _, ns := range namespaces {
		_ = exec.Command("ip", "netns", "del", ns).Run() // best effort: one already gone is what we want
	}
}

func waitNetnsEmpty(namespaces []string, within time.Duration) {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		busy := false
		for _, ns := range namespaces {
			if out, _ := exec.Command("ip", "netns", "pids", ns).Output(); len(strings.TrimSpace(string(out))) > 0 {
				busy = true
			}
		}
		if !busy {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Exists reports whether a named network namespace exists.
func Exists(ns string) bool {
	_, err := os.Stat(filepath.Join("/var/run/netns", ns))
	return err == nil
}

// RemovePathspace removes an FRR pathspace's configuration and run
// directories; a name that is not a plain directory name is ignored.
func RemovePathspace(ps string) {
	if ps == "" || filepath.Base(ps) != ps || ps == "." || ps == ".." {
		return
	}
	os.RemoveAll(filepath.Join("/etc/frr", ps))
	os.RemoveAll(filepath.Join("/var/run/frr", ps))
}

func signal(pid, sig string) {
	n, err := strconv.Atoi(pid)
	if err != nil || n <= 1 {
		return
	}
	s := syscall.SIGTERM
	if sig == "KILL" {
		s = syscall.SIGKILL
	}
	syscall.Kill(n, s)
}

// RequireRoot explains why a lab needs root and what else it needs.
func RequireRoot() error {
	if os.Geteuid() != 0 {
		return errors.New("underlay lab needs root: it creates network namespaces and starts FRR (run it with sudo)")
	}
	var missing []string
	for _, p := range []string{"/usr/lib/frr/frrinit.sh", "/usr/lib/frr/frr-reload.py", "/usr/bin/vtysh"} {
		if _, err := os.Stat(p); err != nil {
			missing = append(missing, p)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("underlay lab needs FRR (apt install frr frr-pythontools): missing %s", strings.Join(missing, ", "))
	}
	return nil
}
