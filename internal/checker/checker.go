// Package checker runs the real parsers of each platform over rendered
// files: FRR's vtysh, ifupdown2, and (in sonicyang) SONiC's YANG models.
//
// Tests use them to prove every rendered file is accepted; the device agent
// uses them as pre-checks before it touches a device. Each checker runs
// without side effects on the host: temporary files only, and ifupdown2
// inside its own mount and network namespaces.
package checker

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
)

// ErrNotInstalled means the checker's program is not on this machine.
var ErrNotInstalled = errors.New("checker program not installed")

var lineError = regexp.MustCompile(`(?m)^line [0-9]+: .*$`)

var pathspaceSeq atomic.Int64

// FRR checks conf with `vtysh -C`. vtysh exits 0 on some errors (a failed
// block leaves it in the wrong node and a later `exit` quits cleanly), so
// any "line N:" message is a failure too.
func FRR(ctx context.Context, conf []byte) error {
	vtysh, err := exec.LookPath("vtysh")
	if err != nil {
		return fmt.Errorf("vtysh: %w", ErrNotInstalled)
	}
	dir, err := os.MkdirTemp("", "underlay-frr-check-")
	if err != nil {
		return fmt.Errorf("frr check: %w", err)
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "frr.conf")
	confDir := filepath.Join(dir, "etc")
	if err := os.WriteFile(file, conf, 0o600); err != nil {
		return fmt.Errorf("frr check: %w", err)
	}
	if err := os.Mkdir(confDir, 0o700); err != nil {
		return fmt.Errorf("frr check: %w", err)
	}
	// A pathspace no daemon uses keeps vtysh away from any running FRR.
	ps := "underlay-check-" + strconv.Itoa(os.Getpid()) + "-" + strconv.FormatInt(pathspaceSeq.Add(1), 10)
	cmd := exec.CommandContext(ctx, vtysh, "-C", "-f", file, "--config_dir", confDir, "-N", ps)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	runErr := cmd.Run()
	if bad := lineError.FindAllString(out.String(), -1); len(bad) > 0 {
		return fmt.Errorf("vtysh rejects the config:\n%s", strings.Join(bad, "\n"))
	}
	if runErr != nil {
		return fmt.Errorf("vtysh -C: %w: %s", runErr, strings.TrimSpace(out.String()))
	}
	return nil
}

// strictScript bind-mounts a copy of ifupdown2's config with
// addon_syntax_check=1 (Debian ships 0, which lets unknown keywords pass)
// and runs the syntax check. It runs under `unshare -m -n`, so neither the
// mount nor anything ifup might do reaches the host. Inputs come as
// positional arguments, never spliced into the script.
// A private /run gives ifupdown2 the lock directory it insists on (without
// it every command fails with "Another instance ... is already running").
const strictScript = `mount --bind "$1" /etc/network/ifupdown2/ifupdown2.conf && ` +
	`mount -t tmpfs tmpfs /run && mkdir -p /run/network && exec ifup -s -i "$2" -a`

// Ifupdown2 checks an /etc/network/interfaces file with ifupdown2 in
// strict mode.
func Ifupdown2(ctx context.Context, interfaces []byte) error {
	if _, err := exec.LookPath("ifup"); err != nil {
		return fmt.Errorf("ifup: %w", ErrNotInstalled)
	}
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		return fmt.Errorf("unshare: %w", ErrNotInstalled)
	}
	base, err := os.ReadFile("/etc/network/ifupdown2/ifupdown2.conf")
	if err != nil {
		return fmt.Errorf("ifupdown2 check: %w", err)
	}
	dir, err := os.MkdirTemp("", "underlay-ifupdown2-check-")
	if err != nil {
		return fmt.Errorf("ifupdown2 check: %w", err)
	}
	defer os.RemoveAll(dir)
	strict := regexp.MustCompile(`(?m)^addon_syntax_check=.*$`).ReplaceAll(base, []byte("addon_syntax_check=1"))
	if !bytes.Contains(strict, []byte("addon_syntax_check=1")) {
		strict = append(strict, []byte("\naddon_syntax_check=1\n")...)
	}
	conf, file := filepath.Join(dir, "ifupdown2.conf"), filepath.Join(dir, "interfaces")
	if err := os.WriteFile(conf, strict, 0o644); err != nil {
		return fmt.Errorf("ifupdown2 check: %w", err)
	}
	if err := os.WriteFile(file, interfaces, 0o644); err != nil {
		return fmt.Errorf("ifupdown2 check: %w", err)
	}
	cmd := exec.CommandContext(ctx, unshare, "-m", "-n", "--", "sh", "-c", strictScript, "sh", conf, file)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("ifup -s rejects the interfaces file: %w: %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}
