package expect

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"underlay.dev/underlay/internal/model/modeltest"
)

func TestFor(t *testing.T) {
	f := modeltest.Unnumbered()
	byName := map[string]Expectations{}
	for _, d := range f.Devices {
		byName[d.Name] = For(d)
	}
	// A host expects its leaf's own prefixes (filtered by its import
	// policy), not the prefixes the leaf merely passes on.
	want := Expectations{Device: "host1",
		Sessions: []Session{{Neighbor: "eth0", Peer: "leaf1", Families: []string{"ipv4", "ipv6"}}},
		Prefixes: []string{"10.1.1.0/24", "10.255.0.11/32", "fd00:255::11/128"}}
	if diff := cmp.Diff(want, byName["host1"]); diff != "" {
		t.Errorf("host1 (-want +got):\n%s", diff)
	}
	// A spine expects each leaf's own prefixes, not those of the hosts
	// behind it: a host's fault must not fail the spine's health gate.
	got := byName["spine1"].Prefixes
	for _, p := range []string{"10.1.1.0/24", "10.255.0.12/32", "fd00:255::11/128"} {
		if !contains(got, p) {
			t.Errorf("spine1 does not expect %s: %v", p, got)
		}
	}
	if contains(got, "10.255.0.101/32") {
		t.Errorf("spine1 expects a host prefix: %v", got)
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
