package cluster_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/kustomize/api/resource"

	"underlay.dev/underlay/internal/render/cluster"
	"underlay.dev/underlay/internal/render/cluster/frrk8s"
)

// startAPI starts one real etcd and kube-apiserver for every case, with
// the three CNIs' CRDs (testdata/crds) and frr-k8s's namespace.
func startAPI(t *testing.T) client.Client {
	t.Helper()
	assets := os.Getenv("KUBEBUILDER_ASSETS")
	if assets == "" {
		if os.Getenv("UNDERLAY_REQUIRE_CHECKERS") == "1" {
			t.Fatal("KUBEBUILDER_ASSETS is not set: run hack/k8s-bins.sh")
		}
		t.Skip("KUBEBUILDER_ASSETS is not set: run hack/k8s-bins.sh")
	}
	var dirs []string
	for _, d := range []string{"calico", "cilium", "frr-k8s"} {
		dirs = append(dirs, filepath.Join("testdata", "crds", d))
	}
	env := &envtest.Environment{BinaryAssetsDirectory: assets, ErrorIfCRDPathMissing: true, CRDDirectoryPaths: dirs}
	cfg, err := env.Start()
	if err != nil {
		t.Fatalf("starting the API server: %v", err)
	}
	t.Cleanup(func() { _ = env.Stop() })
	c, err := client.New(cfg, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: frrk8s.Namespace}}); err != nil {
		t.Fatalf("creating namespace %s: %v", frrk8s.Namespace, err)
	}
	return c
}

// create asks the API server to create r as it would for Flux, but with
// unknown fields refused (Strict) and nothing stored (dry run), so every
// case can create its "default" BGPConfiguration.
func create(ctx context.Context, c client.Client, r *resource.Resource) error {
	m, err := r.Map()
	if err != nil {
		return err
	}
	return c.Create(ctx, &unstructured.Unstructured{Object: m}, client.DryRunAll, client.FieldValidation("Strict"))
}

// TestAPIServer: every object of every hand-built case and of the
// examples, as kustomize builds the cluster's directory, is accepted by a
// real kube-apiserver holding the CNI's CRDs: schema, CEL rules and no
// unknown fields. TestAPIServer/refused shows each of the three can fail.
func TestAPIServer(t *testing.T) {
	c := startAPI(t)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	dirs := map[string][]*resource.Resource{}
	for _, tt := range cases {
		cl := build(tt.spec)
		dirs[tt.name] = kustomize(t, tree(t, cl), cluster.Dir(cl))
	}
	for _, ex := range []string{"k8s-calico", "k8s-cilium", "k8s-dualstack"} {
		files := exampleTree(t, ex)
		for p := range files {
			if dir, ok := strings.CutSuffix(p, "/kustomization.yaml"); ok && strings.HasPrefix(dir, cluster.Parent+"/") {
				dirs["example-"+ex+"-"+strings.TrimPrefix(dir, cluster.Parent+"/")] = kustomize(t, files, dir)
			}
		}
	}
	for _, name := range sortedKeys(dirs) {
		res := dirs[name]
		t.Run(name, func(t *testing.T) {
			for _, r := range res {
				if err := create(ctx, c, r); err != nil {
					t.Errorf("%s %s: %v", r.GetKind(), r.GetName(), err)
				}
			}
		})
	}
	t.Run("refused", func(t *testing.T) { refused(ctx, t, c, dirs) })
}

// refused edits valid objects into invalid ones: an unknown field (only
// strict validation refuses it), a value outside the schema's enum, and
// a CEL rule broken (Cilium's keepalive above the hold time).
func refused(ctx context.Context, t *testing.T, c client.Client, dirs map[string][]*resource.Resource) {
	for _, tt := range []struct {
		name, dir, kind string
		path            []string
		value           any
		wantErr         string
	}{
		{"unknown field", "calico-per-rack", "BGPPeer", []string{"spec", "holdTime"}, "30s", `unknown field "spec.holdTime"`},
		{"enum", "calico-per-rack", "IPPool", []string{"spec", "ipipMode"}, "Sometimes", `Unsupported value: "Sometimes"`},
		{"CEL", "cilium-per-rack", "CiliumBGPPeerConfig", []string{"spec", "timers", "keepAliveTimeSeconds"}, int64(60),
			"keepAliveTimeSeconds can not be larger than holdTimeSeconds"},
		{"frr-k8s unknown field", "frr-k8s-per-rack-bfd", "FRRConfiguration", []string{"spec", "bgp", "routers"},
			[]any{map[string]any{"asn": int64(65001), "localASN": int64(1)}}, `unknown field "spec.bgp.routers[0].localASN"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var obj *resource.Resource
			for _, r := range dirs[tt.dir] {
				if r.GetKind() == tt.kind {
					obj = r.DeepCopy()
					break
				}
			}
			if obj == nil {
				t.Fatalf("no %s in %s", tt.kind, tt.dir)
			}
			if err := create(ctx, c, obj); err != nil {
				t.Fatalf("unedited %s %s: %v", tt.kind, obj.GetName(), err)
			}
			m, err := obj.Map()
			if err != nil {
				t.Fatal(err)
			}
			if err := unstructured.SetNestedField(m, tt.value, tt.path...); err != nil {
				t.Fatal(err)
			}
			err = c.Create(ctx, &unstructured.Unstructured{Object: m}, client.DryRunAll, client.FieldValidation("Strict"))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("edited %s: error %v, want one with %q", tt.kind, err, tt.wantErr)
			}
		})
	}
}
