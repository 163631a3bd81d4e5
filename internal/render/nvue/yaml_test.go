package nvue

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"

	"underlay.dev/underlay/internal/gen"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/testutil/fabrics"
)

// TestMarshalMatchesYAML: where the fast path applies, it writes what
// sigs.k8s.io/yaml writes, byte for byte: on trees of awkward keys and
// scalars (YAML 1.1 words, numbers as strings, addresses, natural key
// order, empty and nested collections) and on every NVUE document of a
// generated fabric with servers and of the examples.
func TestMarshalMatchesYAML(t *testing.T) {
	words := []string{"on", "off", "On", "yes", "Y", "n", "NULL", "null", "~", "true", "False", "100", "0", "007", "08",
		"1e5", "1.5", ".inf", "-1", "+1", "1:20", "12:30:45", "2001-12-14", "2001-12-14t21:59:43.10-05:00", "10.0.0.0/24",
		"fd00:255::7/128", "::1", "2001:db8::/32", "a:", "a:b", "-a", "swp1", "swp10", "swp2", "swp1s0", "swp01", "bond1",
		"br_default", "x-y.z", "1/2", "0x1F", "0o17", "1_000", "<<", "=", "a#b", "'q'", `"q"`, "é", "vlan100", "Vrf-a",
		"65001:10", "a b", "", "@x", "%x", "!x", "&x", "*x", "|", ">", "?x", "[x]", "{x}", ",x", "x,y"}
	tree := map[string]any{"seq": []any{map[string]any{"a": 1, "b": []any{}}, []any{"x", 2}, map[string]any{}, "s"},
		"empty": map[string]any{}, "none": nil, "t": true, "f": false, "n": -42, "big": 4200000001}
	for i, w := range words {
		tree[w] = w
		tree[fmt.Sprintf("k%d", i)] = map[string]any{w: map[string]any{}}
	}
	check := func(name string, v any) {
		t.Helper()
		want, err := yaml.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		got, ok, err := fastMarshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("%s (-yaml +fast):\n%s", name, diff)
			}
		}
	}
	for _, w := range words { // one at a time: a word the fast path refuses must not hide the others
		check("word "+w, []map[string]any{{w: w, "x": map[string]any{w: []any{w}}}})
	}
	check("tree", tree)
	if got, ok, _ := fastMarshal([]map[string]any{{"on": "on", "a": []any{"10.0.0.0/24", 5}}}); !ok {
		t.Errorf("the fast path refused a plain document:\n%s", got)
	}
	fs := map[string]*model.Fabric{"servers": fabrics.Clos(t, gen.Clos{Spines: 2, Leaves: 4, ServersPerLeaf: 40, Platform: "nvue"})}
	for _, ex := range []string{"baremetal", "border", "seed-lab", "unnumbered"} {
		fs[ex] = fabrics.Example(t, ex)
	}
	for name, f := range fs {
		for _, d := range f.Devices {
			if d.Platform != model.PlatformNVUE {
				continue
			}
			r, err := document(d)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok, _ := fastMarshal(r); !ok {
				t.Errorf("%s/%s: the fast path refused the document", name, d.Name)
			}
			check(name+"/"+d.Name, r)
		}
	}
}
