package cumulusl2

import (
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"underlay.dev/underlay/internal/checker"
	"underlay.dev/underlay/internal/lab/ovs"
	"underlay.dev/underlay/internal/lab/vrfemu"
	"underlay.dev/underlay/internal/testutil/golden"
)

// TestSplitLeaf splits a leaf's file written by hand in Cumulus'
// documented syntax: the bridge, bond and SVIs become OVS ports with
// their VLANs, the VRF its members, and the kernel file (golden) keeps
// what ifreload can apply here. Both files pass ifupdown2's own check.
func TestSplitLeaf(t *testing.T) {
	in, err := os.ReadFile(filepath.Join("testdata", "leaf.interfaces"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := Split(in)
	if err != nil {
		t.Fatal(err)
	}
	want := ovs.Spec{Bridge: "bridge", Ports: []ovs.Port{
		{Name: "bond5", Members: []string{"swp5", "swp6"}, LACP: true, Fallback: true, Mode: ovs.Access, Tag: 100},
		{Name: "swp7", Mode: ovs.Access, Tag: 100},
		{Name: "swp8", Mode: ovs.NativeUntagged, Tag: 100, Trunks: []int{100, 200}},
		{Name: "vlan100", Internal: true, Mode: ovs.Access, Tag: 100},
		{Name: "vlan200", Internal: true, Mode: ovs.Access, Tag: 200, MTU: 9000},
		{Name: "vlan3725", Internal: true, Mode: ovs.Access, Tag: 3725},
	}}
	if diff := cmp.Diff(want, c.L2); diff != "" {
		t.Errorf("L2 (-want +got):\n%s", diff)
	}
	wantVRFs := []vrfemu.VRF{{Name: "tenant-a", Interfaces: []string{"vlan200", "vlan3725"}, Addrs: []netip.Prefix{netip.MustParsePrefix("10.20.1.1/24")}}}
	if diff := cmp.Diff(wantVRFs, c.VRFs, cmpopts.EquateComparable(netip.Prefix{})); diff != "" {
		t.Errorf("VRFs (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"vni10000: VXLAN device (vxlan-id 10000) not emulated: EVPN traffic does not leave this leaf"}, c.Unemulated); diff != "" {
		t.Errorf("Unemulated (-want +got):\n%s", diff)
	}
	golden.Assert(t, "leaf.kernel.interfaces", c.Kernel)
	if testing.Short() {
		return
	}
	for name, f := range map[string][]byte{"the switch's file": in, "the kernel file": c.Kernel} {
		golden.Checked(t, name, checker.Ifupdown2(context.Background(), f))
	}
}

func TestSplitPorts(t *testing.T) {
	const br = "auto bridge\niface bridge\n    bridge-vlan-aware yes\n    bridge-ports glob swp1-3 bond1\n    bridge-vids 10-12 20\n"
	tests := []struct {
		name, ports string
		want        []ovs.Port
	}{
		{
			name:  "ports inherit the bridge's VIDs and PVID 1",
			ports: "iface bond1\n    bond-slaves swp4 swp5\n    bond-mode balance-xor\n",
			want: []ovs.Port{
				{Name: "swp1", Mode: ovs.NativeUntagged, Tag: 1, Trunks: []int{1, 10, 11, 12, 20}},
				{Name: "swp2", Mode: ovs.NativeUntagged, Tag: 1, Trunks: []int{1, 10, 11, 12, 20}},
				{Name: "swp3", Mode: ovs.NativeUntagged, Tag: 1, Trunks: []int{1, 10, 11, 12, 20}},
				{Name: "bond1", Members: []string{"swp4", "swp5"}, Mode: ovs.NativeUntagged, Tag: 1, Trunks: []int{1, 10, 11, 12, 20}},
			},
		},
		{
			name: "per-port VIDs, no untagged, the default bond mode is 802.3ad",
			ports: "iface swp1\n    bridge-vids 11\n    bridge-allow-untagged no\niface swp2\n    bridge-pvid 12\n" +
				"iface swp3\n    bridge-access 20\niface bond1\n    bond-slaves swp4 swp5\n",
			want: []ovs.Port{
				{Name: "swp1", Mode: ovs.Trunk, Trunks: []int{11}},
				{Name: "swp2", Mode: ovs.NativeUntagged, Tag: 12, Trunks: []int{10, 11, 12, 20}},
				{Name: "swp3", Mode: ovs.Access, Tag: 20},
				{Name: "bond1", Members: []string{"swp4", "swp5"}, LACP: true, Mode: ovs.NativeUntagged, Tag: 1, Trunks: []int{1, 10, 11, 12, 20}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Split([]byte(br + tt.ports))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, c.L2.Ports); diff != "" {
				t.Errorf("ports (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSplitRefuses(t *testing.T) {
	for _, tt := range []struct{ name, file, wantErr string }{
		{"two VLAN-aware bridges", "iface br1\n    bridge-vlan-aware yes\niface br2\n    bridge-vlan-aware yes\n", "second VLAN-aware bridge"},
		{"a traditional bridge", "iface br0\n    bridge-ports swp1\n", "traditional"},
		{"a routed bond", "iface bond1\n    bond-slaves swp1 swp2\n    address 10.0.0.1/31\n", "not a port of a VLAN-aware bridge"},
		{"a bad VLAN", "iface br\n    bridge-vlan-aware yes\n    bridge-ports swp1\niface swp1\n    bridge-access 4095\n", "want 1-4094"},
		{"an SVI without vlan-id", "iface br\n    bridge-vlan-aware yes\niface vlan10\n    vlan-raw-device br\n", "vlan-id"},
		{"source", "source /etc/network/interfaces.d/*\n", "one file"},
		{"a trunk of nothing", "iface br\n    bridge-vlan-aware yes\n    bridge-ports swp1\niface swp1\n    bridge-allow-untagged no\n", "carry nothing"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Split([]byte(tt.file))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Split: %v, want an error with %q", err, tt.wantErr)
			}
		})
	}
}
