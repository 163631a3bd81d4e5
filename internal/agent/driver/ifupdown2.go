package driver

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"underlay.dev/underlay/internal/agent/store"
	"underlay.dev/underlay/internal/atomicfile"
	"underlay.dev/underlay/internal/checker"
	"underlay.dev/underlay/internal/platform"
)

// Ifupdown2 applies /etc/network/interfaces with `ifreload -a`, which
// changes only the interfaces whose stanzas changed.
type Ifupdown2 struct {
	Path string // default /etc/network/interfaces
	// Netns runs ifreload inside a named network namespace (the lab),
	// with Path bind-mounted as that namespace's /etc/network/interfaces
	// and private lock and state directories.
	Netns string
	// L2 stands in for the switch's bridge, bonds and VRFs where the
	// kernel has none (the lab): before each ifreload it makes them match
	// the file, and ifreload applies only what L2 leaves to the kernel.
	L2 L2

	// check replaces checker.Ifupdown2 in tests.
	check func(context.Context, []byte) error
}

var _ Driver = (*Ifupdown2)(nil)

// Files is interfaces.
func (i *Ifupdown2) Files() []string { return []string{platform.FileInterfaces} }

func (i *Ifupdown2) path() string {
	if i.Path != "" {
		return i.Path
	}
	return filepath.Join(platform.NetworkDir, platform.FileInterfaces)
}

// Precheck first refuses any line underlay never renders (admitInterfaces:
// hooks, source lines, template code), then runs ifupdown2's strict syntax
// check, with templates off.
func (i *Ifupdown2) Precheck(ctx context.Context, cfg store.Files) error {
	file, ok := cfg[platform.FileInterfaces]
	if !ok {
		return fmt.Errorf("%w: no interfaces file", ErrRejected)
	}
	if err := admitInterfaces(file); err != nil {
		return err
	}
	check := i.check
	if check == nil {
		check = checker.Ifupdown2
	}
	if err := check(ctx, file); err != nil {
		return fmt.Errorf("%w: %w", ErrRejected, err)
	}
	return nil
}

// Apply writes the file atomically and reloads. It admits the file again:
// ifreload reads it with the host's ifupdown2.conf (templates on, hooks
// run), and Apply is also how a rollback or a drift correction writes a
// stored revision that no Precheck of this agent saw.
func (i *Ifupdown2) Apply(ctx context.Context, cfg store.Files) error {
	if err := admitInterfaces(cfg[platform.FileInterfaces]); err != nil {
		return err
	}
	return i.write(ctx, cfg)
}

// L2 is what stands in for a switch's L2 where the kernel has none.
type L2 interface {
	// Realise makes the L2 match file and returns the file ifreload
	// applies.
	Realise(ctx context.Context, file []byte) ([]byte, error)
	// Kernel returns the file ifreload applies for file, changing
	// nothing.
	Kernel(file []byte) ([]byte, error)
	// Drift describes how the L2 differs from file's ("" when it does
	// not).
	Drift(ctx context.Context, file []byte) (string, error)
}

// write puts the file in place and reloads, admitted or not.
func (i *Ifupdown2) write(ctx context.Context, cfg store.Files) error {
	file := cfg[platform.FileInterfaces]
	if err := atomicfile.WriteFile(i.path(), file, 0o644); err != nil {
		return err
	}
	reload := i.path()
	if i.L2 != nil {
		kernel, err := i.L2.Realise(ctx, file)
		if err != nil {
			return fmt.Errorf("the lab's L2%s: %w", i.where(), err)
		}
		reload = i.kernelPath()
		if err := atomicfile.WriteFile(reload, kernel, 0o644); err != nil {
			return err
		}
	}
	if out, err := i.run(ctx, reload, "ifreload", "-a"); err != nil {
		return fmt.Errorf("ifreload -a%s: %w: %s", i.where(), err, lastLines(out, 5))
	}
	return nil
}

// kernelPath holds the part of the file ifreload applies when L2 stands
// in for the rest.
func (i *Ifupdown2) kernelPath() string { return i.path() + ".kernel" }

