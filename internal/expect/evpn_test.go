package expect

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/testutil/fabrics"
)

// TestForEVPN: on the bare-metal example (examples/baremetal), the
// sessions that also carry EVPN gate as before (the prober reads the
// session's state, which is one for all its families), the network subnets
// of vrf default are expected like loopbacks, and a VRF's subnets are
// expected nowhere: they travel as EVPN type-5 routes into the VRF's own
// table, which the prober does not read, never into the default one.
func TestForEVPN(t *testing.T) {
	f := fabrics.Example(t, "baremetal")
	for _, d := range f.Devices {
		if !d.EVPN {
			t.Fatalf("%s does not carry EVPN: the example lost its VRFs", d.Name)
		}
		e := For(d)
		for _, s := range d.Default().Sessions {
			if !s.EVPN {
				t.Errorf("%s: session %s carries no EVPN", d.Name, s.Neighbor())
			}
		}
		if len(e.Sessions) != len(d.Default().Sessions) || len(e.Ungated) > 0 {
			t.Errorf("%s: gated sessions %v, ungated %v: want every EVPN session gated", d.Name, e.Sessions, e.Ungated)
		}
		for _, p := range e.Prefixes {
			if strings.HasPrefix(p, "10.100.") || strings.HasPrefix(p, "10.101.") {
				t.Errorf("%s expects %s of a tenant VRF in the default table", d.Name, p)
			}
		}
	}
	leaf1 := For(device(t, f.Devices, "leaf1"))
	want := Expectations{Device: "leaf1",
		Sessions: []Session{{Neighbor: "swp49", Peer: "spine1", Families: []string{"ipv4"}},
			{Neighbor: "swp50", Peer: "spine2", Families: []string{"ipv4"}}},
		Prefixes: []string{"10.255.0.5/32", "10.255.0.6/32"}}
	if diff := cmp.Diff(want, leaf1); diff != "" {
		t.Errorf("leaf1 (-want +got):\n%s", diff)
	}
	spine1 := For(device(t, f.Devices, "spine1")).Prefixes
	for _, p := range []string{"10.10.0.0/24", "10.20.1.0/24", "10.255.0.1/32", "10.12.3.0/24"} {
		if !contains(spine1, p) {
			t.Errorf("spine1 does not expect %s of vrf default: %v", p, spine1)
		}
	}
}

func device(t *testing.T, ds []*model.Device, name string) *model.Device {
	t.Helper()
	for _, d := range ds {
		if d.Name == name {
			return d
		}
	}
	t.Fatalf("no device %s", name)
	return nil
}
