package diff

import (
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"underlay.dev/underlay/internal/expect"
	"underlay.dev/underlay/internal/gitops"
	"underlay.dev/underlay/internal/load"
	"underlay.dev/underlay/internal/render"
)

// tree builds a file map from path, content pairs.
func tree(pairs ...string) map[string][]byte {
	out := map[string][]byte{}
	for i := 0; i+1 < len(pairs); i += 2 {
		out[pairs[i]] = []byte(pairs[i+1])
	}
	return out
}

func b(s string) []byte { return []byte(s) }

func TestCompare(t *testing.T) {
	old := tree("leaf1/frr.conf", "a\n", "leaf1/interfaces", "i\n", "spine1/frr.conf", "s\n")
	tests := []struct {
		name string
		new  map[string][]byte
		want []Device
	}{
		{name: "identical", new: tree("leaf1/frr.conf", "a\n", "leaf1/interfaces", "i\n", "spine1/frr.conf", "s\n")},
		{name: "device added",
			new: tree("leaf1/frr.conf", "a\n", "leaf1/interfaces", "i\n", "spine1/frr.conf", "s\n", "leaf2/frr.conf", "b\n", "leaf2/interfaces", "j\n"),
			want: []Device{{Name: "leaf2", Kind: Added, Files: []File{
				{Path: "leaf2/frr.conf", Kind: Added, New: b("b\n")},
				{Path: "leaf2/interfaces", Kind: Added, New: b("j\n")}}}}},
		{name: "device removed", new: tree("leaf1/frr.conf", "a\n", "leaf1/interfaces", "i\n"),
			want: []Device{{Name: "spine1", Kind: Removed, Files: []File{
				{Path: "spine1/frr.conf", Kind: Removed, Old: b("s\n")}}}}},
		{name: "file changed", new: tree("leaf1/frr.conf", "a2\n", "leaf1/interfaces", "i\n", "spine1/frr.conf", "s\n"),
			want: []Device{{Name: "leaf1", Kind: Changed, Files: []File{
				{Path: "leaf1/frr.conf", Kind: Changed, Old: b("a\n"), New: b("a2\n")}}}}},
		{name: "file added to one device",
			new: tree("leaf1/frr.conf", "a\n", "leaf1/interfaces", "i\n", "spine1/frr.conf", "s\n", "spine1/interfaces", "k\n"),
			want: []Device{{Name: "spine1", Kind: Changed, Files: []File{
				{Path: "spine1/interfaces", Kind: Added, New: b("k\n")}}}}},
		{name: "every file of a device replaced, the device stays",
			new: tree("leaf1/frr.conf", "a\n", "leaf1/interfaces", "i\n", "spine1/config_db.json", "{}\n"),
			want: []Device{{Name: "spine1", Kind: Changed, Files: []File{
				{Path: "spine1/config_db.json", Kind: Added, New: b("{}\n")},
				{Path: "spine1/frr.conf", Kind: Removed, Old: b("s\n")}}}}},
		{name: "a root file is the device named empty",
			new: tree("leaf1/frr.conf", "a\n", "leaf1/interfaces", "i\n", "spine1/frr.conf", "s\n", "kustomization.yaml", "k\n"),
			want: []Device{{Name: "", Kind: Added, Files: []File{
				{Path: "kustomization.yaml", Kind: Added, New: b("k\n")}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Compare(old, tt.new)
			if diff := cmp.Diff(tt.want, d.Devices); diff != "" {
				t.Errorf("devices (-want +got):\n%s", diff)
			}
			if d.Empty() != (len(tt.want) == 0) {
				t.Errorf("Empty() = %v", d.Empty())
			}
		})
	}
}

// Files and Unified follow the paths' order, which is not the devices':
// "leaf-a/" sorts before "leaf/" ('-' < '/') though "leaf" < "leaf-a".
func TestFilesInPathOrder(t *testing.T) {
	d := Compare(tree("leaf/frr.conf", "1\n", "leaf-a/frr.conf", "1\n"), tree("leaf/frr.conf", "2\n", "leaf-a/frr.conf", "2\n"))
	if got := []string{d.Devices[0].Name, d.Devices[1].Name}; got[0] != "leaf" || got[1] != "leaf-a" {
		t.Errorf("devices %v, want by name", got)
	}
	var paths []string
	for _, f := range d.Files() {
		paths = append(paths, f.Path)
	}
	if diff := cmp.Diff([]string{"leaf-a/frr.conf", "leaf/frr.conf"}, paths); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	want := "--- a/leaf-a/frr.conf\n+++ b/leaf-a/frr.conf\n@@ -1,2 +1,2 @@\n-1\n+2\n \n" +
		"--- a/leaf/frr.conf\n+++ b/leaf/frr.conf\n@@ -1,2 +1,2 @@\n-1\n+2\n \n"
	if diff := cmp.Diff(want, d.Unified()); diff != "" {
		t.Errorf("unified (-want +got):\n%s", diff)
	}
}

// The text is what `underlay diff` has always printed, including
// difflib.SplitLines' extra empty last line (hence "-0,0" never appears
// and a blank context line ends a hunk at the end of a file); the goldens
// pin it, so a change to it is a decision, not an accident.
func TestUnifiedAddedAndRemoved(t *testing.T) {
	added := File{Path: "leaf2/frr.conf", Kind: Added, New: b("x\ny\n")}
	if want := "--- a/leaf2/frr.conf\n+++ b/leaf2/frr.conf\n@@ -1 +1,3 @@\n+x\n+y\n \n"; added.Unified() != want {
		t.Errorf("added:\n%q\nwant\n%q", added.Unified(), want)
	}
	removed := File{Path: "leaf2/frr.conf", Kind: Removed, Old: b("x\n")}
	if want := "--- a/leaf2/frr.conf\n+++ b/leaf2/frr.conf\n@@ -1,2 +1 @@\n-x\n \n"; removed.Unified() != want {
		t.Errorf("removed:\n%q\nwant\n%q", removed.Unified(), want)
	}
}

// Native keeps what runs on the device and leaves out the expectations.
func TestNative(t *testing.T) {
	tr := &gitops.Tree{Devices: []gitops.Device{
		{Name: "leaf1", Files: []render.File{{Name: "frr.conf", Content: b("f")}, {Name: expect.FileName, Content: b("e")}}},
		{Name: "spine1", Files: []render.File{{Name: "config_db.json", Content: b("c")}}},
	}}
	want := tree("leaf1/frr.conf", "f", "spine1/config_db.json", "c")
	if diff := cmp.Diff(want, Native(tr)); diff != "" {
		t.Errorf("native (-want +got):\n%s", diff)
	}
}

// TestSeedLabChange738 is the demo's change as data: every device changes,
// no file comes or goes, and the unified text is what `underlay diff`
// prints (the cli golden).
func TestSeedLabChange738(t *testing.T) {
	native := func(dir string) map[string][]byte {
		f, err := load.FS(os.DirFS("../../examples"), dir+"/fabric.yaml")
		if err != nil {
			t.Fatal(err)
		}
		tr, err := load.Tree(f)
		if err != nil {
			t.Fatal(err)
		}
		return Native(tr)
	}
	d := Compare(native("seed-lab"), native("seed-lab-update"))
	got := map[string][]string{}
	for _, dev := range d.Devices {
		for _, f := range dev.Files {
			got[string(dev.Kind)+" "+dev.Name] = append(got[string(dev.Kind)+" "+dev.Name], string(f.Kind)+" "+f.Path)
		}
	}
	want := map[string][]string{
		"changed leaf1": {"changed leaf1/frr.conf", "changed leaf1/interfaces"},
		"changed leaf2": {"changed leaf2/nvue.yaml"},
		"changed spine": {"changed spine/config_db.json", "changed spine/frr.conf"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("structure (-want +got):\n%s", diff)
	}
	golden, err := os.ReadFile("../cli/testdata/TestSeedLabChange738.diff")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(golden), d.Unified()); diff != "" {
		t.Errorf("unified text (-golden +got):\n%s", diff)
	}
}

// TestClusterNodeAdded: a node added to a cluster by one line of the
// intent changes its leaf's config and the cluster's resources
// (clusters/<name>/), and nothing else.
func TestClusterNodeAdded(t *testing.T) {
	ex := os.DirFS("../../examples/k8s-calico")
	intent, err := fs.ReadFile(ex, "fabric.yaml")
	if err != nil {
		t.Fatal(err)
	}
	lock, err := fs.ReadFile(ex, "fabric.lock.yaml")
	if err != nil {
		t.Fatal(err)
	}
	node4 := "  - {name: node4, leaf: leaf2, ports: [swp3, swp4], untagged: k8s}\n"
	if !strings.Contains(string(intent), node4) {
		t.Fatalf("examples/k8s-calico/fabric.yaml has no line %q", node4)
	}
	edited := strings.Replace(string(intent), node4, node4+"  - {name: node5, leaf: leaf2, ports: [swp5], untagged: k8s}\n", 1)
	native := func(doc string) map[string][]byte {
		f, err := load.FS(fstest.MapFS{"fabric.yaml": {Data: []byte(doc)}, "fabric.lock.yaml": {Data: lock}}, "fabric.yaml")
		if err != nil {
			t.Fatal(err)
		}
		tr, err := load.Tree(f)
		if err != nil {
			t.Fatal(err)
		}
		return Native(tr)
	}
	var got []string
	for _, f := range Compare(native(string(intent)), native(edited)).Files() {
		got = append(got, string(f.Kind)+" "+f.Path)
	}
	want := []string{"changed clusters/prod/bgppeer.yaml", "changed leaf2/nvue.yaml"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("files changed by a node added (-want +got):\n%s", d)
	}
}
