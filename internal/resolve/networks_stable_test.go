package resolve_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/model"
)

// TestNetworkAllocationIsStable: with the lock, adding a network, a VRF,
// a server or a leaf with servers anywhere in the intent's lists keeps
// every VLAN, VNI, VRF VLAN and network subnet allocated before; so does
// taking one away again. The names added sort first, so without the lock
// each would take the lowest free values.
func TestNetworkAllocationIsStable(t *testing.T) {
	first, errs := resolveText(t, netBase, nil)
	if errs != nil {
		t.Fatal(errs)
	}
	tests := []struct {
		name, fabric string
		// renumbers says what moves without the lock: the proof the change
		// would disturb the allocation if the lock did not hold it.
		renumbers func(before, after *v1alpha1.Lock) bool
	}{
		{"a network in the middle", replace(netBase, "  - {name: cleaning,",
			"  - {name: aaa, pool: 10.40.0.0/16}\n  - {name: cleaning,"),
			func(b, a *v1alpha1.Lock) bool { return a.VLANs["cleaning"] != b.VLANs["cleaning"] }},
		{"a VRF that sorts first", replace(netBase, "  - {name: cleaning,",
			"  - {name: a-tenant, kind: tenant, pool: 10.41.0.0/16}\n  - {name: cleaning,"),
			func(b, a *v1alpha1.Lock) bool { return a.VNIs["tenant-a"] != b.VNIs["tenant-a"] }},
		{"a leaf with a server in the middle", replace(netBase,
			"  - {name: leaf1, role: leaf, platform: cumulus}\n", "  - {name: leaf0, role: leaf, platform: cumulus}\n  - {name: leaf1, role: leaf, platform: cumulus}\n",
			"  links:\n", "  links:\n  - spine1:Ethernet16 -- leaf0:swp1\n",
			"  - {name: srv2,", "  - {name: srv0, leaf: leaf0, ports: [swp3, swp4], untagged: tenant-a}\n  - {name: srv2,"),
			func(b, a *v1alpha1.Lock) bool {
				return a.NetworkSubnets["cleaning/leaf1"] != b.NetworkSubnets["cleaning/leaf1"]
			}},
		{"a server in the middle", replace(netBase, "  - {name: srv2,",
			"  - {name: srv0, leaf: leaf2, ports: [swp3, swp4], untagged: cleaning, tagged: [web]}\n  - {name: srv2,"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			grown, errs := resolveText(t, tt.fabric, first.Lock)
			if errs != nil {
				t.Fatal(errs)
			}
			assertNetworksKept(t, first.Lock, grown.Lock)
			if tt.renumbers != nil {
				fresh, errs := resolveText(t, tt.fabric, nil)
				if errs != nil {
					t.Fatal(errs)
				}
				if !tt.renumbers(first.Lock, fresh.Lock) {
					t.Error("without the lock nothing would move: the test proves nothing")
				}
			}
			// Taking the addition away again keeps everything as well.
			back, errs := resolveText(t, netBase, grown.Lock)
			if errs != nil {
				t.Fatal(errs)
			}
			assertNetworksKept(t, first.Lock, back.Lock)
			if diff := cmp.Diff(first.Lock, back.Lock); diff != "" {
				t.Errorf("the lock after taking it away differs (-first +back):\n%s", diff)
			}
		})
	}
}

func assertNetworksKept(t *testing.T, before, after *v1alpha1.Lock) {
	t.Helper()
	assertKept(t, before, after)
	for _, tbl := range []struct {
		name string
		b, a map[string]uint32
	}{{"vlans", before.VLANs, after.VLANs}, {"vnis", before.VNIs, after.VNIs}, {"vrfVLANs", before.VRFVLANs, after.VRFVLANs}} {
		for k, v := range tbl.b {
			if tbl.a[k] != v {
				t.Errorf("%s.%s moved from %d to %d", tbl.name, k, v, tbl.a[k])
			}
		}
	}
	for k, v := range before.NetworkSubnets {
		if after.NetworkSubnets[k] != v {
			t.Errorf("networkSubnets.%s moved from %s to %s", k, v, after.NetworkSubnets[k])
		}
	}
}

