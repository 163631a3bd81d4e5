package gen_test

import (
	"testing"

	"underlay.dev/underlay/internal/gen"
	"underlay.dev/underlay/internal/testutil/fabrics"
)

// TestClosClusterIsValid: --cluster makes every server a node of one
// cluster with a rack per leaf, and resolves with every CNI on every
// leaf platform.
func TestClosClusterIsValid(t *testing.T) {
	for _, c := range []gen.Clos{
		{Spines: 2, Leaves: 3, ServersPerLeaf: 4, Cluster: "calico"},
		{Spines: 2, Leaves: 2, ServersPerLeaf: 3, Cluster: "cilium", Platform: "nvue"},
		{Spines: 2, Leaves: 2, ServersPerLeaf: 3, Cluster: "frr-k8s", Platform: "sonic", Unnumbered: true},
	} {
		t.Run(c.Cluster+"/"+c.Platform, func(t *testing.T) {
			f := fabrics.Clos(t, c)
			if len(f.Clusters) != 1 {
				t.Fatalf("%d clusters, want 1", len(f.Clusters))
			}
			k := f.Clusters[0]
			if len(k.Racks) != c.Leaves || len(k.Nodes) != c.Leaves*c.ServersPerLeaf {
				t.Errorf("%d racks and %d nodes, want %d and %d", len(k.Racks), len(k.Nodes), c.Leaves, c.Leaves*c.ServersPerLeaf)
			}
			for _, r := range k.Racks {
				if r.Session == nil {
					t.Errorf("rack %s has no session", r.Leaf.Name)
				}
			}
		})
	}
	if err := (gen.Clos{Spines: 2, Leaves: 2, Cluster: "calico"}).Validate(); err == nil {
		t.Error("--cluster without servers is accepted")
	}
}
