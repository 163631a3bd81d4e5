package verify

import (
	"strings"
	"testing"

	"underlay.dev/underlay/internal/testutil/fabrics"
)

// k8sClosDual is the listen cluster benchmark made dual-stack: the
// network k8s gets a /64 per leaf from poolV6, the links IPv6 /127s, the
// cluster an IPv6 pod CIDR (/122 blocks) and IPv6 service ranges.
func k8sClosDual(tb testing.TB) []byte {
	tb.Helper()
	in := k8sClosIntent(tb, false)
	in.Spec.Pools.LinkIPv6 = "fd00:ff::/64"
	in.Spec.Networks[0].PoolV6 = "fd00:64::/48"
	cl := &in.Spec.Clusters[0]
	cl.PodCIDRs = append(cl.PodCIDRs, "fd00:192::/48")
	cl.BlockSizeV6 = 122
	cl.Services.Cluster = append(cl.Services.Cluster, "fd00:96::/108")
	cl.Services.LoadBalancer = append(cl.Services.LoadBalancer, "2001:db8::/120")
	return encodeIntent(tb, in)
}

func TestCluster5000DualStackPasses(t *testing.T) {
	if testing.Short() {
		t.Skip("resolves a 5,000-node cluster")
	}
	r := Verify(fabrics.Parse(t, "k8s-gen.yaml", k8sClosDual(t)), Options{})
	for _, chk := range r.Checks {
		if !chk.Pass {
			t.Errorf("%s fails: %+v", chk.Name, chk.Findings[:min(3, len(chk.Findings))])
		}
	}
	want := "service 2001:db8::/120, announced by 100 rack(s): ECMP 64 on spine1, spine2, spine3, spine4 (maximum-paths 64)"
	if notes := check(t, r, CheckClusterServiceECMP).Notes; !strings.Contains(strings.Join(notes, "\n"), want) {
		t.Errorf("ECMP notes lack %q: %v", want, notes)
	}
}

// The dual-stack cluster: verify, cluster checks of both families.
func BenchmarkVerifyCluster5000DualStack(b *testing.B) {
	f := fabrics.Parse(b, "k8s-gen.yaml", k8sClosDual(b))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if r := Verify(f, Options{}); !r.Pass() {
			b.Fatal("the cluster fails verify")
		}
	}
}

// validate + render + verify of the dual-stack 5,000-node cluster.
// Target: < 2 s.
func BenchmarkCluster5000DualStackEndToEnd(b *testing.B) { benchEndToEnd(b, k8sClosDual(b)) }
