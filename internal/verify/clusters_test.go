package verify

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/testutil/fabrics"
)

// calico is examples/k8s-calico (2 spines, 2 leaves, nodes node1, node2
// on leaf1 and node3, node4 on leaf2, pods 10.244.0.0/16 in /26 blocks,
// services 10.96.0.0/12 and 10.100.0.0/24, AS per rack) with each of
// edits (old, new) applied to the intent's text.
func calico(t *testing.T, edits ...string) *model.Fabric {
	t.Helper()
	src, err := os.ReadFile("../../examples/k8s-calico/fabric.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := string(src)
	for i := 0; i+1 < len(edits); i += 2 {
		if !strings.Contains(text, edits[i]) {
			t.Fatalf("the example has no %q", edits[i])
		}
		text = strings.Replace(text, edits[i], edits[i+1], 1)
	}
	return fabrics.Parse(t, "k8s-calico.yaml", []byte(text))
}

const (
	perCluster    = "asn: {model: per-cluster, cluster: \"64512\"}"
	exportDefault = "asn: {model: per-rack}\n    export: default"
)

func policyOf(t *testing.T, f *model.Fabric, device, name string) *model.Policy {
	t.Helper()
	for _, p := range fabrics.Device(t, f, device).Policies {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("%s has no policy %s", device, name)
	return nil
}

// groups returns the cluster's sessions (groups and externals) on every
// leaf.
func groups(f *model.Fabric) []*model.Session {
	var out []*model.Session
	for _, c := range f.Clusters {
		for _, r := range c.Racks {
			if r.Session != nil {
				out = append(out, r.Session)
			}
			for _, n := range r.Nodes {
				if n.Session != nil {
					out = append(out, n.Session)
				}
			}
		}
	}
	return out
}

func TestClustersPass(t *testing.T) {
	for name, f := range map[string]*model.Fabric{
		"per-rack":                    calico(t),
		"per-cluster":                 calico(t, "asn: {model: per-rack}", perCluster),
		"export default":              calico(t, "asn: {model: per-rack}", exportDefault),
		"per-cluster, export default": calico(t, "asn: {model: per-rack}", perCluster+"\n    export: default"),
		"cilium":                      fabrics.Example(t, "k8s-cilium"),
	} {
		r := Verify(f, Options{})
		for _, c := range r.Checks {
			if !c.Pass {
				t.Errorf("%s: %s fails: %+v", name, c.Name, c.Findings)
			}
		}
		for _, n := range []string{CheckClusterPodBlocks, CheckClusterServiceECMP, CheckClusterImport, CheckClusterLeafFailures} {
			check(t, r, n)
		}
	}
}

// TestClusterASPaths: the per-rack group is iBGP (the leaf adds no AS
// towards its nodes, their routes enter with an empty path), per-cluster
// paths have the nodes' AS replaced by the leaf's (as-override).
func TestClusterASPaths(t *testing.T) {
	tests := []struct {
		name         string
		f            *model.Fabric
		node, prefix string
		want         []model.ASN
	}{
		{"per-rack node", calico(t), "leaf1/prod", "10.244.0.64/26", []model.ASN{65100, 65002}},
		{"per-rack leaf", calico(t), "leaf1", "10.244.0.0/26", []model.ASN{}},
		{"per-rack spine", calico(t), "spine1", "10.244.0.0/26", []model.ASN{65001}},
		{"per-cluster node", calico(t, "asn: {model: per-rack}", perCluster), "leaf2/prod", "10.244.0.0/26",
			[]model.ASN{65002, 65100, 65001, 65002}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rib := ribOf(t, NewGraph(tt.f), tt.node)
			r, ok := rib[tt.prefix]
			if !ok {
				t.Fatalf("%s has no route to %s", tt.node, tt.prefix)
			}
			if diff := cmp.Diff(tt.want, r.ASPath); diff != "" {
				t.Errorf("AS path (-want +got):\n%s", diff)
			}
		})
	}
}

func TestClusterTrace(t *testing.T) {
	out, err := NewGraph(calico(t)).Trace("leaf2/prod", pfx("10.244.0.0/26"))
	for _, want := range []string{"announced by leaf1/prod (group, AS 65001, iBGP)", "leaf2/prod: AS path 65100 65001;",
		"leaf1: AS path empty (iBGP);"} {
		if err != nil || !strings.Contains(out, want) {
			t.Errorf("trace lacks %q (err %v):\n%s", want, err, out)
		}
	}
}

func TestBrokenClusters(t *testing.T) {
	tests := []struct {
		name  string
		f     func(t *testing.T) *model.Fabric
		check string
		want  []string
	}{
		{"import misses the block length", func(t *testing.T) *model.Fabric {
			f := calico(t)
			pol := policyOf(t, f, "leaf1", "UNDERLAY-IMPORT-prod")
			for i, r := range pol.Rules {
				if r.Prefix == pfx("10.244.0.0/16") {
					pol.Rules[i].Ge, pol.Rules[i].Le = 24, 24
				}
			}
			return f
		}, CheckClusterPodBlocks, []string{
			"cluster prod: rack leaf1 (nodes node1, node2): leaf1's import policy UNDERLAY-IMPORT-prod drops every /26 of 10.244.0.0/16",
		}},
		{"import misses half the pool", func(t *testing.T) *model.Fabric {
			f := calico(t)
			pol := policyOf(t, f, "leaf2", "UNDERLAY-IMPORT-prod")
			for i, r := range pol.Rules {
				if r.Prefix == pfx("10.244.0.0/16") {
					pol.Rules[i].Prefix = pfx("10.244.0.0/17")
				}
			}
			return f
		}, CheckClusterPodBlocks, []string{
			"cluster prod: rack leaf2 (nodes node3, node4): leaf2's import policy UNDERLAY-IMPORT-prod drops the /26 blocks " +
				"10.244.128.0/26 … 10.244.255.192/26 of 10.244.0.0/16",
		}},
		{"per-cluster AS without as-override", func(t *testing.T) *model.Fabric {
			f := calico(t, "asn: {model: per-rack}", perCluster)
			for _, s := range groups(f) {
				s.Group.Options.ASOverride = false
			}
			return f
		}, CheckClusterPodBlocks, []string{
			"cluster prod: pod block 10.244.0.0/26 of rack leaf1 (nodes node1, node2), standing for every /26 of 10.244.0.0/16, " +
				"is not sent to nodes node1, node2, node3, node4 on leaf1, leaf2: they drop it: AS-path loop, their AS 64512",
		}},
		{"leaf sends only a default route", func(t *testing.T) *model.Fabric {
			f := calico(t)
			policyOf(t, f, "leaf2", "UNDERLAY-EXPORT-prod").Rules = []model.PrefixRule{{Prefix: pfx("0.0.0.0/0")}}
			return f
		}, CheckClusterPodBlocks, []string{
			"cluster prod: pod block 10.244.0.0/26 of rack leaf1 (nodes node1, node2), standing for every /26 of 10.244.0.0/16, " +
				"is not sent to nodes node3, node4 on leaf2: leaf2's export policy UNDERLAY-EXPORT-prod towards them filters it",
		}},
		{"export default without a default route", func(t *testing.T) *model.Fabric {
			f := calico(t, "asn: {model: per-rack}", exportDefault)
			groups(f)[0].Group.Options.DefaultOriginate = false
			return f
		}, CheckClusterPodBlocks, []string{
			"is not sent to nodes node1, node2 on leaf1: export is default, but leaf1 originates no default route towards them",
		}},
		{"per-node ASN repeated", func(t *testing.T) *model.Fabric {
			f := fabrics.Example(t, "k8s-cilium")
			nodes := f.Clusters[0].Nodes
			nodes[0].Session.External.ASN = nodes[2].Session.External.ASN
			return f
		}, CheckClusterPodBlocks, []string{
			"cluster edge: pod block 10.244.1.0/24 of node node3 on leaf2, standing for every /24 of 10.244.0.0/16, " +
				"is not sent to node node1 on leaf1: they drop it: AS-path loop, their AS 4210000002",
		}},
		{"import lets in a default route", func(t *testing.T) *model.Fabric {
			f := calico(t)
			pol := policyOf(t, f, "leaf1", "UNDERLAY-IMPORT-prod")
			pol.Rules = append([]model.PrefixRule{{Prefix: pfx("0.0.0.0/0"), Le: 32}}, pol.Rules...)
			return f
		}, CheckClusterImport, []string{
			"cluster prod: rack leaf1 (nodes node1, node2): leaf1's import policy UNDERLAY-IMPORT-prod lets in 0.0.0.0/0 " +
				"(the default route) by its rule 0.0.0.0/0 le 32; only 10.244.0.0/16 ge 26 le 26, 10.96.0.0/12 le 32, 10.100.0.0/24 le 32 may pass",
		}},
		{"import lets in the loopbacks", func(t *testing.T) *model.Fabric {
			f := calico(t)
			pol := policyOf(t, f, "leaf2", "UNDERLAY-IMPORT-prod")
			pol.Rules = append(pol.Rules, model.PrefixRule{Prefix: pfx("10.255.0.0/24"), Le: 32})
			return f
		}, CheckClusterImport, []string{"lets in 10.255.0.0/24 (in the loopback pool 10.255.0.0/24) by its rule 10.255.0.0/24 le 32"}},
		{"import lets in wrong block lengths", func(t *testing.T) *model.Fabric {
			f := calico(t)
			pol := policyOf(t, f, "leaf2", "UNDERLAY-IMPORT-prod")
			for i, r := range pol.Rules {
				if r.Prefix == pfx("10.244.0.0/16") {
					pol.Rules[i].Ge, pol.Rules[i].Le = 24, 28
				}
			}
			return f
		}, CheckClusterImport, []string{"lets in 10.244.0.0/24 (a /24 of pod CIDR 10.244.0.0/16, whose blocks are /26) by its rule 10.244.0.0/16 ge 24 le 28"}},
		{"no import policy", func(t *testing.T) *model.Fabric {
			f := calico(t)
			groups(f)[0].Import = nil
			return f
		}, CheckClusterImport, []string{"rack leaf1 (nodes node1, node2): leaf1 has no import policy for them: it accepts anything, 0.0.0.0/0 included"}},
		{"a rack's leaf drops a service", func(t *testing.T) *model.Fabric {
			f := calico(t)
			// 10.96.0.0/12 holds 10.100.0.0/24 too: both go.
			pol := policyOf(t, f, "leaf2", "UNDERLAY-IMPORT-prod")
			pol.Rules = slices.DeleteFunc(pol.Rules, func(r model.PrefixRule) bool { return r.Prefix.Addr().As4()[1] != 244 })
			return f
		}, CheckClusterServiceECMP, []string{
			"cluster prod: service range 10.100.0.0/24, announced by 2 rack(s), is ECMP over 1 of 2 rack leaves on spine1: " +
				"leaf2 has it only through the spines, not from its own nodes: its import policy drops their announcement (from leaf2/prod)",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := check(t, Verify(tt.f(t), Options{}), tt.check)
			if c.Pass {
				t.Fatalf("%s passes on a broken cluster", tt.check)
			}
			var got []string
			for _, fd := range c.Findings {
				got = append(got, fd.Detail)
			}
			t.Logf("findings:\n%s", strings.Join(got, "\n"))
			for _, w := range tt.want {
				if !strings.Contains(strings.Join(got, "\n"), w) {
					t.Errorf("findings lack %q:\n%s", w, strings.Join(got, "\n"))
				}
			}
		})
	}
}
