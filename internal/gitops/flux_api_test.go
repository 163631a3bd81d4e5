package gitops_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/kustomize/api/resource"
)

// TestFluxAccountAppliesTheTreeAndNothingElse runs deploy/flux's account
// against a real kube-apiserver with RBAC: as underlay-flux, the rendered
// tree (agents included: the API server refuses a Role that grants more
// than its creator holds) applies and prunes, while a ConfigMap in another
// namespace and a ClusterRoleBinding are forbidden.
func TestFluxAccountAppliesTheTreeAndNothingElse(t *testing.T) {
	assets := os.Getenv("KUBEBUILDER_ASSETS")
	if assets == "" {
		if os.Getenv("UNDERLAY_REQUIRE_CHECKERS") == "1" {
			t.Fatal("KUBEBUILDER_ASSETS is not set: run hack/k8s-bins.sh")
		}
		t.Skip("KUBEBUILDER_ASSETS is not set: run hack/k8s-bins.sh")
	}
	env := &envtest.Environment{BinaryAssetsDirectory: assets, ErrorIfCRDPathMissing: true,
		CRDDirectoryPaths: []string{filepath.Join("..", "..", "deploy", "agent", "crd")}}
	cfg, err := env.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { env.Stop() })
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	admin, err := client.New(cfg, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tree := build(t, "examples/seed-lab/rendered")
	ns := tree[0].GetNamespace()
	if err := admin.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
		t.Fatal(err)
	}
	var sa string
	for _, r := range build(t, "deploy/flux") {
		switch r.GetKind() {
		case "GitRepository", "Kustomization":
			continue // Flux's own CRDs are not installed here
		case "ServiceAccount":
			sa = r.GetName()
		}
		if err := admin.Create(ctx, object(t, r)); err != nil {
			t.Fatalf("as admin, creating %s %s: %v", r.GetKind(), r.GetName(), err)
		}
	}
	as := rest.CopyConfig(cfg)
	as.Impersonate = rest.ImpersonationConfig{UserName: "system:serviceaccount:" + ns + ":" + sa}
	flux, err := client.New(as, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range tree {
		if err := flux.Apply(ctx, client.ApplyConfigurationFromUnstructured(object(t, r)), client.FieldOwner("kustomize-controller"), client.ForceOwnership); err != nil {
			t.Errorf("as %s, applying %s %s: %v", sa, r.GetKind(), r.GetName(), err)
		}
	}
	var cms corev1.ConfigMapList
	if err := flux.List(ctx, &cms, client.InNamespace(ns)); err != nil || len(cms.Items) == 0 {
		t.Fatalf("as %s, listing ConfigMaps: %d, %v", sa, len(cms.Items), err)
	}
	if err := flux.Delete(ctx, &cms.Items[0]); err != nil {
		t.Errorf("as %s, pruning %s: %v", sa, cms.Items[0].Name, err)
	}
	elsewhere := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "x", Namespace: "default"}}
	if err := flux.Create(ctx, elsewhere); !apierrors.IsForbidden(err) {
		t.Errorf("as %s, a ConfigMap in namespace default: %v, want forbidden", sa, err)
	}
	crb := &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "x"},
		RoleRef:  rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "cluster-admin"},
		Subjects: []rbacv1.Subject{{Kind: "ServiceAccount", Name: sa, Namespace: ns}}}
	if err := flux.Create(ctx, crb); !apierrors.IsForbidden(err) {
		t.Errorf("as %s, a ClusterRoleBinding to cluster-admin: %v, want forbidden", sa, err)
	}
}

func object(t *testing.T, r *resource.Resource) *unstructured.Unstructured {
	t.Helper()
	m, err := r.Map()
	if err != nil {
		t.Fatalf("%s %s: %v", r.GetKind(), r.GetName(), err)
	}
	return &unstructured.Unstructured{Object: m}
}
