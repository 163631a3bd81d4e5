package pxe

import (
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"underlay.dev/underlay/internal/testutil/netnstest"
)

func TestParseRelayFile(t *testing.T) {
	f, err := ParseRelayFile([]byte(`# Defaults for isc-dhcp-relay
SERVERS="10.0.9.1 10.0.9.2"
INTF_CMD="-id vlan100 -id vlan101 -iu swp51 -iu swp52"
OPTIONS="-U 10.0.0.11%lo -a"
`))
	if err != nil {
		t.Fatal(err)
	}
	want := RelayFile{
		Servers:       []netip.Addr{netip.MustParseAddr("10.0.9.1"), netip.MustParseAddr("10.0.9.2")},
		Interfaces:    [][2]string{{"-id", "vlan100"}, {"-id", "vlan101"}, {"-iu", "swp51"}, {"-iu", "swp52"}},
		LinkSelection: "10.0.0.11%lo",
		Other:         []string{"-a"},
	}
	if diff := cmp.Diff(want, f, cmpopts.EquateComparable(netip.Addr{})); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	r := Relay{Dir: "/lab/leaf1/relay", File: f, LoopbackStandIn: "relay-lo"}
	got := strings.Join(r.Args(), " ")
	if w := "-4 -d -pf /lab/leaf1/relay/dhcrelay.pid -id vlan100 -id vlan101 -iu swp51 -iu swp52 -U relay-lo -a 10.0.9.1 10.0.9.2"; got != w {
		t.Errorf("dhcrelay args:\n got %s\nwant %s", got, w)
	}
	for _, bad := range []string{"SERVERS=\"$(reboot)\"\n", "INTF_CMD=\"-i vlan1\"\n", "SERVERS=\"10.0.9.1\"\nINTF_CMD=\"-i\"\n"} {
		if _, err := ParseRelayFile([]byte(bad)); err == nil {
			t.Errorf("ParseRelayFile accepted %q", bad)
		}
	}
}

func TestServerArgs(t *testing.T) {
	s := Server{Dir: "/lab/pxe", Interface: "eth0", BootFile: "pxelinux.0", Name: "pxe", TFTP: netip.MustParseAddr("10.0.9.1"),
		Ranges: []Range{{Subnet: netip.MustParsePrefix("10.10.1.0/24"), Gateway: netip.MustParseAddr("10.10.1.1")}}}
	args, err := s.Args()
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(args, " ")
	for _, w := range []string{"--port=0", "--dhcp-boot=pxelinux.0,pxe,10.0.9.1",
		"--dhcp-range=set:net0,10.10.1.128,10.10.1.254,255.255.255.0,1h", "--dhcp-option=tag:net0,option:router,10.10.1.1"} {
		if !strings.Contains(got, w) {
			t.Errorf("dnsmasq args lack %s: %s", w, got)
		}
	}
}

// TestRelayedPXELease gets a lease through a real dhcrelay from a real
// dnsmasq, with -U lo as Cumulus renders it for an unnumbered fabric: the
// PXE namespace routes only to the leaf's loopback, so an offer arrives
// only if giaddr is the loopback, and the lease is from the SVI's subnet
// only if dnsmasq honours RFC 3527's link selection.
func TestRelayedPXELease(t *testing.T) {
	netnstest.Require(t, "dnsmasq", "dhcrelay", "dhclient")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	leaf, pxe, srv := netnstest.Name("ulpxe", "l"), netnstest.Name("ulpxe", "p"), netnstest.Name("ulpxe", "s")
	for _, ns := range []string{leaf, pxe, srv} {
		netnstest.New(t, ns)
	}
	netnstest.IP(t, "netns", "exec", leaf, "sysctl", "-qw", "net.ipv4.ip_forward=1")
	netnstest.Veth(t, leaf, "swp51", pxe, "eth0")
	// A plain veth plays the SVI here: the VLAN is OVS's business.
	netnstest.Veth(t, leaf, "vlan100", srv, "eth0")
	netnstest.IP(t, "-n", leaf, "addr", "add", "10.0.0.11/32", "dev", "lo")
	netnstest.IP(t, "-n", leaf, "addr", "add", "10.0.9.0/31", "dev", "swp51")
	netnstest.IP(t, "-n", leaf, "addr", "add", "10.10.1.1/24", "dev", "vlan100")
	netnstest.IP(t, "-n", pxe, "addr", "add", "10.0.9.1/31", "dev", "eth0")
	netnstest.IP(t, "-n", pxe, "route", "add", "10.0.0.11/32", "via", "10.0.9.0")

	dir := t.TempDir()
	s := Server{Netns: pxe, Dir: filepath.Join(dir, "pxe"), Interface: "eth0", BootFile: "pxelinux.0", Name: "pxe",
		TFTP: netip.MustParseAddr("10.0.9.1"), Ranges: []Range{{Subnet: netip.MustParsePrefix("10.10.1.0/24"), Gateway: netip.MustParseAddr("10.10.1.1")}}}
	if _, err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer Stop(filepath.Join(s.Dir, "dnsmasq.pid"), "dnsmasq", s.Dir, 2*time.Second)
	f, err := ParseRelayFile([]byte("SERVERS=\"10.0.9.1\"\nINTF_CMD=\"-id vlan100 -iu swp51\"\nOPTIONS=\"-U 10.0.0.11%lo\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	standIn, err := AddLoopbackStandIn(ctx, leaf, netip.MustParsePrefix("10.0.0.11/32"))
	if err != nil {
		t.Fatal(err)
	}
	r := Relay{Netns: leaf, Dir: filepath.Join(dir, "relay"), File: f, LoopbackStandIn: standIn}
	if _, err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer Stop(filepath.Join(r.Dir, "dhcrelay.pid"), "dhcrelay", r.Dir, 2*time.Second)

	start := time.Now()
	l, err := (Client{Netns: srv, Dir: filepath.Join(dir, "srv")}).Ask(ctx, "eth0")
	if err != nil {
		b, _ := os.ReadFile(filepath.Join(s.Dir, "dnsmasq.log"))
		t.Fatalf("%v\ndnsmasq:\n%s", err, b)
	}
	t.Logf("lease %s through the relay in %s", l.Addr, time.Since(start).Round(time.Millisecond))
	if !netip.MustParsePrefix("10.10.1.128/25").Contains(l.Addr.Addr()) || l.Addr.Bits() != 24 {
		t.Errorf("lease %s: want one from 10.10.1.128-254, /24 (the SVI's subnet, by link selection)", l.Addr)
	}
	if l.Filename != "pxelinux.0" || l.ServerName != "pxe" || l.Router != netip.MustParseAddr("10.10.1.1") {
		t.Errorf("lease options: %+v; want filename pxelinux.0, server-name pxe, router 10.10.1.1", l)
	}
}
