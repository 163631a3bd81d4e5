package resolve_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRelayUpstreamReachesALocalServer: a DHCP server in one of the
// leaf's own subnets (a network's, or a routed subnet's) answers on that
// SVI or port, so the relay takes it as an upstream interface there and
// only there; elsewhere the fabric ports are the way to it.
func TestRelayUpstreamReachesALocalServer(t *testing.T) {
	tests := []struct {
		name, fabric string
		want         map[string][]string // leaf → upstream
	}{
		{"in a network's subnet on leaf1", replace(netBase, "relay: [10.20.0.10]", "relay: [10.30.0.10]"),
			map[string][]string{"leaf1": {"swp1", "swp2", "vlan300"}, "leaf2": {"swp1"}, "leaf3": {"Ethernet0"}}},
		{"in a routed subnet of leaf2", replace(netBase,
			"{name: leaf2, role: leaf, platform: nvue}", "{name: leaf2, role: leaf, platform: nvue, subnets: [{port: swp9, prefix: 10.20.0.0/24}]}"),
			map[string][]string{"leaf1": {"swp1", "swp2"}, "leaf2": {"swp1", "swp9"}, "leaf3": {"Ethernet0"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, errs := resolveText(t, tt.fabric, nil)
			if errs != nil {
				t.Fatal(errs)
			}
			got := map[string][]string{}
			for _, d := range res.Fabric.Devices {
				for _, rl := range d.Relays {
					got[d.Name] = rl.Upstream
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("relay upstreams (-want +got):\n%s", diff)
			}
		})
	}
}
