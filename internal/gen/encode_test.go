package gen_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"go.yaml.in/yaml/v3"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/gen"
	"underlay.dev/underlay/internal/intent"
	"underlay.dev/underlay/internal/testutil/golden"
)

var goldens = []struct {
	name string
	clos gen.Clos
}{
	{"3-stage", gen.Clos{Spines: 2, Leaves: 4}},
	{"hosts-unnumbered", gen.Clos{Spines: 2, Leaves: 4, HostsPerLeaf: 2, Unnumbered: true}},
	{"sonic-spines", gen.Clos{Spines: 4, Leaves: 3, Platform: "nvue", SpinePlatform: "sonic"}},
	{"5-stage-planes", gen.Clos{Superspines: 4, Pods: 2, Spines: 2, Leaves: 3}},
	{"5-stage-full-mesh", gen.Clos{Name: "big", Superspines: 3, Pods: 2, Spines: 2, Leaves: 2}},
}

// TestClosGolden pins what `underlay gen clos` prints; the goldens were
// written by the text formatter gen had before it built a typed Fabric.
func TestClosGolden(t *testing.T) {
	for _, tt := range goldens {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tt.clos.Write(&b); err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, "TestClosGolden/"+tt.name+".golden", b.Bytes())
		})
	}
}

// TestEncodeRoundTrips: what Encode writes loads strictly into the Fabric
// that was written.
func TestEncodeRoundTrips(t *testing.T) {
	for _, tt := range goldens {
		f, err := tt.clos.Build()
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := gen.Encode(&b, f, "x"); err != nil {
			t.Fatal(err)
		}
		doc, err := intent.Parse(tt.name, b.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(f, doc.Fabric, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s: loaded back (-wrote +read):\n%s", tt.name, diff)
		}
	}
}

// yamlV3 writes f as yaml.v3 does with the same layout: the reference
// Encode must match byte for byte.
func yamlV3(t *testing.T, f *v1alpha1.Fabric, comment string) string {
	t.Helper()
	var root yaml.Node
	if err := root.Encode(f); err != nil {
		t.Fatal(err)
	}
	root.HeadComment = comment
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != "spec" {
			continue
		}
		spec := root.Content[i+1]
		for j := 0; j+1 < len(spec.Content); j += 2 {
			if spec.Content[j+1].Kind == yaml.SequenceNode {
				for _, item := range spec.Content[j+1].Content {
					item.Style = yaml.FlowStyle
				}
			}
		}
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	enc.CompactSeqIndent()
	if err := enc.Encode(&root); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestEncodeMatchesYAMLv3 checks Encode against yaml.v3 on the generated
// fabrics and on a fabric of values that need quoting or exercise every
// kind of field Encode writes.
func TestEncodeMatchesYAMLv3(t *testing.T) {
	var fabrics []*v1alpha1.Fabric
	for _, tt := range goldens {
		f, err := tt.clos.Build()
		if err != nil {
			t.Fatal(err)
		}
		fabrics = append(fabrics, f)
	}
	yes, no := true, false
	odd := &v1alpha1.Fabric{APIVersion: v1alpha1.APIVersion, Kind: v1alpha1.KindFabric, Metadata: v1alpha1.Metadata{Name: "yes"},
		Spec: v1alpha1.FabricSpec{BGP: v1alpha1.BGP{MultipathRelax: &no, Timers: &v1alpha1.Timers{Keepalive: 1, Hold: 3}},
			Agent:  &v1alpha1.Agent{Image: "registry.example.com:5000/underlay-agent:v0.1"},
			Links:  []v1alpha1.Link{{Endpoints: "a:swp1 -- b:swp1"}, {Endpoints: "a:swp2 -- b:swp2", Unnumbered: &yes, MTU: 9000}},
			Checks: []v1alpha1.Check{{Name: "c", From: "role:leaf", To: "10.0.0.0/8"}}}}
	for _, s := range []string{"leaf1", "true", "No", "null", "~", "", "1", "1.5", "1e5", "0x1F", "0o17", "1_000", "12:30", "2001-12-14",
		"65100-65534", "10.0.0.0/8", "a b", "a  b", "a:b", "a: b", "a:", "a #b", "#a", "-a", "a-", "[a]", "a,b", "{a}", "'a'", `"a"`, "a ", " a",
		"fd00::/64", "::1", "@a", "a@b", "y", "on", "a\nb", "ü", ".5", "+1", "/x", "a/b:c"} {
		odd.Spec.Devices = append(odd.Spec.Devices, v1alpha1.Device{Name: s, Role: "leaf", Loopbacks: []string{s}})
	}
	fabrics = append(fabrics, odd)
	for _, f := range fabrics {
		var b bytes.Buffer
		if err := gen.Encode(&b, f, "comment"); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(strings.Split(yamlV3(t, f, "comment"), "\n"), strings.Split(b.String(), "\n")); diff != "" {
			t.Errorf("%s: Encode differs from yaml.v3 (-yaml.v3 +Encode):\n%s", f.Metadata.Name, diff)
		}
	}
}

// TestEncodeRefusesBlockMultiline: yaml.v3 would write a literal block
// indented to its place, which Encode does not lay out; it says so
// instead of writing YAML that reads back differently.
func TestEncodeRefusesBlockMultiline(t *testing.T) {
	f := &v1alpha1.Fabric{Metadata: v1alpha1.Metadata{Name: "a\nb"}}
	if err := gen.Encode(&bytes.Buffer{}, f, ""); err == nil || !strings.Contains(err.Error(), "multi-line") {
		t.Fatalf("got %v, want an error about a multi-line value", err)
	}
}
