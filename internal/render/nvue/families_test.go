package nvue

import (
	"testing"

	"sigs.k8s.io/yaml"

	"underlay.dev/underlay/internal/checker/nvuedoc"
	"underlay.dev/underlay/internal/testutil/fabrics"
)

const dualStackNumbered = `apiVersion: underlay.dev/v1alpha1
kind: Fabric
metadata: {name: ds}
spec:
  pools:
    asn: {spine: 65100-65199, leaf: 4200000001-4200000999}
    loopbackIPv4: 10.255.0.0/24
    loopbackIPv6: fd00:255::/64
    linkIPv4: 10.0.0.0/24
    linkIPv6: fd00:1::/112
  devices:
  - {name: spine1, role: spine, platform: cumulus}
  - {name: leaf1, role: leaf, platform: nvue}
  links:
  - leaf1:swp1 -- spine1:swp1
`

// TestIPv6NeighborsCarryNoIPv4: NVUE enables ipv4-unicast on a neighbor
// unless told otherwise, so the IPv6 session of a dual-stack numbered
// link says off; left out, it carried IPv4 routes past no export policy
// (found by the lab property test, seed 14).
func TestIPv6NeighborsCarryNoIPv4(t *testing.T) {
	f := fabrics.Parse(t, "ds", []byte(dualStackNumbered))
	doc, err := Document(f, f.Devices[1])
	if err != nil {
		t.Fatal(err)
	}
	var items []struct {
		Set struct {
			VRF map[string]struct {
				Router struct {
					BGP struct {
						Neighbor map[string]struct {
							AddressFamily map[string]struct {
								Enable string `json:"enable"`
							} `json:"address-family"`
						} `json:"neighbor"`
					} `json:"bgp"`
				} `json:"router"`
			} `json:"vrf"`
		} `json:"set"`
	}
	if err := yaml.Unmarshal(doc, &items); err != nil || len(items) != 1 {
		t.Fatalf("%v: %s", err, doc)
	}
	neighbors := items[0].Set.VRF["default"].Router.BGP.Neighbor
	v4, v6 := neighbors["10.0.0.0"], neighbors["fd00:1::"]
	if v4.AddressFamily["ipv4-unicast"].Enable != "on" || v6.AddressFamily["ipv6-unicast"].Enable != "on" {
		t.Fatalf("sessions not rendered as expected: %s", doc)
	}
	if got := v6.AddressFamily["ipv4-unicast"].Enable; got != "off" {
		t.Errorf("the IPv6 neighbor's ipv4-unicast enable is %q, want off:\n%s", got, doc)
	}
	if err := nvuedoc.Validate(doc); err != nil {
		t.Error(err)
	}
}