// TestServerMoveChangesOnlyItsPort: moving a server to another network
// (one line of intent) changes, in the whole model, only that server's
// port or bond and the server itself: no SVI, bridge, relay, instance,
// session or other allocation moves.
func TestServerMoveChangesOnlyItsPort(t *testing.T) {
	before, errs := resolveText(t, netBase, nil)
	if errs != nil {
		t.Fatal(errs)
	}
	const (
		srv2Trunk = "  interface swp5 kind=trunk mtu=0 unnumbered=false addrs=[] instance=default members= vlans=[300] access=%d server=srv2"
		srv2      = "server srv2 leaf=leaf2 ports=swp5 bond= lacp-bypass=false mtu=0 untagged=%s tagged=%s"
		bond5     = "  interface bond5 kind=bond mtu=0 unnumbered=false addrs=[] instance=default members=swp5,swp6 vlans=[] access=%d lacp-bypass server=srv1"
		srv1      = "server srv1 leaf=leaf1 ports=swp5,swp6 bond=bond5 lacp-bypass=true mtu=0 untagged=%s tagged="
		pc8       = "  interface PortChannel8 kind=bond mtu=0 unnumbered=false addrs=[] instance=default members=Ethernet8,Ethernet12 vlans=[] access=%d lacp-bypass server=srv3"
		srv3      = "server srv3 leaf=leaf3 ports=Ethernet8,Ethernet12 bond=PortChannel8 lacp-bypass=true mtu=0 untagged=%s tagged="
	)
	// netLock's VLANs: cleaning 100, provisioning 101, tenant-a 102.
	tests := []struct {
		name, from, to string
		want           []string // the model's lines that go ("-") and come ("+")
	}{
		{"single port, tenant to cleaning", "ports: [swp5], untagged: tenant-a,", "ports: [swp5], untagged: cleaning,", []string{
			"-" + fmt.Sprintf(srv2Trunk, 102), "-" + fmt.Sprintf(srv2, "tenant-a", "web"),
			"+" + fmt.Sprintf(srv2Trunk, 100), "+" + fmt.Sprintf(srv2, "cleaning", "web")}},
		{"cumulus bond, provisioning to tenant", "ports: [swp5, swp6], untagged: provisioning", "ports: [swp5, swp6], untagged: tenant-a", []string{
			"-" + fmt.Sprintf(bond5, 101), "-" + fmt.Sprintf(srv1, "provisioning"),
			"+" + fmt.Sprintf(bond5, 102), "+" + fmt.Sprintf(srv1, "tenant-a")}},
		{"sonic bond, cleaning to provisioning", "untagged: cleaning}", "untagged: provisioning}", []string{
			"-" + fmt.Sprintf(pc8, 100), "-" + fmt.Sprintf(srv3, "cleaning"),
			"+" + fmt.Sprintf(pc8, 101), "+" + fmt.Sprintf(srv3, "provisioning")}},
		{"a tagged network dropped", "tagged: [web]}", "tagged: []}", []string{
			"-" + fmt.Sprintf(srv2Trunk, 102), "-" + fmt.Sprintf(srv2, "tenant-a", "web"),
			"+  interface swp5 kind=access mtu=0 unnumbered=false addrs=[] instance=default access=102 server=srv2",
			"+" + fmt.Sprintf(srv2, "tenant-a", "")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			moved := replace(netBase, tt.from, tt.to)
			if moved == netBase {
				t.Fatalf("%q is not in netBase", tt.from)
			}
			after, errs := resolveText(t, moved, before.Lock)
			if errs != nil {
				t.Fatal(errs)
			}
			if diff := cmp.Diff(before.Lock, after.Lock); diff != "" {
				t.Errorf("the move changed the lock (-before +after):\n%s", diff)
			}
			if diff := cmp.Diff(tt.want, changedLines(before.Fabric, after.Fabric)); diff != "" {
				t.Errorf("changed model lines (-want +got):\n%s", diff)
			}
		})
	}
}

// changedLines returns the lines of before's model dump that after's
// lacks ("-") and the lines after's has that before's lacks ("+"), each
// counted as often as it occurs, in the dumps' order.
func changedLines(before, after *model.Fabric) []string {
	a := strings.Split(string(model.Dump(before)), "\n")
	b := strings.Split(string(model.Dump(after)), "\n")
	count := map[string]int{}
	for _, l := range b {
		count[l]++
	}
	var out []string
	for _, l := range a {
		if count[l] > 0 {
			count[l]--
		} else {
			out = append(out, "-"+l)
		}
	}
	for _, l := range b {
		if count[l] > 0 {
			count[l]--
			out = append(out, "+"+l)
		}
	}
	return out
}
