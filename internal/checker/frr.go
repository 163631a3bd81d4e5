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
	"sync/atomic"
)

// lineError is how vtysh reports a rejected line: "line 2: % Unknown
// command[4]: router bgp 4294967296".
var lineError = regexp.MustCompile(`(?m)^line [0-9]+: .*$`)

// pathspaceSeq makes each check's pathspace unique within the process; the
// PID makes it unique on the machine.
var pathspaceSeq atomic.Int64

// FRR checks an frr.conf with FRR's own parser, `vtysh -C` (dry run: no
// daemon is contacted). It fails when vtysh exits non-zero or prints any
// "line N:" message: vtysh exits 0 on some rejected files (a failed block
// leaves it in the wrong node and a later `exit` quits cleanly), so the
// exit code alone proves nothing.
//
// This is a grammar check only: an undefined route-map or a neighbor
// "10.0.0.300" (parsed as an interface name) passes.
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
	// A pathspace no daemon uses keeps vtysh away from any running FRR, and
	// an empty config dir keeps the host's vtysh.conf out of the check.
	ps := "underlay-check-" + strconv.Itoa(os.Getpid()) + "-" + strconv.FormatInt(pathspaceSeq.Add(1), 10)
	confDir := filepath.Join(dir, "etc")
	file := filepath.Join(dir, "frr.conf")
	if err := writeFRRFiles(confDir, ps, file, conf); err != nil {
		return fmt.Errorf("frr check: %w", err)
	}
	cmd := exec.CommandContext(ctx, vtysh, "-C", "-f", file, "--config_dir", confDir, "-N", ps)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	runErr := cmd.Run()
	// Only vtysh's own "line N:" complaints go into the error, bounded.
	if bad := lineError.FindAllString(out.String(), -1); len(bad) > 0 {
		return fmt.Errorf("vtysh rejects the config:\n%s", diagnostics(bad, 0))
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("vtysh -C: %w", ctxErr)
	}
	if runErr != nil {
		var exit *exec.ExitError
		if errors.As(runErr, &exit) {
			return fmt.Errorf("vtysh rejects the config (exit status %d): %s", exit.ExitCode(), diagnostics(nonEmptyLines(out.String()), 0))
		}
		return fmt.Errorf("vtysh -C: %w", runErr)
	}
	return nil
}

// writeFRRFiles writes the config to check and an empty vtysh.conf for the
// pathspace, so vtysh's output holds only what it says about the config.
func writeFRRFiles(confDir, pathspace, file string, conf []byte) error {
	if err := os.MkdirAll(filepath.Join(confDir, pathspace), 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(confDir, pathspace, "vtysh.conf"), nil, 0o600); err != nil {
		return err
	}
	return os.WriteFile(file, conf, 0o600)
}
