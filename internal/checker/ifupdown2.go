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
	"syscall"
)

// ifupdown2Conf is where ifupdown2 reads its settings; the path is fixed in
// ifupdown2 (no flag or environment variable overrides it).
const ifupdown2Conf = "/etc/network/ifupdown2/ifupdown2.conf"

// checkSettings are the ifupdown2.conf settings of the check, over the
// host's file:
//   - addon_syntax_check=1: Debian ships 0, under which unknown keywords
//     and junk lines pass.
//   - template_enable=0: Cumulus (and Debian) ship template_enable=1 with
//     mako, which renders the file, and so runs any Python in it, during
//     `ifup -s` itself, as root. A check must evaluate nothing.
//   - addon_scripts_support=0: the check has no business with the
//     /etc/network/if-*.d scripts.
//   - disable_cli_interfacesfile=0: the check reads its file with -i.
var checkSettings = []setting{
	{"addon_syntax_check", "1"},
	{"template_enable", "0"},
	{"addon_scripts_support", "0"},
	{"disable_cli_interfacesfile", "0"},
}

// Ifupdown2 checks an /etc/network/interfaces file with `ifup -s -a` in
// strict mode, with templates off: unknown keywords, bad enum values, MTUs
// out of range and bad addresses all fail, and mako code in the file is
// not evaluated.
//
// ifupdown2 reads its settings from a fixed path (no flag or environment
// variable overrides it), so the check runs in private mount and network
// namespaces where a copy of ifupdown2.conf with checkSettings is
// bind-mounted over the original, and fresh tmpfs mounts on /run and
// /var/tmp take the lock and state files ifup writes. Nothing reaches the
// host. It needs CAP_SYS_ADMIN (root), like ifupdown2 itself.
//
// The error carries only ifup's diagnostics about this file, bounded: a
// line about another file (one a `source` line pulled in) would quote
// that file's content.
func Ifupdown2(ctx context.Context, interfaces []byte) error {
	return ifupdown2Check(ctx, interfaces, checkConf)
}

func ifupdown2Check(ctx context.Context, interfaces []byte, conf func([]byte) []byte) error {
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
	private := filepath.Join(dir, "ifupdown2.conf")
	if err := os.WriteFile(private, conf(base), 0o644); err != nil {
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
	go func() { done <- runIsolated(private, cmd) }()
	if err := <-done; err != nil {
		if msg := ifupDiagnostics(out.String()); msg != "" {
			return fmt.Errorf("ifup -s rejects the interfaces file: %w: %s", err, msg)
		}
		return fmt.Errorf("ifupdown2 check: %w", err)
	}
	return nil
}

// ifupDiag is a diagnostic of ifupdown2's ("error: …", "warning: …");
// otherFile is one that names a file other than stdin ("None") with a line
// number, which quotes that file.
var (
	ifupDiag      = regexp.MustCompile(`^(error|warning): `)
	ifupOtherFile = regexp.MustCompile(`^(error|warning): ([^:]*): line ?[0-9]+:`)
)

// ifupDiagnostics keeps ifup's diagnostics about the checked file, bounded,
// and counts the rest (tracebacks, lines about other files) as withheld.
func ifupDiagnostics(out string) string {
	var keep []string
	withheld := 0
	for _, l := range nonEmptyLines(out) {
		m := ifupOtherFile.FindStringSubmatch(l)
		if !ifupDiag.MatchString(l) || (m != nil && m[2] != "None" && m[2] != "-") {
			withheld++
			continue
		}
		keep = append(keep, l)
	}
	return diagnostics(keep, withheld)
}

type setting struct{ key, value string }

// checkConf returns the host's ifupdown2.conf with checkSettings.
func checkConf(base []byte) []byte { return withSettings(base, checkSettings) }

// withSettings returns ifupdown2.conf with settings: each replaces the
// file's line for its key, or is appended.
func withSettings(base []byte, settings []setting) []byte {
	out := bytes.Clone(base)
	for _, s := range settings {
		line := regexp.MustCompile(`(?m)^[ \t]*` + regexp.QuoteMeta(s.key) + `[ \t]*=.*$`)
		set := []byte(s.key + "=" + s.value)
		if line.Match(out) {
			out = line.ReplaceAll(out, set)
			continue
		}
		if len(out) > 0 && out[len(out)-1] != '\n' {
			out = append(out, '\n')
		}
		out = append(append(out, set...), '\n')
	}
	return out
}

// runIsolated moves the calling goroutine's OS thread into new mount and
// network namespaces, mounts the check's config and private /run and
// /var/tmp there, and runs cmd, which inherits the thread's namespaces.
//
// The thread is never unlocked: when the goroutine returns, the Go runtime
// ends the thread, and its namespaces with it, so no other goroutine ever
// runs in them.
func runIsolated(private string, cmd *exec.Cmd) error {
	runtime.LockOSThread()
	if err := syscall.Unshare(syscall.CLONE_NEWNS | syscall.CLONE_NEWNET); err != nil {
		return fmt.Errorf("unshare mount and network namespaces: %w", err)
	}
	// Private propagation first, or the mounts below would show up in the
	// host's namespace (systemd makes / shared).
	if err := syscall.Mount("", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("making mounts private: %w", err)
	}
	if err := syscall.Mount(private, ifupdown2Conf, "", syscall.MS_BIND, ""); err != nil {
		return fmt.Errorf("bind-mounting the check's %s: %w", ifupdown2Conf, err)
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
