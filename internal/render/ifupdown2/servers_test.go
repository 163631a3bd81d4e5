package ifupdown2

import (
	"context"
	"net/netip"
	"strings"
	"testing"

	"underlay.dev/underlay/internal/checker"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/testutil/fabrics"
	"underlay.dev/underlay/internal/testutil/golden"
)

// baremetal resolves examples/baremetal/fabric.yaml, the
// bare-metal example (issue #11): leaves with servers
// on access ports, a trunk and LACP bonds, lifecycle networks in vrf
// default and tenant networks in VRFs of their own.
func baremetal(t *testing.T) *model.Fabric {
	t.Helper()
	return fabrics.Example(t, "baremetal")
}

// TestGoldenServers renders the Cumulus leaves of the bare-metal example
// and checks each file with ifupdown2 in strict mode (skipped under
// -short).
func TestGoldenServers(t *testing.T) {
	f := baremetal(t)
	for _, d := range f.Devices {
		if d.Platform != model.PlatformCumulus || d.Role != model.RoleLeaf {
			continue
		}
		t.Run(d.Name, func(t *testing.T) {
			got, err := Render(f, d)
			if err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, "TestGoldenServers/baremetal-"+d.Name, got)
			if !testing.Short() {
				golden.Checked(t, "ifup -s", checker.Ifupdown2(context.Background(), got))
			}
		})
	}
}

// TestServerStanzas pins each new stanza on a hand-built leaf: an access
// port, a trunk with and without a native VLAN, a bond with and without
// LACP bypass and its members, the bridge with the L3VNI's VXLAN device,
// SVIs in vrf default and in a VRF, the VRF device and its L3VNI's SVI.
func TestServerStanzas(t *testing.T) {
	vrf := &model.VRF{Name: "blue", VNI: 10001, VLAN: 3726}
	d := &model.Device{Name: "leaf", RouterID: netip.MustParseAddr("10.255.0.1"),
		Instances: []*model.Instance{{Name: model.DefaultInstance}, {Name: "blue", VRF: vrf}},
		Interfaces: []*model.Interface{
			{Name: "lo", Kind: model.KindLoopback, Addrs: []netip.Prefix{netip.MustParsePrefix("10.255.0.1/32")}},
			{Name: "swp1", Kind: model.KindAccess, Access: 100},
			{Name: "swp2", Kind: model.KindTrunk, VLANs: []int{100, 200}, Access: 300, MTU: 9000},
			{Name: "swp3", Kind: model.KindTrunk, VLANs: []int{200}},
			{Name: "swp4", Kind: model.KindMember, Bond: "bond4", MTU: 9000},
			{Name: "swp5", Kind: model.KindMember, Bond: "bond4", MTU: 9000},
			{Name: "swp6", Kind: model.KindMember, Bond: "bond6"},
			{Name: "swp7", Kind: model.KindMember, Bond: "bond6"},
			{Name: "bond4", Kind: model.KindBond, Members: []string{"swp4", "swp5"}, LACPBypass: true, Access: 200, MTU: 9000},
			{Name: "bond6", Kind: model.KindBond, Members: []string{"swp6", "swp7"}, VLANs: []int{100}},
			{Name: "bridge", Kind: model.KindBridge, Members: []string{"bond4", "bond6", "swp1", "swp2", "swp3"}, VLANs: []int{100, 200, 300}},
			{Name: "vlan100", Kind: model.KindSVI, VLANs: []int{100}, Addrs: []netip.Prefix{netip.MustParsePrefix("10.1.0.1/24")}, Instance: model.DefaultInstance},
			{Name: "vlan200", Kind: model.KindSVI, VLANs: []int{200}, Addrs: []netip.Prefix{netip.MustParsePrefix("10.2.0.1/24")}, Instance: "blue"},
		}}
	got, err := Render(&model.Fabric{Name: "x"}, d)
	if err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, "TestServerStanzas/leaf", got)
	for _, want := range []string{
		"iface swp1\n    bridge-access 100\n",
		"iface swp2\n    mtu 9000\n    bridge-vids 100 200\n    bridge-pvid 300\n",
		"iface swp3\n    bridge-vids 200\n    bridge-allow-untagged no\n",
		"iface swp4\n    mtu 9000\n\n",
		"iface bond4\n    mtu 9000\n    bond-slaves swp4 swp5\n    bond-mode 802.3ad\n    bond-lacp-bypass-allow yes\n    bridge-access 200\n",
		"iface bond6\n    bond-slaves swp6 swp7\n    bond-mode 802.3ad\n    bridge-vids 100\n    bridge-allow-untagged no\n",
		"iface blue\n    vrf-table auto\n",
		"iface vni10001\n    bridge-access 3726\n    bridge-learning off\n    vxlan-id 10001\n    vxlan-local-tunnelip 10.255.0.1\n",
		"iface bridge\n    bridge-ports bond4 bond6 swp1 swp2 swp3 vni10001\n    bridge-vlan-aware yes\n    bridge-vids 100 200 300\n    bridge-pvid 1\n",
		"iface vlan100\n    address 10.1.0.1/24\n    vlan-raw-device bridge\n    vlan-id 100\n",
		"iface vlan200\n    address 10.2.0.1/24\n    vrf blue\n    vlan-raw-device bridge\n    vlan-id 200\n",
		"iface vlan3726\n    vrf blue\n    vlan-raw-device bridge\n    vlan-id 3726\n",
	} {
		if !strings.Contains(string(got), want) {
			t.Errorf("missing stanza:\n%s", want)
		}
	}
	if !testing.Short() {
		golden.Checked(t, "ifup -s", checker.Ifupdown2(context.Background(), got))
	}
}
