package k8snode

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/yaml"

	"underlay.dev/underlay/internal/testutil/golden"
)

// referenceCRDs finds the CNIs' CRDs in shared/reference beside a parent
// of the working directory, as the SONiC YANG checker finds its models.
func referenceCRDs(t *testing.T) []string {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := wd; filepath.Dir(d) != d; d = filepath.Dir(d) {
		ref := filepath.Join(d, "shared", "reference")
		if _, err := os.Stat(filepath.Join(ref, "cilium-crds")); err == nil {
			return []string{
				filepath.Join(ref, "calico-crds", "crd.projectcalico.org_bgpconfigurations.yaml"),
				filepath.Join(ref, "calico-crds", "crd.projectcalico.org_bgppeers.yaml"),
				filepath.Join(ref, "cilium-crds"),
				filepath.Join(ref, "frr-k8s-crds"),
			}
		}
	}
	golden.Unavailable(t, "shared/reference (the CNIs' CRDs) not found beside the repository")
	return nil
}

// TestReadObjects applies each fixture to a real kube-apiserver holding
// the CNIs' CRDs and checks that the node configuration read back from it
// is the one read from the file. Calico's IPPool and Node have no CRD in
// the reference set, so the API server rejects them and they are left out
// of both sides.
func TestReadObjects(t *testing.T) {
	assets := os.Getenv("KUBEBUILDER_ASSETS")
	if assets == "" {
		golden.Unavailable(t, "KUBEBUILDER_ASSETS is not set: run hack/k8s-bins.sh")
	}
	env := &envtest.Environment{BinaryAssetsDirectory: assets,
		CRDInstallOptions: envtest.CRDInstallOptions{Paths: referenceCRDs(t), ErrorIfPathMissing: true}}
	cfg, err := env.Start()
	if err != nil {
		t.Fatalf("starting the API server: %v", err)
	}
	t.Cleanup(func() { _ = env.Stop() })
	c, err := client.New(cfg, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ fixture, node string }{
		{"calico.yaml", "calico-1"}, {"cilium.yaml", "cilium-1"}, {"cilium-unnumbered.yaml", "cilium-u1"}, {"frr-k8s.yaml", "frr-1"},
	} {
		t.Run(tt.fixture, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			for _, u := range fixtureObjects(t, tt.fixture) {
				create(ctx, t, c, u)
				t.Cleanup(func() { _ = c.Delete(context.Background(), u) })
			}
			want := load(t, tt.fixture)
			want.Calico.Pools, want.Calico.Nodes = nil, nil
			wantCfg, err := want.Node(tt.node)
			if err != nil {
				t.Fatal(err)
			}
			got, _, err := ReadObjects(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			gotCfg, err := got.Node(tt.node)
			if err != nil {
				t.Fatal(err)
			}
			wantJS, _ := json.MarshalIndent(wantCfg, "", "  ")
			gotJS, _ := json.MarshalIndent(gotCfg, "", "  ")
			if d := cmp.Diff(string(wantJS), string(gotJS)); d != "" {
				t.Errorf("node %s from the API server (-from file +from API server):\n%s", tt.node, d)
			}
		})
	}
}

func fixtureObjects(t *testing.T, fixture string) []*unstructured.Unstructured {
	b, err := os.ReadFile(filepath.Join("testdata", fixture))
	if err != nil {
		t.Fatal(err)
	}
	var out []*unstructured.Unstructured
	rd := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(b)))
	for {
		doc, err := rd.Read()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		u := &unstructured.Unstructured{}
		if err := yaml.Unmarshal(doc, &u.Object); err != nil {
			t.Fatal(err)
		}
		if k := u.GetKind(); k == "IPPool" || (k == "Node" && u.GetAPIVersion() != "v1") {
			continue
		}
		out = append(out, u)
	}
}

// create creates u and then writes its status, which a create ignores
// (the kubelet and the load-balancer controller write them for real).
func create(ctx context.Context, t *testing.T, c client.Client, u *unstructured.Unstructured) {
	t.Helper()
	status, hasStatus := u.Object["status"]
	if err := c.Create(ctx, u); err != nil {
		t.Fatalf("creating %s %s: %v", u.GetKind(), u.GetName(), err)
	}
	if hasStatus {
		u.Object["status"] = status
		if err := c.Status().Update(ctx, u); err != nil {
			t.Fatalf("status of %s %s: %v", u.GetKind(), u.GetName(), err)
		}
	}
}
