package verify

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/resolve"
	"underlay.dev/underlay/internal/testutil/fabrics"
)

// baremetal is the bare-metal example: 2 spines, 4 leaves, Ironic's
// lifecycle networks in vrf default, two tenant VRFs over EVPN.
func baremetal(t *testing.T) *model.Fabric {
	t.Helper()
	return fabrics.Example(t, "baremetal")
}

func network(f *model.Fabric, name string) *model.Network {
	for _, n := range f.Networks {
		if n.Name == name {
			return n
		}
	}
	panic("no network " + name)
}

func TestBaremetalPasses(t *testing.T) {
	f := baremetal(t)
	r := Verify(f, Options{})
	for _, c := range r.Checks {
		if !c.Pass {
			t.Errorf("%s fails: %+v", c.Name, c.Findings)
		}
	}
	for _, name := range []string{CheckGateways, CheckNetworkReach, CheckIsolation, CheckRelay} {
		check(t, r, name)
	}
	if r.Sessions != 8 {
		t.Errorf("%d sessions, want 8 (overlay edges are no sessions)", r.Sessions)
	}
	// leaf2's vrf tenant-a has leaf1's subnet over EVPN: next hop leaf1's
	// VTEP across both spines, AS path through the spines.
	rib, _ := NewGraph(f).RIB("leaf2")
	want := Route{VRF: "tenant-a", Prefix: "10.100.0.0/24", Width: 1, ASPath: []model.ASN{65100, 4200000001},
		Candidates: []NextHop{{Peer: "leaf1", Address: "10.255.0.1", Best: true, EVPN: true, UnderlayPaths: 2}}}
	i := slices.IndexFunc(rib, func(r Route) bool { return r.VRF == want.VRF && r.Prefix == want.Prefix })
	if i < 0 {
		t.Fatalf("leaf2 has no vrf tenant-a route to 10.100.0.0/24: %+v", rib)
	}
	if diff := cmp.Diff(want, rib[i]); diff != "" {
		t.Errorf("leaf2 vrf tenant-a 10.100.0.0/24 (-want +got):\n%s", diff)
	}
	trace, err := NewGraph(f).Trace("leaf2", netip.MustParsePrefix("10.100.0.0/24"))
	if err != nil || !strings.Contains(trace, "via EVPN type-5, VXLAN to the VTEP 10.255.0.1 (L3VNI 10000) over 2 underlay path(s) → leaf1") {
		t.Errorf("trace:\n%s (err %v)", trace, err)
	}
}

func TestBrokenNetworks(t *testing.T) {
	tests := []struct {
		name   string
		break_ func(f *model.Fabric)
		check  string
		want   string
	}{
		{"vrf subnet leaked into default", func(f *model.Fabric) {
			leaf2 := device(f, "leaf2")
			p := network(f, "tenant-a").SubnetOn(leaf2).Prefix
			leaf2.Default().Originated = append(leaf2.Default().Originated, p)
			for _, pol := range leaf2.Policies {
				pol.Rules = append(pol.Rules, model.PrefixRule{Prefix: p})
			}
		}, CheckIsolation, "in the default table, servers bm1, bm2, bm4, bm7, ironic-pxe on cleaning, inspection, ironic, provisioning " +
			"(leaf1, leaf2, leaf3, leaf4, spine1, spine2) reach tenant-a subnet 10.100.1.0/24 of leaf2: " +
			"the default table routes 10.100.1.0/24 (from leaf2, the prefix itself)"},
		{"relay server nobody routes", func(f *model.Fabric) {
			for _, n := range f.Networks {
				if len(n.Relay) > 0 {
					n.Relay = []netip.Addr{netip.MustParseAddr("192.0.2.99")}
				}
			}
			resolve.Derive(f)
		}, CheckRelay, "server bm2 on cleaning (leaf2): DHCP server 192.0.2.99 from the relay source 10.255.0.2: " +
			"unreachable: no device routes a prefix holding it in the default table"},
		{"relay source not announced", func(f *model.Fabric) {
			leaf2 := device(f, "leaf2")
			for _, pol := range leaf2.Policies {
				pol.Rules = slices.DeleteFunc(pol.Rules, func(r model.PrefixRule) bool { return r.Prefix.Addr() == leaf2.RouterID })
			}
		}, CheckRelay, "server bm2 on cleaning (leaf2): DHCP server 10.20.1.10 from the relay source 10.255.0.2: " +
			"replies cannot return: leaf1 (holding 10.20.1.0/24) has no route to the relay source: "},
		{"leaf missing its gateway", func(f *model.Fabric) {
			leaf2 := device(f, "leaf2")
			leaf2.Interfaces = slices.DeleteFunc(leaf2.Interfaces, func(i *model.Interface) bool { return i.Network == "tenant-a" })
		}, CheckGateways, "server bm3 on tenant-a (leaf2): leaf2 has no SVI vlan103 for the gateway 10.100.1.1/24"},
		{"tenant vrf route to a provisioning subnet", func(f *model.Fabric) {
			leaf2 := device(f, "leaf2")
			in := leaf2.Instance("tenant-a")
			in.Originated = append(in.Originated, network(f, "provisioning").SubnetOn(device(f, "leaf1")).Prefix)
		}, CheckIsolation, "in vrf tenant-a, tenant servers bm3, bm5, bm6 on tenant-a (leaf1, leaf2, leaf3, leaf4) " +
			"reach provisioning subnet 10.10.0.0/24 of leaf1: vrf tenant-a routes 10.10.0.0/24 (from leaf2, the prefix itself)"},
		{"l3vni differs", func(f *model.Fabric) {
			in := device(f, "leaf4").Instance("tenant-a")
			in.VRF = &model.VRF{Name: "tenant-a", VNI: 10999, VLAN: in.VRF.VLAN}
		}, CheckNetworkReach, "server bm6 on tenant-a (leaf4): no route in vrf tenant-a to tenant-a's subnet 10.100.0.0/24 on leaf1: " +
			"vrf tenant-a has L3VNI 10999 here and 10000 on leaf1: type-5 routes are imported by route target *:VNI, so none of leaf1's arrive"},
		{"leaf without evpn sessions", func(f *model.Fabric) {
			for _, s := range device(f, "leaf3").Sessions() {
				s.EVPN = false
			}
		}, CheckNetworkReach, "server bm5 on tenant-a (leaf3): no route in vrf tenant-a to tenant-a's subnet 10.100.0.0/24 on leaf1: " +
			"leaf1's EVPN type-5 routes do not arrive: no chain of l2vpn evpn sessions carries them here"},
		{"two vrfs share an l3vni", func(f *model.Fabric) {
			f.VRFs[1].VNI = f.VRFs[0].VNI
		}, CheckIsolation, "vrf tenant-a and vrf tenant-b share L3VNI 10000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := baremetal(t)
			tt.break_(f)
			c := check(t, Verify(f, Options{}), tt.check)
			if c.Pass {
				t.Fatalf("%s passes on a broken fabric", tt.check)
			}
			var got []string
			for _, fd := range c.Findings {
				got = append(got, fd.Detail)
			}
			if !slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, tt.want) }) {
				t.Errorf("findings lack %q:\n%s", tt.want, strings.Join(got, "\n"))
			}
		})
	}
}
