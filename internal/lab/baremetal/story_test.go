package baremetal

import (
	"context"
	"fmt"
	"net/netip"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"underlay.dev/underlay/internal/agent/driver"
	"underlay.dev/underlay/internal/agent/store"
	"underlay.dev/underlay/internal/lab/cumulusl2"
	"underlay.dev/underlay/internal/lab/ovs"
	"underlay.dev/underlay/internal/lab/pxe"
	"underlay.dev/underlay/internal/testutil/netnstest"
)

// leaf is a Cumulus leaf's file in Cumulus' documented syntax: a fabric
// port to the PXE server's network, a bonded server with LACP bypass on
// the provisioning VLAN 100, and a tenant VLAN 200 in VRF tenant-a.
const leaf = `auto lo
iface lo inet loopback
    address 10.0.0.11/32

auto swp51
iface swp51
    address 10.0.9.0/31

auto bond5
iface bond5
    bond-slaves swp5 swp6
    bond-mode 802.3ad
    bond-lacp-bypass-allow yes
    bridge-access 100

auto bridge
iface bridge
    bridge-vlan-aware yes
    bridge-ports bond5
    bridge-vids 100 200

auto vlan100
iface vlan100
    address 10.10.1.1/24
    vlan-id 100
    vlan-raw-device bridge

auto vlan200
iface vlan200
    address 10.20.1.1/24
    vlan-id 200
    vlan-raw-device bridge
    vrf tenant-a

auto tenant-a
iface tenant-a
    vrf-table auto
`

// diagnose logs what a failed stage's reader needs.
var diagnose func()

// stage bounds one step of the story with its own deadline and names it
// when it fails.
func stage(t *testing.T, parent context.Context, name string, within time.Duration, fn func(context.Context) error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(parent, within)
	defer cancel()
	start := time.Now()
	if err := fn(ctx); err != nil {
		if diagnose != nil {
			diagnose()
		}
		t.Fatalf("%s (deadline %s, after %s): %v", name, within, time.Since(start).Round(time.Millisecond), err)
	}
	t.Logf("%s: %s", name, time.Since(start).Round(time.Millisecond))
}

