package resolve_test

import (
	"net/netip"
	"testing"

	"underlay.dev/underlay/internal/model"
)

// TestNodeASNsAreStable: with the lock, a node that sorts first joining a
// per-node cluster keeps every other node's AS; without the lock the
// others would move, so the lock is what holds them.
func TestNodeASNsAreStable(t *testing.T) {
	first, errs := resolveText(t, k8sBase, nil)
	if errs != nil {
		t.Fatal(errs)
	}
	if got := first.Lock.NodeASNs["edge/r1"]; got != 4210000000 {
		t.Fatalf("edge/r1 got AS %d, want the pool's first, 4210000000", got)
	}
	grown := replace(k8sBase, "nodes: [r1]", "nodes: [r0, r1]",
		"  clusters:", "  - {name: r0, leaf: leaf3, ports: [Ethernet12]}\n  clusters:")
	kept, errs := resolveText(t, grown, first.Lock)
	if errs != nil {
		t.Fatal(errs)
	}
	if kept.Lock.NodeASNs["edge/r1"] != 4210000000 || kept.Lock.NodeASNs["edge/r0"] != 4210000001 {
		t.Errorf("with the lock: %v, want r1 kept at 4210000000 and r0 the next", kept.Lock.NodeASNs)
	}
	fresh, errs := resolveText(t, grown, nil)
	if errs != nil {
		t.Fatal(errs)
	}
	if fresh.Lock.NodeASNs["edge/r1"] == 4210000000 {
		t.Error("without the lock r1 keeps its AS too: the test proves nothing")
	}
}

// TestClusterOnTheLeaves: a listen cluster is one group per rack over the
// rack's subnet of the network, with the AS model's options; an
// unnumbered cluster is a neighbour per node on its port; both accept
// exactly the pod blocks and anything inside the service ranges.
func TestClusterOnTheLeaves(t *testing.T) {
	res, errs := resolveText(t, k8sBase, nil)
	if errs != nil {
		t.Fatal(errs)
	}
	f := res.Fabric
	if len(f.Clusters) != 2 || f.Clusters[0].Name != "edge" || f.Clusters[1].Name != "prod" {
		t.Fatalf("clusters %v, want edge and prod", f.Clusters)
	}
	prod := f.Clusters[1]
	if len(prod.Racks) != 2 || len(prod.Nodes) != 2 {
		t.Fatalf("prod: %d racks, %d nodes; want 2 and 2 (n3 is on another network)", len(prod.Racks), len(prod.Nodes))
	}
	for _, rack := range prod.Racks {
		s := rack.Session
		if s == nil || s.Group == nil {
			t.Fatalf("rack %s has no group session", rack.Leaf.Name)
		}
		o := s.Options()
		if !o.Internal || o.ASOverride || s.PeerASN != rack.Leaf.ASN || !o.GracefulRestart {
			t.Errorf("rack %s: options %+v peer AS %s; want iBGP with the leaf's AS %s and graceful restart", rack.Leaf.Name, o, s.PeerASN, rack.Leaf.ASN)
		}
		if s.Group.Listen[0] != rack.Subnet.Prefix {
			t.Errorf("rack %s listens on %v, want its subnet %s", rack.Leaf.Name, s.Group.Listen, rack.Subnet.Prefix)
		}
		want := []model.PrefixRule{{Prefix: netip.MustParsePrefix("10.96.0.0/12"), Le: 32},
			{Prefix: netip.MustParsePrefix("10.244.0.0/16"), Ge: 26, Le: 26}}
		if got := s.Import.Rules; len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
			t.Errorf("rack %s imports %v, want %v", rack.Leaf.Name, got, want)
		}
	}
	edge := f.Clusters[0]
	n := edge.Nodes[0]
	if n.Session == nil || n.Session.Port != "Ethernet8" || !n.Session.Unnumbered || n.Session.PeerASN != n.ASN {
		t.Fatalf("edge's node %s: session %+v, want unnumbered on Ethernet8 with AS %s", n.Name, n.Session, n.ASN)
	}
	for _, i := range n.Rack.Leaf.Interfaces {
		if i.Name == "Ethernet8" && (i.Kind != model.KindRouted || !i.Unnumbered) {
			t.Errorf("leaf3's Ethernet8 is %s unnumbered=%t, want a routed unnumbered port", i.Kind, i.Unnumbered)
		}
		if i.Kind == model.KindBridge {
			t.Errorf("leaf3 has a bridge %s with no server on a network", i.Name)
		}
	}
}
