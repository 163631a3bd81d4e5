// Package baremetal plays a bare-metal server in the lab: a network
// namespace whose ports are veths to its leaf's ports. It boots like a
// server does: the firmware PXE-boots on one port while the others stay
// down (the leaf's bond is in LACP fallback), then the installed OS forms
// the bond (Open vSwitch here, with LACP active, since the lab's kernel has
// no bonding driver) and carries the server's address on it.
package baremetal

import (
	"context"
	"fmt"
	"net/netip"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"underlay.dev/underlay/internal/lab/ovs"
	"underlay.dev/underlay/internal/lab/pxe"
)

// Bond is the name of the server OS's bond interface (an OVS internal
// port on the server's OVS bond).
const Bond = "bond0"

// Host is one server.
type Host struct {
	Netns, Dir string
	// Ports are the server's NICs, in the order of its leaf ports.
	Ports []string
}

// OVS is the server's Open vSwitch instance (bonded servers only).
func (h Host) OVS() ovs.Instance {
	return ovs.Instance{Netns: h.Netns, Dir: filepath.Join(h.Dir, "ovs")}
}

// PXE is the firmware's boot: only port is up, and it asks for a lease
// over DHCP. It returns the lease; the address is not configured (the
// installer does that, with Configure).
func (h Host) PXE(ctx context.Context, port string) (pxe.Lease, error) {
	for _, p := range h.Ports {
		state := "down"
		if p == port {
			state = "up"
		}
		if err := ip(ctx, "-n", h.Netns, "link", "set", p, state); err != nil {
			return pxe.Lease{}, err
		}
	}
	return pxe.Client{Netns: h.Netns, Dir: filepath.Join(h.Dir, "dhcp")}.Ask(ctx, port)
}

// Configure makes addr the server's only address, on iface, with a
// default route through gw.
func (h Host) Configure(ctx context.Context, iface string, addr netip.Prefix, gw netip.Addr) error {
	for _, p := range append([]string{Bond}, h.Ports...) {
		// The bond exists only once formed; flushing what is not there is fine.
		_ = ip(ctx, "-n", h.Netns, "-4", "addr", "flush", "dev", p)
	}
	if err := ip(ctx, "-n", h.Netns, "link", "set", iface, "up"); err != nil {
		return err
	}
	if err := ip(ctx, "-n", h.Netns, "addr", "add", addr.String(), "dev", iface); err != nil {
		return err
	}
	return ip(ctx, "-n", h.Netns, "route", "replace", "default", "via", gw.String(), "dev", iface)
}

// FormBond is the installed OS bringing its bond up: every port up, an
// OVS bond of them with LACP active, and the bond interface (Bond) on
// top. The OVS instance must be started (the lab records it first).
func (h Host) FormBond(ctx context.Context) error {
	for _, p := range h.Ports {
		if err := ip(ctx, "-n", h.Netns, "link", "set", p, "up"); err != nil {
			return err
		}
	}
	// The server's bridge only joins the bond and the OS's interface:
	// untagged frames (VLAN 1 inside), as a plain Linux bond carries them.
	spec := ovs.Spec{Bridge: "br0", Ports: []ovs.Port{
		{Name: "bond", Members: h.Ports, LACP: true, Mode: ovs.Access, Tag: 1},
		{Name: Bond, Internal: true, Mode: ovs.Access, Tag: 1},
	}}
	_, err := h.OVS().Realise(ctx, spec)
	return err
}

// LACPStatus is what the bond/show of port says its LACP is:
// "negotiated", "configured" (no partner: fallback) or "off".
func LACPStatus(ctx context.Context, i ovs.Instance, port string) (string, error) {
	out, err := i.Appctl(ctx, "bond/show", port)
	if err != nil {
		return "", err
	}
	for _, l := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(l, "lacp_status: "); ok {
			return strings.TrimSpace(v), nil
		}
	}
	return "", fmt.Errorf("bond/show %s has no lacp_status:\n%s", port, out)
}

// WaitLACP waits until port's LACP status is want ("negotiated", or
// "configured": no partner, in fallback), polling every 100 ms. A new
// bond reports negotiated until its partner's first timeout (3 s at
// the fast rate) says there is none.
func WaitLACP(ctx context.Context, i ovs.Instance, port, want string) error {
	last := ""
	for {
		s, err := LACPStatus(ctx, i, port)
		if err == nil && s == want {
			return nil
		}
		if last = s; err != nil {
			last = err.Error()
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("LACP on %s in %s never %s: %w (last: %s)", port, i.Netns, want, ctx.Err(), last)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func ip(ctx context.Context, args ...string) error {
	if out, err := exec.CommandContext(ctx, "ip", args...).CombinedOutput(); err != nil {
		return fmt.Errorf("ip %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}
