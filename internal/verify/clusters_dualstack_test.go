package verify

import (
	"os"
	"slices"
	"strings"
	"testing"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/testutil/fabrics"
)

// TestDualStackClusterPasses: examples/k8s-dualstack (a Calico cluster
// with IPv4 and IPv6 pods and services on three racks of three platforms)
// passes every check, the IPv6 pod blocks and services proven as the IPv4
// ones are.
func TestDualStackClusterPasses(t *testing.T) {
	r := Verify(fabrics.Example(t, "k8s-dualstack"), Options{})
	for _, c := range r.Checks {
		if !c.Pass {
			t.Errorf("%s fails: %+v", c.Name, c.Findings)
		}
	}
	ecmp := check(t, r, CheckClusterServiceECMP)
	got := ecmp.Notes
	if want := "cluster prod service fd00:100::/120, announced by 3 rack(s): ECMP 3 on spine1, spine2"; !slices.Contains(got, want) {
		t.Errorf("service ECMP lacks %q:\n%s", want, strings.Join(got, "\n"))
	}
}

// TestBrokenDualStack: a leaf that drops the IPv6 pod blocks, listens on
// IPv4 only, or a fabric that carries no IPv6 from a leaf fails verify,
// naming the IPv6 ranges.
func TestBrokenDualStack(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(t *testing.T, f *model.Fabric)
		check string
		want  string
	}{
		{"IPv6 import misses the block length", func(t *testing.T, f *model.Fabric) {
			pol := policyOf(t, f, "leaf2", "UNDERLAY-IMPORT-prod")
			for i, r := range pol.Rules {
				if r.Prefix == pfx("fd00:244::/56") {
					pol.Rules[i].Ge, pol.Rules[i].Le = 120, 120
				}
			}
		}, CheckClusterPodBlocks, "leaf2's import policy UNDERLAY-IMPORT-prod drops every /122 of fd00:244::/56"},
		{"IPv6 import lets in the IPv6 default route", func(t *testing.T, f *model.Fabric) {
			pol := policyOf(t, f, "leaf3", "UNDERLAY-IMPORT-prod")
			pol.Rules = append(pol.Rules, model.PrefixRule{Prefix: pfx("::/0"), Le: 128})
		}, CheckClusterImport, "leaf3's import policy UNDERLAY-IMPORT-prod lets in ::/0"},
		{"leaf listens on IPv4 only", func(t *testing.T, f *model.Fabric) {
			for _, r := range f.Clusters[0].Racks {
				if r.Leaf.Name == "leaf3" {
					r.Session.Group.Listen = r.Session.Group.Listen[:1]
				}
			}
		}, CheckClusterPodBlocks, "node5, node6 cannot open sessions: they are on fd00:10:0:102::/64 but leaf3's group prod listens on [10.0.103.0/24]"},
		{"leaf1's uplinks carry IPv4 only", func(t *testing.T, f *model.Fabric) {
			d := fabrics.Device(t, f, "leaf1")
			d.Default().Sessions = slices.DeleteFunc(d.Default().Sessions, func(s *model.Session) bool {
				return s.Fabric() && s.PeerAddr.Is6()
			})
		}, CheckClusterPodBlocks, "pod block fd00:244::/122 of rack leaf1 (nodes node1, node2), standing for every /122 of fd00:244::/56, does not reach leaf2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := fabrics.Example(t, "k8s-dualstack")
			tt.edit(t, f)
			r := Verify(f, Options{})
			var got []string
			for _, c := range r.Checks {
				for _, fd := range c.Findings {
					got = append(got, c.Name+": "+fd.Detail)
				}
			}
			c := check(t, r, tt.check)
			if c.Pass {
				t.Errorf("%s passes on a broken dual-stack cluster", tt.check)
			}
			if !strings.Contains(strings.Join(got, "\n"), tt.want) {
				t.Errorf("findings lack %q:\n%s", tt.want, strings.Join(got, "\n"))
			}
		})
	}
}

// TestDualStackUnnumberedPasses: examples/k8s-cilium (unnumbered) with an
// IPv6 pod CIDR too: its nodes' sessions and the unnumbered fabric's carry
// IPv6 (RFC 5549), so the IPv6 blocks reach every rack as the IPv4 ones.
func TestDualStackUnnumberedPasses(t *testing.T) {
	src, err := os.ReadFile("../../examples/k8s-cilium/fabric.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(src), "podCIDRs: [10.244.0.0/16]", `podCIDRs: [10.244.0.0/16, "fd00:244::/56"]`, 1)
	f := fabrics.Parse(t, "k8s-cilium-dual.yaml", []byte(text))
	for _, n := range f.Clusters[0].Nodes {
		if !slices.Contains(n.Session.Families, model.IPv6) {
			t.Errorf("node %s's session carries %v, no IPv6", n.Name, n.Session.Families)
		}
	}
	r := Verify(f, Options{})
	for _, c := range r.Checks {
		if !c.Pass {
			t.Errorf("%s fails: %+v", c.Name, c.Findings)
		}
	}
}
