package vrfemu

import (
	"context"
	"net/netip"
	"os/exec"
	"testing"
	"time"

	"underlay.dev/underlay/internal/testutil/golden"
	"underlay.dev/underlay/internal/testutil/netnstest"
)

var tenant = VRF{Name: "tenant-a", Interfaces: []string{"vlan3725", "t0"},
	Addrs: []netip.Prefix{netip.MustParsePrefix("10.2.0.1/24"), netip.MustParsePrefix("2001:db8:2::1/64")}}

func TestRulesGolden(t *testing.T) {
	golden.Assert(t, "rules.nft", []byte(Rules([]VRF{tenant})))
	golden.Assert(t, "none.nft", []byte(Rules(nil)))
}

// TestSeparationOnRealNftables routes between a default-VRF host and a
// tenant host through one namespace: before the rules they reach each
// other; with them, each reaches only its own gateway; without VRFs again,
// the table is gone.
func TestSeparationOnRealNftables(t *testing.T) {
	netnstest.Require(t, "nft", "ping")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	leaf, h1, h2 := netnstest.Name("ulvrf", "l"), netnstest.Name("ulvrf", "d"), netnstest.Name("ulvrf", "t")
	for _, ns := range []string{leaf, h1, h2} {
		netnstest.New(t, ns)
	}
	netnstest.IP(t, "netns", "exec", leaf, "sysctl", "-qw", "net.ipv4.ip_forward=1")
	for _, h := range []struct{ ns, port, gw, addr string }{{h1, "d0", "10.1.0.1/24", "10.1.0.2/24"}, {h2, "t0", "10.2.0.1/24", "10.2.0.2/24"}} {
		netnstest.IP(t, "link", "add", h.port, "netns", leaf, "type", "veth", "peer", "name", "eth0", "netns", h.ns)
		netnstest.IP(t, "-n", leaf, "addr", "add", h.gw, "dev", h.port)
		netnstest.IP(t, "-n", leaf, "link", "set", h.port, "up")
		netnstest.IP(t, "-n", h.ns, "addr", "add", h.addr, "dev", "eth0")
		netnstest.IP(t, "-n", h.ns, "link", "set", "eth0", "up")
		netnstest.IP(t, "-n", h.ns, "route", "add", "default", "via", h.gw[:len(h.gw)-3])
	}
	reach := func(ns, dst string, want bool) {
		t.Helper()
		err := exec.CommandContext(ctx, "ip", "netns", "exec", ns, "ping", "-c1", "-W1", dst).Run()
		if (err == nil) != want {
			t.Errorf("%s -> %s: reached %v, want %v", ns, dst, err == nil, want)
		}
	}
	reach(h2, "10.1.0.2", true)
	if err := Apply(ctx, leaf, []VRF{tenant}); err != nil {
		t.Fatal(err)
	}
	reach(h2, "10.2.0.1", true)
	reach(h2, "10.1.0.2", false)
	reach(h2, "10.1.0.1", false)
	reach(h1, "10.2.0.1", false)
	reach(h1, "10.2.0.2", false)
	reach(h1, "10.1.0.1", true)
	if err := Apply(ctx, leaf, []VRF{tenant}); err != nil {
		t.Fatalf("applying again: %v", err)
	}
	if err := Apply(ctx, leaf, nil); err != nil {
		t.Fatal(err)
	}
	reach(h2, "10.1.0.2", true)
	if out, err := exec.Command("ip", "netns", "exec", leaf, "nft", "list", "tables").CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("tables left: %q, %v", out, err)
	}
}
