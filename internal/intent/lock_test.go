package intent

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// TestLocateSplitsIntentAndLock: errors under LockRoot land on the lock
// file's lines (or, with no lock read, on its name alone); the intent's come
// first; each file's are in line order.
func TestLocateSplitsIntentAndLock(t *testing.T) {
	doc, err := Parse("f.yaml", []byte("apiVersion: underlay.dev/v1alpha1\nkind: Fabric\nmetadata: {name: x}\nspec:\n  devices:\n  - name: leaf1\n"))
	if err != nil {
		t.Fatal(err)
	}
	lock, err := ParseLock("f.lock.yaml", []byte(LockHeader+"apiVersion: underlay.dev/v1alpha1\nkind: FabricLock\nasns:\n  leaf1: 65001\n"+
		"linkIPv4:\n  leaf1:swp1.100--spine1:swp1: 10.0.0.0/31\n"))
	if err != nil {
		t.Fatal(err)
	}
	errs := field.ErrorList{
		field.Invalid(LockRoot.Child("linkIPv4", "leaf1:swp1.100--spine1:swp1"), "x", "bad link"),
		field.Invalid(LockRoot.Child("asns", "leaf1"), 0, "bad asn"),
		field.Invalid(field.NewPath("spec", "devices").Key("leaf1"), "x", "bad device"),
	}
	got := []string{}
	for _, e := range Locate(errs, doc, lock) {
		got = append(got, e.Error())
	}
	want := []string{
		`f.yaml:6: spec.devices[leaf1]: Invalid value: "x": bad device`,
		`f.lock.yaml:7: asns.leaf1: Invalid value: 0: bad asn`,
		`f.lock.yaml:9: linkIPv4.leaf1:swp1.100--spine1:swp1: Invalid value: "x": bad link`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if e := doc.Locate(errs[1:2])[0]; e.File != "f.lock.yaml" || e.Line != 0 {
		t.Errorf("without a lock document: %+v, want f.lock.yaml without a line", e)
	}
}
