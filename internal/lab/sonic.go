package lab

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"underlay.dev/underlay/internal/atomicfile"
	"underlay.dev/underlay/internal/lab/sonicemu"
)

// SONiCCLI emulates the SONiC commands the agent's driver runs on device
// name: `show runningconfiguration all`, `config apply-patch [--dry-run]
// FILE`, `config reload -y FILE` and, in split mode, `docker exec bgp
// /usr/lib/frr/frr-reload.py --reload --stdout /etc/frr/frr.conf`. CONFIG_DB
// lives in a file; applying it sets the namespace's addresses, ports and
// (unified mode) bgpcfgd's FRR config. It is an emulation, not SONiC.
func (l *Lab) SONiCCLI(ctx context.Context, name string, args []string, stdout io.Writer) error {
	st, err := l.LoadState()
	if err != nil {
		return err
	}
	d, err := st.Device(name)
	if err != nil {
		return err
	}
	dir := l.path("devices", d.Name, "sonic")
	unlock, err := lockFile(filepath.Join(dir, "lock"))
	if err != nil {
		return err
	}
	defer unlock()
	running := filepath.Join(dir, "running.json")
	cmd := strings.Join(args, " ")
	switch {
	case cmd == "show runningconfiguration all":
		b, err := readRunning(running)
		stdout.Write(b)
		return err
	case len(args) == 3 && args[0] == "config" && args[1] == "apply-patch":
		return l.sonicPatch(ctx, d, running, args[2], false, stdout)
	case len(args) == 4 && args[0] == "config" && args[1] == "apply-patch" && args[2] == "--dry-run":
		return l.sonicPatch(ctx, d, running, args[3], true, stdout)
	case len(args) == 4 && args[0] == "config" && args[1] == "reload" && args[2] == "-y":
		return l.sonicReload(ctx, d, running, args[3])
	case cmd == "docker exec bgp /usr/lib/frr/frr-reload.py --reload --stdout /etc/frr/frr.conf":
		// The agent wrote the bgp container's /etc/frr/frr.conf here.
		path := filepath.Join(dir, "frr", "frr.conf")
		conf, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return loadFRR(ctx, d.Netns, path, conf)
	}
	return fmt.Errorf("the lab's SONiC emulation does not implement %q", cmd)
}

// readRunning reads the running CONFIG_DB; a switch never configured has
// an empty one.
func readRunning(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return []byte("{}\n"), nil
	}
	return b, err
}

func (l *Lab) sonicPatch(ctx context.Context, d Device, running, patchFile string, dryRun bool, stdout io.Writer) error {
	cur, err := readRunning(running)
	if err != nil {
		return err
	}
	patch, err := os.ReadFile(patchFile)
	if err != nil {
		return err
	}
	next, err := sonicemu.ApplyPatch(cur, patch)
	if err != nil {
		return fmt.Errorf("apply-patch: %w", err)
	}
	plan, err := sonicemu.Realize(next)
	if err != nil {
		return fmt.Errorf("apply-patch: the result is not a CONFIG_DB this emulation can run: %w", err)
	}
	if dryRun {
		fmt.Fprintln(stdout, "Patch applied successfully (dry run).")
		return nil
	}
	if err := l.sonicRealize(ctx, d, plan, false); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "Patch applied successfully.")
	return atomicfile.WriteFile(running, next, 0o644)
}

// sonicReload replaces CONFIG_DB. A change of routing mode restarts the
// bgp container on SONiC, which resets every session: emulated with a
// hard `clear bgp *`.
func (l *Lab) sonicReload(ctx context.Context, d Device, running, file string) error {
	next, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	plan, err := sonicemu.Realize(next)
	if err != nil {
		return fmt.Errorf("config reload: %w", err)
	}
	restart := true
	if old, err := os.ReadFile(running); err == nil {
		prev, err := sonicemu.Realize(old)
		restart = err != nil || prev.Mode != plan.Mode
	}
	if err := l.sonicRealize(ctx, d, plan, restart); err != nil {
		return err
	}
	return atomicfile.WriteFile(running, next, 0o644)
}

// sonicRealize makes the namespace and FRR run plan: ports, addresses
// and, in unified mode, bgpcfgd's FRR config.
func (l *Lab) sonicRealize(ctx context.Context, d Device, plan sonicemu.Plan, restartBGP bool) error {
	for _, p := range plan.Ports {
		if err := setLink(ctx, d.Netns, p.Name, p.MTU, p.AdminUp); err != nil {
			return err
		}
	}
	addrs := map[string][]netip.Prefix{}
	for name, ps := range plan.Addresses {
		// The lab's kernel may lack dummy interfaces: Loopback0 is lo.
		if strings.HasPrefix(name, "Loopback") {
			name = "lo"
		}
		addrs[name] = append(addrs[name], ps...)
	}
	if err := setAddresses(ctx, d.Netns, addrs); err != nil {
		return err
	}
	if restartBGP {
		if out, err := vtysh(ctx, d.Netns, "clear bgp *"); err != nil {
			return fmt.Errorf("restarting bgp: %w: %s", err, out)
		}
	}
	if plan.FRR == nil {
		return nil
	}
	return loadFRR(ctx, d.Netns, l.path("devices", d.Name, "sonic", "bgpcfgd-frr.conf"), plan.FRR)
}

// lockFile serialises SONiC commands on one device, as SONiC's CLI does.
func lockFile(path string) (func(), error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() { f.Close() }, nil
}
