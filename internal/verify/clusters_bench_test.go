package verify

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/gen"
	"underlay.dev/underlay/internal/load"
	"underlay.dev/underlay/internal/testutil/fabrics"
)

// k8sClos is the cluster benchmark's intent: 4 spines × 100 leaves, 50
// nodes on each leaf (5,000), one cluster over all 100 racks: Calico on
// the network k8s (a /26 per leaf), AS per rack, or, unnumbered, Cilium
// with an AS per node, each node on its own routed port.
func k8sClos(tb testing.TB, unnumbered bool) []byte {
	tb.Helper()
	return encodeIntent(tb, k8sClosIntent(tb, unnumbered))
}

func k8sClosIntent(tb testing.TB, unnumbered bool) *v1alpha1.Fabric {
	tb.Helper()
	c := gen.Clos{Spines: 4, Leaves: 100, Unnumbered: unnumbered}
	in, err := c.Build()
	if err != nil {
		tb.Fatal(err)
	}
	in.Spec.BGP.MaximumPaths = 64 // the spines spread a service over 64 of the 100 racks
	// Calico's CRDs hold AS numbers up to int32 (internal/cni): leaves below it
	in.Spec.Pools.ASN.Leaf = "2100000000-2100999999"
	cl := v1alpha1.Cluster{Name: "prod", CNI: "calico", Network: "k8s", ASN: v1alpha1.ClusterASN{Model: "per-rack"},
		PodCIDRs: []string{"10.192.0.0/12"}, BlockSize: 26,
		Services: v1alpha1.ClusterServices{Cluster: []string{"10.96.0.0/12"}, LoadBalancer: []string{"192.0.2.0/24"}}}
	if unnumbered {
		cl.CNI, cl.Network, cl.Peering = "cilium", "", "unnumbered"
		cl.ASN = v1alpha1.ClusterASN{Model: "per-node", Pool: "4210000000-4210999999"}
	} else {
		in.Spec.Networks = []v1alpha1.Network{{Name: "k8s", Pool: "10.64.0.0/16", PrefixLength: 26}}
	}
	for l := 1; l <= c.Leaves; l++ {
		leaf := fmt.Sprintf("leaf%d", l)
		cl.Racks = append(cl.Racks, leaf)
		for i := range 50 {
			p := i + 1
			if p > 48 {
				p += 4 // after the uplinks swp49-swp52
			}
			s := v1alpha1.Server{Name: fmt.Sprintf("%s-node%d", leaf, i), Leaf: leaf, Ports: []string{fmt.Sprintf("swp%d", p)}}
			if !unnumbered {
				s.Untagged = "k8s"
			}
			in.Spec.Servers = append(in.Spec.Servers, s)
		}
	}
	in.Spec.Clusters = []v1alpha1.Cluster{cl}
	return in
}

func encodeIntent(tb testing.TB, in *v1alpha1.Fabric) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := gen.Encode(&b, in, ""); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func TestCluster5000Passes(t *testing.T) {
	if testing.Short() {
		t.Skip("resolves a 5,000-node cluster")
	}
	for _, unnumbered := range []bool{false, true} {
		f := fabrics.Parse(t, "k8s-gen.yaml", k8sClos(t, unnumbered))
		if c := f.Clusters[0]; len(c.Nodes) != 5000 || len(c.Racks) != 100 {
			t.Fatalf("%d nodes in %d racks", len(c.Nodes), len(c.Racks))
		}
		r := Verify(f, Options{})
		for _, chk := range r.Checks {
			if !chk.Pass {
				t.Errorf("unnumbered %v: %s fails: %+v", unnumbered, chk.Name, chk.Findings[:min(3, len(chk.Findings))])
			}
		}
		ecmp := check(t, r, CheckClusterServiceECMP)
		if want := "announced by 100 rack(s): ECMP 64 on spine1, spine2, spine3, spine4 (maximum-paths 64)"; !strings.Contains(strings.Join(ecmp.Notes, "\n"), want) {
			t.Errorf("unnumbered %v: ECMP notes lack %q: %v", unnumbered, want, ecmp.Notes)
		}
		if n := len(check(t, r, CheckClusterLeafFailures).Notes); n != 100 {
			t.Errorf("unnumbered %v: %d leaf failure notes, want 100", unnumbered, n)
		}
	}
}

func benchCluster(b *testing.B, unnumbered bool) {
	f := fabrics.Parse(b, "k8s-gen.yaml", k8sClos(b, unnumbered))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if r := Verify(f, Options{}); !r.Pass() {
			b.Fatal("the cluster fails verify")
		}
	}
}

// A cluster of 5,000 nodes over 100 racks (4 spines): verify, cluster
// checks included.
func BenchmarkVerifyCluster5000(b *testing.B) { benchCluster(b, false) }

// The same unnumbered, a session (a stub) per node.
func BenchmarkVerifyCluster5000Unnumbered(b *testing.B) { benchCluster(b, true) }

// validate + render + verify of the 5,000-node cluster, as `underlay
// validate`, `render` (without writing) and `verify` do it. Target: < 2 s.
func BenchmarkCluster5000EndToEnd(b *testing.B) { benchEndToEnd(b, k8sClos(b, false)) }

func benchEndToEnd(b *testing.B, src []byte) {
	b.ReportAllocs()
	for b.Loop() {
		f, err := load.Bytes("k8s-gen.yaml", src, nil)
		if err != nil {
			b.Fatal(err)
		}
		tree, err := load.Tree(f)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := tree.Files(); err != nil {
			b.Fatal(err)
		}
		if r := Verify(f.Fabric, Options{}); !r.Pass() {
			b.Fatal("the cluster fails verify")
		}
	}
}
