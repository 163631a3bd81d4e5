// Package ovs runs Open vSwitch's userspace datapath in a lab device's
// network namespace and makes it match an L2 spec. The kernel the lab runs
// on has no 802.1Q VLAN devices, no bonding and no VLAN-filtering bridges;
// OVS (bridges with datapath_type=netdev, one ovsdb-server and one
// ovs-vswitchd per namespace, every file in the device's lab directory)
// stands in for a switch's L2: access and trunk ports, bonds with real LACP
// and LACP fallback, and SVIs as internal ports, which are real interfaces
// in the namespace that FRR, dhcrelay and ifupdown2 use. It is an
// emulation of the switch's L2 (not Cumulus' bridge driver), and callers
// say so in their output.
//
// Every OVS command is ovs-vsctl or ovs-appctl with an argument list (no
// shell), bounded by the caller's context.
package ovs

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Emulation labels what the lab runs in place of a switch's L2.
const Emulation = "Open vSwitch userspace datapath stands in for the switch's L2 (not Cumulus' bridge driver)"

// Schema is the OVS database schema Debian's openvswitch-switch installs.
const Schema = "/usr/share/openvswitch/vswitch.ovsschema"

// Programs are the OVS binaries an instance runs, by their exe name.
var Programs = []string{"ovsdb-server", "ovs-vswitchd"}

// Instance is one ovsdb-server + ovs-vswitchd pair: its namespace and the
// directory with its database, sockets, pid files and logs.
type Instance struct {
	Netns string
	Dir   string
}

// DB is the database socket ovs-vsctl talks to.
func (i Instance) DB() string { return "unix:" + filepath.Join(i.Dir, "db.sock") }

// Control is ovs-vswitchd's unixctl socket (ovs-appctl -t).
func (i Instance) Control() string { return filepath.Join(i.Dir, "vswitchd.ctl") }

// PIDFile is the pid file of one of the instance's programs.
func (i Instance) PIDFile(program string) string {
	return filepath.Join(i.Dir, strings.TrimPrefix(program, "ovs-")+".pid")
}

// Vsctl runs one ovs-vsctl transaction: args hold every command, "--"
// between them. ovs-vsctl waits until ovs-vswitchd has applied the change,
// so when it returns the datapath forwards by the new settings.
func (i Instance) Vsctl(ctx context.Context, args ...string) (string, error) {
	// ovs-vsctl's own timeout, in whole seconds, below the context's: a
	// dead switch gives ovs-vsctl's error, not a kill.
	timeout := 10 * time.Second
	if d, ok := ctx.Deadline(); ok {
		timeout = min(timeout, time.Until(d))
	}
	argv := append([]string{"--db=" + i.DB(), fmt.Sprintf("--timeout=%d", max(1, int(timeout.Seconds())))}, args...)
	return run(ctx, "ovs-vsctl", argv...)
}

// Appctl runs one ovs-appctl command against ovs-vswitchd.
func (i Instance) Appctl(ctx context.Context, args ...string) (string, error) {
	return run(ctx, "ovs-appctl", append([]string{"-t", i.Control()}, args...)...)
}

func run(ctx context.Context, prog string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, prog, args...)
	cmd.WaitDelay = time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("%s %s: %w: %s", prog, strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return string(out), nil
}
