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
			for _, relays := range []bool{false, true} {
				checkAgent(t, d.Agent.For(relays))
			}
		})
	}
	if _, err := Get("junos"); err == nil {
		t.Errorf("Get(junos) found a descriptor")
	}
}

// checkAgent: unique volume names, flags in --name=value form.
func checkAgent(t *testing.T, a Agent) {
	t.Helper()
	vols := map[string]bool{}
	for _, m := range a.AllMounts() {
		vols[m.Volume] = true
	}
	for _, s := range a.Secrets {
		vols[s.Volume] = true
	}
	if len(vols) != len(a.AllMounts())+len(a.Secrets) {
		t.Errorf("volume names repeat: %v", vols)
	}
	for _, arg := range a.Args {
		if len(arg) < 3 || arg[:2] != "--" || !slices.Contains([]byte(arg), '=') {
			t.Errorf("agent arg %q: want --name=value", arg)
		}
	}
}

// TestAgentFor: only a relaying leaf's agent gets the relay's mount and
// flag, and asking does not change the descriptor.
func TestAgentFor(t *testing.T) {
	a := MustGet(model.PlatformCumulus).Agent
	plain, relaying := a.For(false), a.For(true)
	if len(plain.Mounts) != len(a.Mounts) || len(plain.Args) != len(a.Args) {
		t.Errorf("a leaf without relays gets more than the platform's: %v %v", plain.Mounts, plain.Args)
	}
	if len(relaying.Mounts) != len(a.Mounts)+1 || relaying.Mounts[len(relaying.Mounts)-1].Path != DHCPRelayDir ||
		!slices.Contains(relaying.Args, "--dhcp-relay-file="+DHCPRelayDir+"/"+FileDHCPRelay) {
		t.Errorf("a relaying leaf's agent: mounts %v args %v", relaying.Mounts, relaying.Args)
	}
	if len(MustGet(model.PlatformCumulus).Agent.Mounts) != len(a.Mounts) {
		t.Error("For changed the descriptor")
	}
	if s := MustGet(model.PlatformSONiC).Agent; len(s.For(true).Mounts) != len(s.Mounts) {
		t.Error("SONiC's agent relays nothing itself, yet For(true) adds mounts")
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
