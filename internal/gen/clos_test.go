package gen_test

import (
	"testing"

	"underlay.dev/underlay/internal/gen"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/testutil/fabrics"
)

func TestClosIsValid(t *testing.T) {
	tests := []struct {
		name           string
		clos           gen.Clos
		devices, links int
		sessionsLeaf1  int
	}{
		{"3-stage", gen.Clos{Spines: 2, Leaves: 4}, 6, 8, 2},
		{"hosts unnumbered", gen.Clos{Spines: 2, Leaves: 4, HostsPerLeaf: 2, Unnumbered: true}, 14, 16, 4},
		{"sonic spines", gen.Clos{Spines: 4, Leaves: 3, Platform: "nvue", SpinePlatform: "sonic"}, 7, 12, 4},
		{"5-stage planes", gen.Clos{Superspines: 4, Pods: 2, Spines: 2, Leaves: 3}, 14, 2 * (3*2 + 2*2), 2},
		{"5-stage full mesh", gen.Clos{Superspines: 3, Pods: 2, Spines: 2, Leaves: 2}, 11, 2 * (2*2 + 2*3), 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := fabrics.Clos(t, tt.clos)
			if len(f.Devices) != tt.devices || len(f.Links) != tt.links {
				t.Errorf("got %d devices, %d links; want %d, %d", len(f.Devices), len(f.Links), tt.devices, tt.links)
			}
			for _, d := range f.Devices {
				if d.Role == model.RoleLeaf && len(d.Sessions()) != tt.sessionsLeaf1 {
					t.Errorf("%s has %d sessions, want %d", d.Name, len(d.Sessions()), tt.sessionsLeaf1)
				}
			}
		})
	}
}

func TestClosTenThousand(t *testing.T) {
	if testing.Short() {
		t.Skip("resolves a 10,000-device fabric")
	}
	f := fabrics.Clos(t, gen.Clos{Superspines: 16, Pods: 64, Spines: 4, Leaves: 152})
	if len(f.Devices) != 10000 {
		t.Errorf("got %d devices, want 10000", len(f.Devices))
	}
}

func TestClosRejectsBadCounts(t *testing.T) {
	for _, c := range []gen.Clos{{Spines: 0, Leaves: 1}, {Spines: 1, Leaves: 1, Pods: 2}, {Spines: 1, Leaves: 1, HostsPerLeaf: -1},
		{Spines: 1, Leaves: gen.MaxLeaves + 1}, {Spines: 1 << 62, Leaves: 1 << 62}, {Spines: 2, Leaves: 200, Pods: 100, Superspines: 2},
		{Spines: 512, Leaves: 16384}} {
		if err := c.Validate(); err == nil {
			t.Errorf("%+v: want an error", c)
		}
	}
}