// TestBondedServerStory runs a bonded server's life on one leaf with the
// real programs: in LACP fallback it PXE-boots on one port and gets its
// lease through the leaf's dhcrelay from dnsmasq, with the PXE options;
// the OS forms the bond and LACP negotiates; the leaf moves the bond to
// the tenant VLAN (one OVS port setting), which cuts the server off
// provisioning; with a tenant address it reaches its tenant gateway but
// neither the provisioning network nor the PXE server.
func TestBondedServerStory(t *testing.T) {
	netnstest.Require(t, "ovs-vswitchd", "ifreload", "nft", "dnsmasq", "dhcrelay", "dhclient", "ping")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := t.TempDir()
	lf, px, sv := netnstest.Name("ulbm", "l"), netnstest.Name("ulbm", "p"), netnstest.Name("ulbm", "s")
	for _, ns := range []string{lf, px, sv} {
		netnstest.New(t, ns)
	}
	netnstest.IP(t, "netns", "exec", lf, "sysctl", "-qw", "net.ipv4.ip_forward=1")
	netnstest.Veth(t, lf, "swp51", px, "eth0")
	netnstest.Veth(t, lf, "swp5", sv, "eth0")
	netnstest.Veth(t, lf, "swp6", sv, "eth1")
	netnstest.IP(t, "-n", px, "addr", "add", "10.0.9.1/31", "dev", "eth0")
	// FRR's job in the lab: the PXE server's routes to the leaf.
	netnstest.IP(t, "-n", px, "route", "add", "10.0.0.11/32", "via", "10.0.9.0")
	netnstest.IP(t, "-n", px, "route", "add", "10.10.0.0/16", "via", "10.0.9.0")
	netnstest.IP(t, "-n", px, "route", "add", "10.20.0.0/16", "via", "10.0.9.0")

	sw := ovs.Instance{Netns: lf, Dir: filepath.Join(dir, "leaf", "ovs")}
	t.Cleanup(func() { sw.Stop(5 * time.Second) })
	ifup := &driver.Ifupdown2{Path: filepath.Join(dir, "leaf", "interfaces"), Netns: lf}
	emu := cumulusl2.Emulator{OVS: sw}
	apply := func(ctx context.Context, file string) error {
		kernel, err := emu.Realise(ctx, []byte(file))
		if err != nil {
			return err
		}
		return ifup.Apply(ctx, store.Files{"interfaces": kernel})
	}
	stage(t, ctx, "leaf up (OVS, VRF rules, ifreload)", 30*time.Second, func(ctx context.Context) error {
		if _, err := sw.Start(ctx); err != nil {
			return err
		}
		return apply(ctx, leaf)
	})
	pxeDir := filepath.Join(dir, "pxe")
	t.Cleanup(func() { pxe.Stop(filepath.Join(pxeDir, "dnsmasq.pid"), "dnsmasq", pxeDir, 2*time.Second) })
	relayDir := filepath.Join(dir, "leaf", "relay")
	t.Cleanup(func() { pxe.Stop(filepath.Join(relayDir, "dhcrelay.pid"), "dhcrelay", relayDir, 2*time.Second) })
	stage(t, ctx, "PXE server and relay up", 20*time.Second, func(ctx context.Context) error {
		s := pxe.Server{Netns: px, Dir: pxeDir, Interface: "eth0", BootFile: "pxelinux.0", Name: "pxe", TFTP: netip.MustParseAddr("10.0.9.1"),
			Ranges: []pxe.Range{{Subnet: netip.MustParsePrefix("10.10.1.0/24"), Gateway: netip.MustParseAddr("10.10.1.1")}}}
		if _, err := s.Start(ctx); err != nil {
			return err
		}
		f, err := pxe.ParseRelayFile([]byte("SERVERS=\"10.0.9.1\"\nINTF_CMD=\"-id vlan100 -iu swp51\"\nOPTIONS=\"-U lo\"\n"))
		if err != nil {
			return err
		}
		standIn, err := pxe.AddLoopbackStandIn(ctx, lf, netip.MustParsePrefix("10.0.0.11/32"))
		if err != nil {
			return err
		}
		_, err = pxe.Relay{Netns: lf, Dir: relayDir, File: f, LoopbackStandIn: standIn}.Start(ctx)
		return err
	})

	host := Host{Netns: sv, Dir: filepath.Join(dir, "srv1"), Ports: []string{"eth0", "eth1"}}
	diagnose = func() {
		for _, c := range [][]string{{"ip", "-n", sv, "addr"}, {"ip", "-n", sv, "route"}, {"ip", "-n", sv, "neigh"}, {"ip", "-n", lf, "neigh"},
			{"ovs-appctl", "-t", sw.Control(), "bond/show"}, {"ovs-appctl", "-t", host.OVS().Control(), "bond/show"},
			{"ovs-appctl", "-t", sw.Control(), "fdb/show", "bridge"}, {"ovs-appctl", "-t", host.OVS().Control(), "fdb/show", "br0"},
			{"ovs-vsctl", "--db=" + sw.DB(), "show"}, {"ip", "netns", "exec", lf, "nft", "list", "ruleset"}} {
			out, _ := exec.Command(c[0], c[1:]...).CombinedOutput()
			t.Logf("%v:\n%s", c, out)
		}
	}
	t.Cleanup(func() { host.OVS().Stop(5 * time.Second) })
	var lease pxe.Lease
	stage(t, ctx, "PXE boot on eth0, the leaf's bond in fallback", 30*time.Second, func(ctx context.Context) error {
		if err := WaitLACP(ctx, sw, "bond5", "configured"); err != nil {
			return err
		}
		var err error
		if lease, err = host.PXE(ctx, "eth0"); err != nil {
			return err
		}
		if lease.Filename != "pxelinux.0" || lease.Router != netip.MustParseAddr("10.10.1.1") || !netip.MustParsePrefix("10.10.1.0/24").Contains(lease.Addr.Addr()) {
			return fmt.Errorf("lease %+v: want 10.10.1.0/24 with filename pxelinux.0 and router 10.10.1.1", lease)
		}
		return host.Configure(ctx, "eth0", lease.Addr, lease.Router)
	})
	t.Logf("lease %s, filename %s, router %s, from %s", lease.Addr, lease.Filename, lease.Router, lease.ServerID)
	stage(t, ctx, "the OS forms its bond, LACP negotiates", 30*time.Second, func(ctx context.Context) error {
		if _, err := host.OVS().Start(ctx); err != nil {
			return err
		}
		if err := host.FormBond(ctx); err != nil {
			return err
		}
		if err := host.Configure(ctx, Bond, lease.Addr, lease.Router); err != nil {
			return err
		}
		return WaitLACP(ctx, sw, "bond5", "negotiated")
	})
	stage(t, ctx, "provisioned: the server reaches its gateway and the PXE server", 20*time.Second, func(ctx context.Context) error {
		return reachAll(ctx, sv, "10.10.1.1", "10.0.9.1")
	})

	moved := strings.Replace(leaf, "bridge-access 100", "bridge-access 200", 1)
	stage(t, ctx, "the leaf moves bond5 to the tenant VLAN", 20*time.Second, func(ctx context.Context) error {
		start := time.Now()
		if _, err := emu.Realise(ctx, []byte(moved)); err != nil {
			return err
		}
		t.Logf("bond5's VLAN changed in OVS %s after the file's change", time.Since(start).Round(time.Millisecond))
		if err := apply(ctx, moved); err != nil {
			return err
		}
		out, err := sw.Vsctl(ctx, "get", "port", "bond5", "tag")
		if err != nil {
			return err
		}
		if strings.TrimSpace(out) != "200" {
			return fmt.Errorf("bond5's tag is %q, want 200", out)
		}
		return unreachable(ctx, sv, "10.10.1.1")
	})
	stage(t, ctx, "tenant: its gateway yes, provisioning and the PXE server no", 20*time.Second, func(ctx context.Context) error {
		if err := host.Configure(ctx, Bond, netip.MustParsePrefix("10.20.1.10/24"), netip.MustParseAddr("10.20.1.1")); err != nil {
			return err
		}
		if err := reachAll(ctx, sv, "10.20.1.1"); err != nil {
			return err
		}
		return unreachable(ctx, sv, "10.10.1.1", "10.0.9.1")
	})
	if s, err := LACPStatus(ctx, sw, "bond5"); err != nil || s != "negotiated" {
		t.Errorf("bond5's LACP after the move: %q, %v; want negotiated (untouched)", s, err)
	}
}

// reachAll waits until ns reaches every address (ARP and LACP settle).
func reachAll(ctx context.Context, ns string, addrs ...string) error {
	for _, a := range addrs {
		for exec.CommandContext(ctx, "ip", "netns", "exec", ns, "ping", "-c1", "-W1", a).Run() != nil {
			if ctx.Err() != nil {
				return fmt.Errorf("%s never reached %s", ns, a)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	return nil
}

// unreachable checks that ns reaches none of addrs (three tries each).
func unreachable(ctx context.Context, ns string, addrs ...string) error {
	for _, a := range addrs {
		if exec.CommandContext(ctx, "ip", "netns", "exec", ns, "ping", "-c3", "-i0.2", "-W1", a).Run() == nil {
			return fmt.Errorf("%s still reaches %s", ns, a)
		}
	}
	return nil
}