// run runs an ifupdown2 command on the file at path.
func (i *Ifupdown2) run(ctx context.Context, path string, args ...string) ([]byte, error) {
	if i.Netns != "" {
		return runInNetns(ctx, i.Netns, path, args...)
	}
	// ifreload has no -i: on a switch it reads /etc/network/interfaces,
	// which is path.
	if args[0] == "ifquery" {
		args = append(args, "-i", path)
	}
	return run(ctx, args)
}

func (i *Ifupdown2) where() string {
	if i.Netns != "" {
		return " in " + i.Netns
	}
	return ""
}

// Drift lists the interface settings of cfg the running system lacks,
// with `ifquery -a -c` (ifupdown2's check mode, which exits 1 on a
// mismatch) on a copy of cfg's file, so a hand-edited file on disk is
// not what the system is compared with. ifquery too reads the file with
// the host's ifupdown2.conf, so the file is admitted first.
func (i *Ifupdown2) Drift(ctx context.Context, cfg store.Files) (string, error) {
	if err := admitInterfaces(cfg[platform.FileInterfaces]); err != nil {
		return "", err
	}
	return i.drift(ctx, cfg)
}

// drift is Drift on a file admitted or not.
func (i *Ifupdown2) drift(ctx context.Context, cfg store.Files) (string, error) {
	file := cfg[platform.FileInterfaces]
	var fails []string
	if i.L2 != nil {
		l2, err := i.L2.Drift(ctx, file)
		if err != nil {
			return "", err
		}
		if l2 != "" {
			fails = append(fails, l2)
		}
		if file, err = i.L2.Kernel(file); err != nil {
			return "", err
		}
	}
	check := i.path() + ".drift-check"
	if err := os.WriteFile(check, file, 0o644); err != nil {
		return "", err
	}
	defer os.Remove(check)
	out, err := i.run(ctx, check, "ifquery", "-a", "-c")
	iface := ""
	for _, line := range strings.Split(string(out), "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "iface ") {
			iface = strings.Fields(t)[1]
		}
		if strings.HasSuffix(t, "[fail]") && !strings.HasPrefix(t, "iface ") {
			fails = append(fails, "! "+iface+": "+strings.Join(strings.Fields(strings.TrimSuffix(t, "[fail]")), " "))
		}
	}
	if err != nil && len(fails) == 0 {
		return "", fmt.Errorf("ifquery -a -c%s: %w: %s", i.where(), err, lastLines(out, 5))
	}
	return strings.Join(fails, "\n"), nil
}

// Chain applies several drivers in order (addresses before routing) and
// pre-checks all of them before any applies.
type Chain []Driver

var _ Driver = Chain(nil)

// Files lists every driver's files.
func (c Chain) Files() []string {
	var out []string
	for _, d := range c {
		out = append(out, d.Files()...)
	}
	return out
}

// Narrow returns the drivers of c whose files differ between from and to
// (all of c when from is nil): a change that moves a server's port
// touches the interfaces file only, so neither frr-reload.py nor the
// relay restarts for it, which is Driver.Apply's contract ("without
// restarting what cfg does not change") kept per driver.
func (c Chain) Narrow(from, to store.Files) Chain {
	if from == nil {
		return c
	}
	var out Chain
	for _, d := range c {
		for _, f := range d.Files() {
			if !bytes.Equal(from[f], to[f]) {
				out = append(out, d)
				break
			}
		}
	}
	return out
}

// Precheck runs every pre-check.
func (c Chain) Precheck(ctx context.Context, cfg store.Files) error {
	for _, d := range c {
		if err := d.Precheck(ctx, cfg); err != nil {
			return err
		}
	}
	return nil
}

// Apply applies in order and stops at the first failure (the engine then
// rolls every driver back to the last-known-good).
func (c Chain) Apply(ctx context.Context, cfg store.Files) error {
	for _, d := range c {
		if err := d.Apply(ctx, cfg); err != nil {
			return err
		}
	}
	return nil
}

// Drift concatenates the drift of every driver that can tell.
func (c Chain) Drift(ctx context.Context, cfg store.Files) (string, error) {
	var parts []string
	for _, d := range c {
		dr, ok := d.(Drifter)
		if !ok {
			continue
		}
		diff, err := dr.Drift(ctx, cfg)
		if err != nil {
			return "", err
		}
		if diff != "" {
			parts = append(parts, diff)
		}
	}
	return strings.Join(parts, "\n"), nil
}
