package kube

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/agent"
	"underlay.dev/underlay/internal/agent/agenttest"
	"underlay.dev/underlay/internal/agent/store"
)

// applyFile creates every object of a rendered multi-document YAML file.
func applyFile(t *testing.T, c client.Client, ns, path string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewYAMLOrJSONDecoder(bytes.NewReader(raw), 4096)
	for {
		var u unstructured.Unstructured
		if err := dec.Decode(&u.Object); err != nil {
			break
		}
		if len(u.Object) == 0 {
			continue
		}
		u.SetNamespace(ns)
		if err := c.Create(context.Background(), &u); err != nil {
			t.Fatalf("creating %s %s: %v", u.GetKind(), u.GetName(), err)
		}
	}
}

// TestRenderedRBACConfinesTheAgent applies the rendered agent resources of
// the seed lab's leaf1 and runs the agent as its ServiceAccount: it can
// watch its own ConfigMap and write its own status, and nothing else.
func TestRenderedRBACConfinesTheAgent(t *testing.T) {
	cfg, admin := startAPI(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := admin.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "dc1"}}); err != nil {
		t.Fatal(err)
	}
	applyFile(t, admin, "dc1", "../../../examples/seed-lab/rendered/leaf1/agent.yaml")
	applyFile(t, admin, "dc1", "../../../examples/seed-lab/rendered/leaf2/agent.yaml")
	for _, dev := range []string{"leaf1", "leaf2"} {
		if err := admin.Create(ctx, configMap("dc1", dev, "sha256:"+dev, agenttest.Files(dev))); err != nil {
			t.Fatal(err)
		}
	}
	as := rest.CopyConfig(cfg)
	as.Impersonate = rest.ImpersonationConfig{UserName: "system:serviceaccount:dc1:underlay-agent-leaf1"}
	scheme, _ := Scheme()
	sa, err := client.New(as, client.Options{Scheme: scheme})
	if err != nil {
		t.Fatal(err)
	}
	var cm corev1.ConfigMap
	if err := sa.Get(ctx, client.ObjectKey{Namespace: "dc1", Name: "underlay-leaf1"}, &cm); err != nil {
		t.Errorf("own ConfigMap: %v", err)
	}
	if err := sa.Get(ctx, client.ObjectKey{Namespace: "dc1", Name: "underlay-leaf2"}, &cm); !apierrors.IsForbidden(err) {
		t.Errorf("another device's ConfigMap: want Forbidden, got %v", err)
	}
	var other v1alpha1.NetworkDevice
	if err := admin.Get(ctx, client.ObjectKey{Namespace: "dc1", Name: "leaf2"}, &other); err != nil {
		t.Fatal(err)
	}
	other.Status.LastError = "forged"
	if err := sa.Status().Update(ctx, &other); !apierrors.IsForbidden(err) {
		t.Errorf("another device's status: want Forbidden, got %v", err)
	}

	// The agent itself, with only these rights.
	dev := &agenttest.Device{}
	st, _ := store.Open(t.TempDir())
	eng := &agent.Engine{Driver: dev, Prober: dev, Store: st, HealthTimeout: time.Second}
	go func() {
		if err := Run(ctx, Config{Rest: as, Device: "leaf1", Namespace: "dc1", Engine: eng, MetricsAddr: "0", HealthAddr: "0"}); err != nil {
			t.Errorf("agent: %v", err)
		}
	}()
	waitStatus(t, admin, func(s v1alpha1.NetworkDeviceStatus) bool { return s.AppliedRevision == "sha256:leaf1" })
	if dev.Running() != "leaf1" {
		t.Errorf("device runs %q", dev.Running())
	}
}
