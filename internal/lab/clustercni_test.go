package lab

import (
	"encoding/json"
	"net/netip"
	"testing"

	"underlay.dev/underlay/internal/model"
)

func labCluster(t *testing.T, path string) *model.Cluster {
	t.Helper()
	f, err := LoadFabric(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Clusters) != 1 {
		t.Fatalf("%s: %d clusters, want 1", path, len(f.Clusters))
	}
	return f.Clusters[0]
}

// TestNodeAddr: a node on a rack subnet has its static address there; an
// unnumbered one the first address of its IPv4 pod block; one with
// neither is an error naming the node.
func TestNodeAddr(t *testing.T) {
	listen := labCluster(t, "testdata/k8s/frr-k8s.yaml")
	if got, err := nodeAddr(listen.Nodes[0], nil); err != nil || got.String() != "10.0.101.10/24" {
		t.Errorf("listen node1: got %v, %v; want 10.0.101.10/24", got, err)
	}
	unnum := labCluster(t, "testdata/k8s/cilium.yaml")
	pods := []netip.Prefix{netip.MustParsePrefix("fd00:244::/64"), netip.MustParsePrefix("10.244.3.0/24")}
	if got, err := nodeAddr(unnum.Nodes[0], pods); err != nil || got.String() != "10.244.3.1/32" {
		t.Errorf("unnumbered node1: got %v, %v; want 10.244.3.1/32", got, err)
	}
	if _, err := nodeAddr(unnum.Nodes[0], pods[:1]); err == nil {
		t.Error("an unnumbered node without an IPv4 pod block got an address")
	}
}

// TestFreeBlockSkipsTaken: node IPAM hands out the first block no Node
// holds, and says so when the pod CIDR is full.
func TestFreeBlockSkipsTaken(t *testing.T) {
	cl := &model.Cluster{BlockSize: 24}
	cidr := netip.MustParsePrefix("10.244.0.0/23")
	used := map[netip.Prefix]bool{netip.MustParsePrefix("10.244.0.0/24"): true}
	if b, err := freeBlock(cl, cidr, used); err != nil || b.String() != "10.244.1.0/24" {
		t.Fatalf("got %v, %v; want 10.244.1.0/24", b, err)
	}
	used[netip.MustParsePrefix("10.244.1.0/24")] = true
	if _, err := freeBlock(cl, cidr, used); err == nil {
		t.Fatal("a full pod CIDR gave a block")
	}
}

// TestCNIObjects: frr-k8s gets one FRRConfiguration per node with its
// pod block and AS; Cilium one LoadBalancer Service at the range's first
// host; every object carries its cluster's label and the lab's mark; the
// same input gives the same bytes.
func TestCNIObjects(t *testing.T) {
	frr := labCluster(t, "testdata/k8s/frr-k8s.yaml")
	pods := map[string][]netip.Prefix{"node1": {netip.MustParsePrefix("10.244.0.0/24")}, "node2": {netip.MustParsePrefix("10.244.1.0/24")}}
	objs := cniObjects(frr, pods)
	if len(objs) != 2 || objs[0].GetKind() != "FRRConfiguration" || objs[0].GetName() != "metal-node1-pods" || objs[0].GetNamespace() != "frr-k8s-system" {
		t.Fatalf("frr-k8s: got %v", objs)
	}
	js, _ := json.Marshal(objs[1].Object["spec"])
	if want := `{"bgp":{"routers":[{"asn":65002,"prefixes":["10.244.1.0/24"]}]},"nodeSelector":{"matchLabels":{"kubernetes.io/hostname":"node2"}}}`; string(js) != want {
		t.Errorf("node2's FRRConfiguration spec:\n got %s\nwant %s", js, want)
	}
	again, _ := json.Marshal(cniObjects(frr, pods))
	first, _ := json.Marshal(objs)
	if string(again) != string(first) {
		t.Error("the same cluster gave different objects")
	}
	cil := labCluster(t, "testdata/k8s/cilium.yaml")
	svc := cniObjects(cil, nil)
	if len(svc) != 1 || svc[0].GetKind() != "Service" || ServiceAddr(cil).String() != "10.100.0.1" {
		t.Fatalf("cilium: got %v (address %s)", svc, ServiceAddr(cil))
	}
	for _, u := range append(objs, svc...) {
		if l := u.GetLabels(); l["underlay.dev/cluster"] == "" || l["app.kubernetes.io/managed-by"] != labManaged {
			t.Errorf("%s %s: labels %v", u.GetKind(), u.GetName(), l)
		}
	}
}
