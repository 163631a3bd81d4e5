package platform

import (
	"slices"
	"testing"

	"underlay.dev/underlay/internal/model"
)

// TestDescriptors: one descriptor per platform, in model's order, each
// consistent with itself: sorted files, valid roles, a port generator
// whose names its own rule accepts, unique volume names, flags in
// --name=value form.
func TestDescriptors(t *testing.T) {
	var names []model.Platform
	for _, d := range All() {
		names = append(names, d.Name)
	}
	if !slices.Equal(names, model.Platforms) {
		t.Fatalf("descriptors %q, want one per model.Platforms %q in that order", names, model.Platforms)
	}
	for _, d := range All() {
		t.Run(string(d.Name), func(t *testing.T) {
			if len(d.Files) == 0 || !slices.IsSorted(d.Files) {
				t.Errorf("files %q: want some, sorted", d.Files)
			}
			if len(d.Roles) == 0 {
				t.Errorf("no roles")
			}
			for _, r := range d.Roles {
				if !r.IsValid() || !d.MayTake(r) {
					t.Errorf("role %q", r)
				}
			}
			for n := 1; n <= 64; n++ {
				if p := d.Ports.Nth(n); !d.Ports.Valid(p) {
					t.Errorf("port %d is %q, which the rule %s refuses", n, p, d.Ports.Pattern)
				}
			}
			if d.Ports.Valid("lo") {
				t.Errorf("the loopback is a valid port")
			}
			vols := map[string]bool{}
			for _, m := range d.Agent.AllMounts() {
				vols[m.Volume] = true
			}
			for _, s := range d.Agent.Secrets {
				vols[s.Volume] = true
			}
			if len(vols) != len(d.Agent.AllMounts())+len(d.Agent.Secrets) {
				t.Errorf("volume names repeat: %v", vols)
			}
			for _, a := range d.Agent.Args {
				if len(a) < 3 || a[:2] != "--" || !slices.Contains([]byte(a), '=') {
					t.Errorf("agent arg %q: want --name=value", a)
				}
			}
		})
	}
	if _, err := Get("junos"); err == nil {
		t.Errorf("Get(junos) found a descriptor")
	}
}

// TestPortNames pins the names gen and the test fabrics give ports.
func TestPortNames(t *testing.T) {
	for p, want := range map[model.Platform][]string{
		model.PlatformCumulus: {"swp1", "swp2", "swp49"}, model.PlatformNVUE: {"swp1", "swp2", "swp49"},
		model.PlatformSONiC: {"Ethernet0", "Ethernet4", "Ethernet192"}, model.PlatformLinuxFRR: {"eth0", "eth1", "eth48"},
	} {
		d := MustGet(p)
		got := []string{d.Ports.Nth(1), d.Ports.Nth(2), d.Ports.Nth(49)}
		if !slices.Equal(got, want) {
			t.Errorf("%s ports 1, 2, 49: %q, want %q", p, got, want)
		}
	}
}
