package gen_test

import (
	"testing"

	"underlay.dev/underlay/internal/gen"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/testutil/fabrics"
)

// TestClosServersAreValid: servers on every leaf of every platform resolve,
// half of them bonded, on the six networks, each leaf with an SVI per
// network, the DHCP relay and both tenant VRFs.
func TestClosServersAreValid(t *testing.T) {
	tests := []struct {
		name string
		clos gen.Clos
	}{
		{"cumulus", gen.Clos{Spines: 2, Leaves: 4, ServersPerLeaf: 5}},
		{"nvue with hosts", gen.Clos{Spines: 2, Leaves: 3, HostsPerLeaf: 2, ServersPerLeaf: 40, Platform: "nvue"}},
		{"sonic unnumbered", gen.Clos{Spines: 2, Leaves: 3, ServersPerLeaf: 40, Platform: "sonic", Unnumbered: true}},
		{"5-stage", gen.Clos{Superspines: 2, Pods: 2, Spines: 2, Leaves: 2, ServersPerLeaf: 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := fabrics.Clos(t, tt.clos)
			leaves := max(tt.clos.Pods, 1) * tt.clos.Leaves
			if got, want := len(f.Servers), leaves*tt.clos.ServersPerLeaf; got != want {
				t.Errorf("%d servers, want %d", got, want)
			}
			bonded := 0
			for _, s := range f.Servers {
				if s.Bond != "" {
					bonded++
				}
			}
			if want := leaves * ((tt.clos.ServersPerLeaf + 1) / 2); bonded != want {
				t.Errorf("%d bonded servers, want %d", bonded, want)
			}
			if len(f.Networks) != 6 || len(f.VRFs) != 2 {
				t.Errorf("%d networks and %d VRFs, want 6 and 2", len(f.Networks), len(f.VRFs))
			}
			for _, d := range f.Devices {
				if d.Role != model.RoleLeaf {
					continue
				}
				if len(d.Networks) != 6 || len(d.Relays) != 1 || len(d.Instances) != 3 || !d.EVPN {
					t.Errorf("%s: %d networks, %d relays, %d instances, evpn %v; want 6, 1, 3, true",
						d.Name, len(d.Networks), len(d.Relays), len(d.Instances), d.EVPN)
				}
			}
		})
	}
}

// TestClosServersAtScale: the benchmark's fabric (200 devices, 40 servers
// per leaf) and the largest fabric (16,384 leaves, whose subnets are /26s
// of /12 pools) resolve.
func TestClosServersAtScale(t *testing.T) {
	if testing.Short() {
		t.Skip("resolves 7,680 servers")
	}
	f := fabrics.Clos(t, gen.Clos{Spines: 8, Leaves: 192, ServersPerLeaf: 40})
	if len(f.Devices) != 200 || len(f.Servers) != 7680 {
		t.Errorf("got %d devices, %d servers; want 200, 7,680", len(f.Devices), len(f.Servers))
	}
}

func TestClosServersRejectsBadCounts(t *testing.T) {
	for _, c := range []gen.Clos{{Spines: 1, Leaves: 1, ServersPerLeaf: -1}, {Spines: 1, Leaves: 1, ServersPerLeaf: gen.MaxServersPerLeaf + 1},
		{Spines: 1, Leaves: gen.MaxLeaves, ServersPerLeaf: 100}} {
		if err := c.Validate(); err == nil {
			t.Errorf("%+v: want an error", c)
		}
	}
}
