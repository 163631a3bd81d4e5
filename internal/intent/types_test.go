package intent

import (
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Types of a made-up API: a field of a new type, behind a pointer, a
// slice or a map, is found without being listed anywhere.
type (
	apiRoot struct {
		Spec  apiSpec            `yaml:"spec"`
		Extra *apiExtra          `yaml:"extra,omitempty"`
		Items []apiItem          `yaml:"items"`
		ByKey map[string]apiItem `yaml:"byKey"`
		Anon  struct {
			Deep apiDeep `yaml:"deep"`
		} `yaml:"anon"`
	}
	apiSpec  struct{ Root *apiRoot } // a cycle ends the walk
	apiExtra struct {
		A int `yaml:"a"`
	}
	apiItem struct{ B string }
	apiDeep struct{ C bool }
)

func TestReachableStructs(t *testing.T) {
	got := sortedKeys(reachableStructs(reflect.TypeOf(apiRoot{})))
	want := []string{"apiDeep", "apiExtra", "apiItem", "apiRoot", "apiSpec"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// TestIntentTypesCoverAPI: every struct type declared in the intent's
// API files is reachable from Fabric or FabricLock, so an unknown field in
// it lists the type's known fields. A type added to the file but not used
// by any field fails here: wire it in or remove it.
func TestIntentTypesCoverAPI(t *testing.T) {
	var declared []string
	for _, name := range []string{"fabric_types.go", "cluster_types.go"} {
		file, err := parser.ParseFile(token.NewFileSet(), "../../api/v1alpha1/"+name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			if ts, ok := n.(*ast.TypeSpec); ok {
				if _, isStruct := ts.Type.(*ast.StructType); isStruct {
					declared = append(declared, ts.Name.Name)
				}
			}
			return true
		})
	}
	sort.Strings(declared)
	if d := cmp.Diff(declared, sortedKeys(intentTypes)); d != "" {
		t.Errorf("struct types of fabric_types.go vs intentTypes (-declared +derived):\n%s", d)
	}
}

// TestUnknownFieldListsKnown: an unknown field lists the fields of the
// type it is in, for the intent's types and for the lock's (the lock was
// missing from the hand-kept list, so its message ended in "known
// fields: " and nothing).
func TestUnknownFieldListsKnown(t *testing.T) {
	_, err := ParseLock("f.lock.yaml", []byte("apiVersion: underlay.dev/v1alpha1\nkind: FabricLock\nasn: {leaf1: 1}\n"))
	want := `f.lock.yaml:3: unknown field "asn" in Lock; known fields: apiVersion, asns, kind, linkIPv4, linkIPv6, loopbackIPv4, loopbackIPv6, networkSubnets, networkSubnetsV6, nodeASNs, vlans, vnis, vrfVLANs`
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
	for name, typ := range intentTypes {
		fields := knownFields(name)
		if len(fields) != typ.NumField() || strings.Contains(strings.Join(fields, ","), ",,") {
			t.Errorf("%s: known fields %q, want one per field of %d", name, fields, typ.NumField())
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
