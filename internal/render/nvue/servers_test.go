package nvue

import (
	"os"
	"strings"
	"testing"

	"underlay.dev/underlay/internal/checker/nvuedoc"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/testutil/fabrics"
	"underlay.dev/underlay/internal/testutil/golden"
)

// baremetal resolves examples/baremetal/fabric.yaml, the bare-metal
// example's intent (issue #11): a 2-spine x 4-leaf unnumbered fabric
// whose NVUE leaf3 has a bonded server on the inspection network and a
// trunk to a server on two tenant networks (each a VRF).
func baremetal(t *testing.T) *model.Fabric {
	t.Helper()
	return fabrics.Example(t, "baremetal")
}

// TestServersGolden pins leaf3's document: bridge domain br_default and
// its VLANs, the bond with LACP bypass, the trunk with its native VLAN,
// the SVIs (two in tenant VRFs), the VRFs with their L3VNIs and type-5
// export, EVPN towards the spines, and the DHCP relay with RFC 3527 link
// selection from the loopback.
func TestServersGolden(t *testing.T) {
	f := baremetal(t)
	d := device(t, f, "leaf3")
	doc, err := Document(f, d)
	if err != nil {
		t.Fatal(err)
	}
	if err := nvuedoc.Validate(doc); err != nil {
		t.Error(err)
	}
	golden.Assert(t, "TestServersGolden/baremetal-leaf3.yaml", doc)
}

func device(t *testing.T, f *model.Fabric, name string) *model.Device {
	t.Helper()
	return fabrics.Device(t, f, name)
}

// TestUnknownKindRefused: an interface kind the renderer does not know is
// an error naming it, not a bare swp port.
func TestUnknownKindRefused(t *testing.T) {
	f := baremetal(t)
	d := device(t, f, "leaf3")
	d.Interface("swp3").Kind = "tunnel"
	if _, err := Document(f, d); err == nil || !strings.Contains(err.Error(), `interface swp3: kind "tunnel" is not rendered for NVUE`) {
		t.Errorf("got %v", err)
	}
}

// TestServersVariantsGolden: the bare-metal example with spine1 and leaf1
// on NVUE and a tagged-only server on leaf3: an EVPN spine (l2vpn-evpn on
// its sessions, no VTEP), a bond with an MTU and the leaf holding the
// DHCP server's network, and a trunk without a native VLAN (untagged
// none).
func TestServersVariantsGolden(t *testing.T) {
	src, err := os.ReadFile("../../../examples/baremetal/fabric.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := strings.NewReplacer(
		"{name: spine1, role: spine, platform: cumulus}", "{name: spine1, role: spine, platform: nvue}",
		"{name: leaf1, role: leaf, platform: cumulus}", "{name: leaf1, role: leaf, platform: nvue}",
		"  checks:", "  - {name: bm8, leaf: leaf3, ports: [swp7], tagged: [tenant-a, tenant-b]}\n  checks:",
	).Replace(string(src))
	f := fabrics.Parse(t, "variants.yaml", []byte(s))
	for _, name := range []string{"spine1", "leaf1", "leaf3"} {
		d := device(t, f, name)
		doc, err := Document(f, d)
		if err != nil {
			t.Fatal(err)
		}
		if err := nvuedoc.Validate(doc); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		golden.Assert(t, "TestServersVariantsGolden/"+name+".yaml", doc)
	}
}
