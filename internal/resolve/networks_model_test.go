package resolve_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"underlay.dev/underlay/internal/model"
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

// TestListOrderDoesNotMatter: the order of spec.networks and spec.servers
// changes neither the model nor the lock: both are sorted, and the pools
// hand out values in name order.
func TestListOrderDoesNotMatter(t *testing.T) {
	want, errs := resolveText(t, netBase, nil)
	if errs != nil {
		t.Fatal(errs)
	}
	lines := strings.Split(netBase, "\n")
	nets, srvs := slices.Index(lines, "  networks:"), slices.Index(lines, "  servers:")
	reordered := slices.Concat(lines[:nets+1], reversed(lines[nets+1:srvs]), lines[srvs:srvs+1], reversed(lines[srvs+1:len(lines)-1]), []string{""})
	if strings.Join(reordered, "\n") == netBase {
		t.Fatal("the lists were not reordered")
	}
	got, errs := resolveText(t, strings.Join(reordered, "\n"), nil)
	if errs != nil {
		t.Fatal(errs)
	}
	if diff := cmp.Diff(string(model.Dump(want.Fabric)), string(model.Dump(got.Fabric))); diff != "" {
		t.Errorf("reversed lists changed the model (-intent order +reversed):\n%s", diff)
	}
	if diff := cmp.Diff(want.Lock, got.Lock); diff != "" {
		t.Errorf("reversed lists changed the lock (-intent order +reversed):\n%s", diff)
	}
}

func reversed(s []string) []string {
	out := slices.Clone(s)
	slices.Reverse(out)
	return out
}
