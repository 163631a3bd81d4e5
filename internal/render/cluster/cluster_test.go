package cluster_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"underlay.dev/underlay/internal/gitops"
	"underlay.dev/underlay/internal/load"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/render/cluster"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// tree lays c out as the rendered tree does: clusters/<name>/ with the
// kustomization gitops writes.
func tree(t *testing.T, c *model.Cluster) map[string][]byte {
	t.Helper()
	files, err := cluster.Render(c)
	if err != nil {
		t.Fatal(err)
	}
	tr := &gitops.Tree{Fabric: &model.Fabric{Name: "f", Namespace: "fabric"}}
	if err := tr.AddExtra(gitops.Extra{Dir: cluster.Dir(c), Files: files, Unlisted: true}); err != nil {
		t.Fatal(err)
	}
	out, err := tr.Files()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// kustomize builds the cluster's directory of a tree as the cluster's
// Flux would (krusty, kustomize's own library).
func kustomize(t *testing.T, files map[string][]byte, dir string) []*resource.Resource {
	t.Helper()
	fs := filesys.MakeFsInMemory()
	for p, b := range files {
		if err := fs.WriteFile(filepath.Join("/tree", p), b); err != nil {
			t.Fatal(err)
		}
	}
	m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fs, filepath.Join("/tree", dir))
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	return m.Resources()
}

// TestGolden: each CNI's files of hand-built clusters, byte for byte, and
// the directory builds with kustomize into as many objects as the files
// hold, in the namespaces the renderer gave them.
func TestGolden(t *testing.T) {
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			c := build(tt.spec)
			files := tree(t, c)
			var b strings.Builder
			docs := 0
			for _, p := range sortedKeys(files) {
				if !strings.HasPrefix(p, cluster.Dir(c)+"/") {
					continue
				}
				b.WriteString("== " + p + " ==\n" + string(files[p]))
				docs += strings.Count(string(files[p]), "\n---\n")
			}
			golden(t, filepath.Join("testdata", t.Name()+".golden"), b.String())
			res := kustomize(t, files, cluster.Dir(c))
			if len(res) != docs {
				t.Errorf("kustomize built %d objects from %d documents", len(res), docs)
			}
			for _, r := range res {
				if ns := r.GetNamespace(); ns != "" && ns != "frr-k8s-system" {
					t.Errorf("%s %s in namespace %q", r.GetKind(), r.GetName(), ns)
				}
			}
		})
	}
}

// TestExamples pins the cluster directories of the k8s examples, as
// `underlay render` writes them.
func TestExamples(t *testing.T) {
	for _, ex := range []string{"k8s-calico", "k8s-cilium", "k8s-dualstack"} {
		t.Run(ex, func(t *testing.T) {
			files := exampleTree(t, ex)
			var b strings.Builder
			for _, p := range sortedKeys(files) {
				if strings.HasPrefix(p, cluster.Parent+"/") {
					b.WriteString("== " + p + " ==\n" + string(files[p]))
				}
			}
			golden(t, filepath.Join("testdata", t.Name()+".golden"), b.String())
		})
	}
}

// exampleTree renders examples/<name> as `underlay render` does.
func exampleTree(t *testing.T, name string) map[string][]byte {
	t.Helper()
	f, err := load.File(filepath.Join("..", "..", "..", "examples", name, "fabric.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := load.Tree(f)
	if err != nil {
		t.Fatal(err)
	}
	files, err := tr.Files()
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestRefused: what a CNI cannot express is an error naming the cluster,
// the CNI and why.
func TestRefused(t *testing.T) {
	for _, tt := range []struct {
		name    string
		spec    spec
		wantErr string
	}{
		{"calico unnumbered", spec{cni: model.CNICalico, peering: unnumbered, asModel: model.ASPerNode},
			"cluster prod (calico): calico peers only with addresses, not unnumbered (projectcalico/calico#10844)"},
		{"frr-k8s unnumbered", spec{cni: model.CNIFRRK8s, peering: unnumbered, asModel: model.ASPerNode},
			"cluster prod (frr-k8s): frr-k8s peers unnumbered over the node's own interface"},
		{"calico ASN above int32", spec{cni: model.CNICalico, peering: listen, asModel: model.ASPerNode, asnBase: 4210000000},
			"cluster prod (calico): node n1: AS 4210000000 is above 2147483647, the largest Calico's CRDs hold (int32): allocate node ASNs below it"},
		{"unknown CNI", spec{cni: "flannel", peering: listen, asModel: model.ASPerRack},
			`no renderer for CNI "flannel": want calico, cilium or frr-k8s`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := cluster.Render(build(tt.spec))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %v, want one with %q", err, tt.wantErr)
			}
		})
	}
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if d := cmp.Diff(string(want), got); d != "" {
		actual := strings.TrimSuffix(path, ".golden") + ".actual"
		_ = os.WriteFile(actual, []byte(got), 0o644)
		t.Errorf("%s (-want +got):\n%s", path, d)
	}
}
