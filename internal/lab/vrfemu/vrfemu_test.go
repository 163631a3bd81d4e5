package vrfemu

import (
	"context"
	"net/netip"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"underlay.dev/underlay/internal/testutil/golden"
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
	if testing.Short() {
		t.Skip("runs nft in network namespaces")
	}
	if os.Geteuid() != 0 {
		golden.Unavailable(t, "needs root (network namespaces)")
	}
	for _, p := range []string{"nft", "ping"} {
		if _, err := exec.LookPath(p); err != nil {
			golden.Unavailable(t, p+" not installed (apt install nftables iputils-ping)")
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	id := strconv.Itoa(os.Getpid())
	leaf, h1, h2 := "ulvrf"+id+"-l", "ulvrf"+id+"-d", "ulvrf"+id+"-t"
	for _, ns := range []string{leaf, h1, h2} {
		ip(t, "netns", "add", ns)
		t.Cleanup(func() {
			if out, err := exec.Command("ip", "netns", "del", ns).CombinedOutput(); err != nil {
				t.Errorf("ip netns del %s (left behind): %v: %s", ns, err, out)
			}
		})
	}
	ip(t, "netns", "exec", leaf, "sysctl", "-qw", "net.ipv4.ip_forward=1")
	for _, h := range []struct{ ns, port, gw, addr string }{{h1, "d0", "10.1.0.1/24", "10.1.0.2/24"}, {h2, "t0", "10.2.0.1/24", "10.2.0.2/24"}} {
		ip(t, "link", "add", h.port, "netns", leaf, "type", "veth", "peer", "name", "eth0", "netns", h.ns)
		ip(t, "-n", leaf, "addr", "add", h.gw, "dev", h.port)
		ip(t, "-n", leaf, "link", "set", h.port, "up")
		ip(t, "-n", h.ns, "addr", "add", h.addr, "dev", "eth0")
		ip(t, "-n", h.ns, "link", "set", "eth0", "up")
		ip(t, "-n", h.ns, "route", "add", "default", "via", h.gw[:len(h.gw)-3])
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

func ip(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
		t.Fatalf("ip %v: %v: %s", args, err, out)
	}
}
