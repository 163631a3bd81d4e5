package driver

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"underlay.dev/underlay/internal/agent/store"
	"underlay.dev/underlay/internal/lab/cumulusl2"
	"underlay.dev/underlay/internal/lab/ovs"
	"underlay.dev/underlay/internal/testutil/frrlab"
	"underlay.dev/underlay/internal/testutil/golden"
	"underlay.dev/underlay/internal/testutil/netnstest"
)

// leafL2 is a Cumulus leaf's file in Cumulus' documented syntax: a
// routed fabric port, a bonded server with LACP bypass, an access port, a
// provisioning SVI and a tenant SVI in a VRF.
const leafL2 = `auto lo
iface lo inet loopback
    address 10.0.0.11/32

auto swp51
iface swp51
    address 10.0.9.0/31
    mtu 9216

auto bond5
iface bond5
    bond-slaves swp5 swp6
    bond-mode 802.3ad
    bond-lacp-bypass-allow yes
    bridge-access 100

auto swp7
iface swp7
    bridge-access 100

auto bridge
iface bridge
    bridge-vlan-aware yes
    bridge-ports bond5 swp7
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

// TestIfupdown2WithLabL2 applies a leaf's file in a namespace the way the
// lab's Cumulus agent does: Open vSwitch stands in for the bridge and
// bond, nftables for the VRF, and real ifreload sets the addresses, the
// SVIs' included. (It calls write and drift: the admission of bridge and
// bond keywords is the renderer's to extend.) Then a server moves (one port's VLAN), drift shows a
// hand-made OVS change, and the tenant network goes away.
func TestIfupdown2WithLabL2(t *testing.T) {
	if testing.Short() {
		t.Skip("runs ifreload and Open vSwitch in a network namespace")
	}
	frrlab.Require(t)
	for _, p := range []string{"ifreload", "ovs-vswitchd", "nft"} {
		if _, err := exec.LookPath(p); err != nil {
			golden.Unavailable(t, p+" not installed (apt install ifupdown2 openvswitch-switch nftables)")
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	ns := netnstest.Name("ull2", "l")
	netnstest.New(t, ns)
	for _, p := range []string{"swp51", "swp5", "swp6", "swp7"} {
		netnstest.Veth(t, ns, p, ns, "p"+p)
	}
	dir := t.TempDir()
	inst := ovs.Instance{Netns: ns, Dir: filepath.Join(dir, "ovs")}
	t.Cleanup(func() { inst.Stop(5 * time.Second) })
	if _, err := inst.Start(ctx); err != nil {
		t.Fatal(err)
	}
	d := &Ifupdown2{Path: filepath.Join(dir, "interfaces"), Netns: ns, L2: cumulusl2.Emulator{OVS: inst}}
	if err := d.write(ctx, store.Files{"interfaces": []byte(leafL2)}); err != nil {
		t.Fatal(err)
	}
	assertAddr(t, ns, "vlan100", "10.10.1.1/24")
	assertAddr(t, ns, "vlan200", "10.20.1.1/24")
	assertAddr(t, ns, "lo", "10.0.0.11/32")
	assertAddr(t, ns, "swp51", "mtu 9216")
	assertOVS(ctx, t, inst, "swp7", "tag", "100")
	assertOVS(ctx, t, inst, "bond5", "other_config:lacp-fallback-ab", `"true"`)
	if out, err := exec.Command("ip", "netns", "exec", ns, "nft", "list", "table", "inet", "underlay_vrf").CombinedOutput(); err != nil || !strings.Contains(string(out), `"vlan200"`) {
		t.Errorf("the VRF rules: %v\n%s", err, out)
	}

	moved := strings.Replace(leafL2, "iface swp7\n    bridge-access 100", "iface swp7\n    bridge-access 200", 1)
	start := time.Now()
	if err := d.write(ctx, store.Files{"interfaces": []byte(moved)}); err != nil {
		t.Fatal(err)
	}
	t.Logf("a server moved to another VLAN: applied in %s", time.Since(start).Round(time.Millisecond))
	assertOVS(ctx, t, inst, "swp7", "tag", "200")
	cur := store.Files{"interfaces": []byte(moved)}
	if diff, err := d.drift(ctx, cur); err != nil || diff != "" {
		t.Fatalf("drift right after apply: %q, %v", diff, err)
	}
	if _, err := inst.Vsctl(ctx, "set", "port", "swp7", "tag=300"); err != nil {
		t.Fatal(err)
	}
	if diff, err := d.drift(ctx, cur); err != nil || !strings.Contains(diff, "! ovs: set port swp7 tag=200") {
		t.Errorf("drift after a hand-made OVS change: %q, %v", diff, err)
	}

	gone := leafL2[:strings.Index(leafL2, "auto vlan200")]
	gone = strings.Replace(gone, "bridge-vids 100 200", "bridge-vids 100", 1)
	if err := d.write(ctx, store.Files{"interfaces": []byte(gone)}); err != nil {
		t.Fatalf("removing the tenant network: %v", err)
	}
	if out, _ := exec.Command("ip", "-n", ns, "link", "show", "vlan200").CombinedOutput(); !strings.Contains(string(out), "does not exist") {
		t.Errorf("vlan200 is still there: %s", out)
	}
	assertAddr(t, ns, "vlan100", "10.10.1.1/24")
}

func assertOVS(ctx context.Context, t *testing.T, i ovs.Instance, port, column, want string) {
	t.Helper()
	if out, err := i.Vsctl(ctx, "get", "port", port, column); err != nil || strings.TrimSpace(out) != want {
		t.Errorf("%s's %s: %q, %v; want %s", port, column, strings.TrimSpace(out), err, want)
	}
}
