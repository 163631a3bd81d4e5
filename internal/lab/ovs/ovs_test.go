package ovs

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"underlay.dev/underlay/internal/testutil/netnstest"
)

func TestPlan(t *testing.T) {
	access := Port{Name: "swp1", Mode: Access, Tag: 100}
	svi := Port{Name: "vlan100", Internal: true, Mode: Access, Tag: 100, MTU: 9000}
	bond := Port{Name: "bond5", Members: []string{"swp5", "swp6"}, LACP: true, Fallback: true, Mode: NativeUntagged, Tag: 100, Trunks: []int{200, 100}}
	applied := Current{Bridges: map[string]string{"bridge": "netdev"}, Ports: map[string]CurrentPort{
		"swp1":    {Bridge: "bridge", Settings: access.settings(), Interfaces: []string{"swp1"}},
		"vlan100": {Bridge: "bridge", Settings: svi.settings(), Interfaces: []string{"vlan100"}, Internal: true, MTU: 9000},
		"bond5":   {Bridge: "bridge", Settings: bond.settings(), OtherConfig: bond.otherConfig(), Interfaces: []string{"swp5", "swp6"}},
	}}
	moved := access
	moved.Tag = 200
	tests := []struct {
		name string
		cur  Current
		want Spec
		cmds [][]string
	}{
		{
			name: "from nothing",
			cur:  Current{},
			want: Spec{Bridge: "bridge", Ports: []Port{access, bond, svi}},
			cmds: [][]string{
				{"add-br", "bridge"}, {"set", "bridge", "bridge", "datapath_type=netdev"},
				{"add-port", "bridge", "swp1", "tag=100", "vlan_mode=access"},
				{"add-bond", "bridge", "bond5", "swp5", "swp6", "bond_mode=balance-tcp", "lacp=active", "tag=100", "trunks=100,200", "vlan_mode=native-untagged"},
				{"set", "port", "bond5", "other_config:lacp-fallback-ab=true", "other_config:lacp-time=fast"},
				{"add-port", "bridge", "vlan100", "tag=100", "vlan_mode=access"},
				{"set", "interface", "vlan100", "type=internal", "mtu_request=9000"},
			},
		},
		{name: "applied: nothing to do", cur: applied, want: Spec{Bridge: "bridge", Ports: []Port{access, bond, svi}}},
		{
			name: "a server moved: one port's tag",
			cur:  applied,
			want: Spec{Bridge: "bridge", Ports: []Port{moved, bond, svi}},
			cmds: [][]string{{"set", "port", "swp1", "tag=200"}},
		},
		{
			name: "a bond becomes one access port and the SVI goes",
			cur:  applied,
			want: Spec{Bridge: "bridge", Ports: []Port{access, {Name: "swp5", Mode: Access, Tag: 100}}},
			cmds: [][]string{{"del-port", "bridge", "bond5"}, {"del-port", "bridge", "vlan100"}, {"add-port", "bridge", "swp5", "tag=100", "vlan_mode=access"}},
		},
		{
			name: "fallback off, slow LACP, trunk without native",
			cur:  applied,
			want: Spec{Bridge: "bridge", Ports: []Port{access, svi, {Name: "bond5", Members: []string{"swp6", "swp5"}, LACP: true, SlowLACP: true, Mode: Trunk, Trunks: []int{100, 200}}}},
			cmds: [][]string{{"set", "port", "bond5", "vlan_mode=trunk"}, {"clear", "port", "bond5", "tag"},
				{"remove", "port", "bond5", "other_config", "lacp-fallback-ab"}, {"set", "port", "bond5", "other_config:lacp-time=slow"}},
		},
		{name: "no L2: the bridge goes", cur: applied, want: Spec{}, cmds: [][]string{{"del-br", "bridge"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.want.Check(); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.cmds, Plan(tt.cur, tt.want)); diff != "" {
				t.Errorf("Plan (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	for _, p := range []Port{
		{Name: "swp1", Mode: Access},
		{Name: "swp1", Mode: Trunk, Tag: 10},
		{Name: "swp1", Mode: NativeUntagged, Trunks: []int{10}},
		{Name: "swp1", Mode: "dot1q-tunnel", Tag: 10},
		{Name: "bond1", Members: []string{"swp1"}, Mode: Access, Tag: 10},
	} {
		if err := (Spec{Bridge: "br", Ports: []Port{p}}).Check(); err == nil {
			t.Errorf("Check accepted %+v", p)
		}
	}
	dup := Spec{Bridge: "br", Ports: []Port{{Name: "swp1", Mode: Access, Tag: 10}, {Name: "bond1", Members: []string{"swp1", "swp2"}, Mode: Access, Tag: 10}}}
	if err := dup.Check(); err == nil {
		t.Error("Check accepted a port that is also a bond member")
	}
}

// TestRealiseOnRealOVS realises a spec on a real ovs-vswitchd, again
// (nothing to do), then a move (one command), and reads back what OVS
// holds.
func TestRealiseOnRealOVS(t *testing.T) {
	netnstest.Require(t, append([]string{"ovsdb-tool", "ovs-vsctl", "ovs-appctl"}, Programs...)...)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	ns := netnstest.Name("ulovs", "l")
	netnstest.New(t, ns)
	for _, p := range []string{"swp1", "swp5", "swp6"} {
		netnstest.Veth(t, ns, p, ns, "p"+p)
	}
	i := Instance{Netns: ns, Dir: t.TempDir()}
	t.Cleanup(func() { i.Stop(5 * time.Second) })
	if _, err := i.Start(ctx); err != nil {
		t.Fatal(err)
	}
	access := Port{Name: "swp1", Mode: Access, Tag: 100}
	svi := Port{Name: "vlan100", Internal: true, Mode: Access, Tag: 100, MTU: 9000}
	bond := Port{Name: "bond5", Members: []string{"swp5", "swp6"}, LACP: true, Fallback: true, Mode: NativeUntagged, Tag: 100, Trunks: []int{100, 200}}
	spec := Spec{Bridge: "bridge", Ports: []Port{access, bond, svi}}
	if _, err := i.Realise(ctx, spec); err != nil {
		t.Fatal(err)
	}
	if cmds, err := i.Realise(ctx, spec); err != nil || cmds != nil {
		t.Fatalf("realising again: %v, %v; want nothing to do", cmds, err)
	}
	spec.Ports[0].Tag = 200
	cmds, err := i.Realise(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([][]string{{"set", "port", "swp1", "tag=200"}}, cmds); diff != "" {
		t.Errorf("the move (-want +got):\n%s", diff)
	}
	if out, err := i.Vsctl(ctx, "get", "port", "swp1", "tag"); err != nil || strings.TrimSpace(out) != "200" {
		t.Errorf("swp1's tag: %q, %v", out, err)
	}
	// The SVI is a real interface in the namespace, with its MTU.
	out, err := exec.Command("ip", "-n", ns, "link", "show", "vlan100").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "mtu 9000") {
		t.Errorf("vlan100 in %s: %v\n%s", ns, err, out)
	}
	show, err := i.Appctl(ctx, "bond/show", "bond5")
	if err != nil || !strings.Contains(show, "lacp_fallback_ab: true") {
		t.Errorf("bond/show bond5: %v\n%s", err, show)
	}
	if cmds, err := i.Realise(ctx, Spec{}); err != nil || len(cmds) != 1 {
		t.Errorf("removing the L2: %v, %v", cmds, err)
	}
}
