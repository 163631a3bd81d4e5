package modeltest

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"underlay.dev/underlay/internal/model"
)

type dev struct{ name, role, platform, asn, routerID string }

func devs(f *model.Fabric) []dev {
	var out []dev
	for _, d := range f.Devices {
		out = append(out, dev{d.Name, string(d.Role), string(d.Platform), d.ASN.String(), d.RouterID.String()})
	}
	return out
}

// TestFixturesLocked: each fixture's lock file holds exactly what resolve
// records for it, so the fixtures' values are pinned by the lock and not by
// the allocator's order (a new device in a fixture, or an allocator change,
// must not silently renumber every renderer golden).
func TestFixturesLocked(t *testing.T) {
	for _, name := range []string{"seedlab", "unnumbered"} {
		t.Run(name, func(t *testing.T) {
			res, lock, err := resolveFixture(name)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(lock, res.Lock, cmpopts.EquateEmpty()); d != "" {
				t.Errorf("testdata/%s/fabric.lock.yaml is not what resolve records (-lock +resolved):\n%s", name, d)
			}
		})
	}
}

// TestFixtures: the fixtures are the fabrics their doc comments describe;
// the renderer goldens depend on these values.
func TestFixtures(t *testing.T) {
	for _, tt := range []struct {
		name string
		got  func() []dev
		want []dev
	}{
		{"seedlab", func() []dev { return devs(SeedLab()) }, []dev{
			{"leaf1", "leaf", "cumulus", "65001", "192.0.2.1"},
			{"leaf2", "leaf", "nvue", "65002", "192.0.2.2"},
			{"spine", "spine", "sonic", "65100", "192.0.2.100"}}},
		{"unnumbered", func() []dev { return devs(Unnumbered()) }, []dev{
			{"host1", "host", "linux-frr", "4210000001", "10.255.0.101"},
			{"leaf1", "leaf", "cumulus", "4200000001", "10.255.0.11"},
			{"leaf2", "leaf", "nvue", "4200000002", "10.255.0.12"},
			{"spine1", "spine", "sonic", "65100", "10.255.0.1"},
			{"spine2", "spine", "cumulus", "65100", "10.255.0.2"}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if d := cmp.Diff(tt.want, tt.got(), cmp.AllowUnexported(dev{})); d != "" {
				t.Errorf("devices (-want +got):\n%s", d)
			}
		})
	}
}
