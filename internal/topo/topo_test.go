package topo_test

import (
	"testing"

	"underlay.dev/underlay/internal/load"
	"underlay.dev/underlay/internal/topo"
)

func build(t *testing.T, example string) *topo.Topology {
	t.Helper()
	f, err := load.File("../../examples/" + example + "/fabric.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return topo.Build(f.Fabric)
}

// TestSessionsPerPair: each edge carries the sessions the model
// configures between its ends, and the sessions of a device's edges add up
// to what its health gate expects.
func TestSessionsPerPair(t *testing.T) {
	for _, ex := range []string{"seed-lab", "baremetal", "k8s-calico", "k8s-cilium", "border", "unnumbered"} {
		tp := build(t, ex)
		sum := map[string]int{}
		for _, e := range tp.Edges {
			if e.Kind == "fabric" {
				if e.Sessions == 0 {
					t.Errorf("%s: link %s–%s configures no session", ex, e.A, e.B)
				}
				sum[e.A] += e.Sessions
				sum[e.B] += e.Sessions
			}
		}
		for _, n := range tp.Nodes {
			if n.Kind == topo.KindDevice && sum[n.ID] != n.Expected {
				t.Errorf("%s: %s's edges carry %d sessions, its health gate expects %d", ex, n.ID, sum[n.ID], n.Expected)
			}
		}
	}
}

// TestGroupsInTierOrder: groups run top to bottom and hold every node once.
func TestGroupsInTierOrder(t *testing.T) {
	tp := build(t, "k8s-calico")
	var tiers []string
	seen := map[string]bool{}
	for _, g := range tp.Groups {
		tiers = append(tiers, g.Tier)
		for _, id := range g.Nodes {
			if seen[id] {
				t.Errorf("node %s in two groups", id)
			}
			seen[id] = true
		}
	}
	if got, want := len(seen), len(tp.Nodes); got != want {
		t.Errorf("groups hold %d nodes, want %d", got, want)
	}
	want := []string{"spine", "leaf", "server", "cluster"}
	if len(tiers) != len(want) {
		t.Fatalf("tiers %v, want %v", tiers, want)
	}
	for i := range want {
		if tiers[i] != want[i] {
			t.Fatalf("tiers %v, want %v", tiers, want)
		}
	}
}
