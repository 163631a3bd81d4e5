package kube

import (
	"context"
	"testing"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/agent"
	"underlay.dev/underlay/internal/agent/agenttest"
	"underlay.dev/underlay/internal/agent/store"
	"underlay.dev/underlay/internal/bundle"
	"underlay.dev/underlay/internal/testutil/apiserver"
)

func init() { ctrllog.SetLogger(logr.Discard()) }

// startAPI starts a real etcd and kube-apiserver with the NetworkDevice
// CRD (testutil/apiserver) and a client of the agent's scheme.
func startAPI(t testing.TB) (*rest.Config, client.Client) {
	t.Helper()
	cfg := apiserver.Start(t)
	scheme, err := Scheme()
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		t.Fatal(err)
	}
	return cfg, c
}

func configMap(ns, device, rev string, files store.Files) *corev1.ConfigMap {
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: bundle.ConfigMapName(device),
		Labels:      map[string]string{bundle.LabelDevice: device},
		Annotations: map[string]string{bundle.AnnotationHash: rev}}, Data: map[string]string{}}
	for k, v := range files {
		cm.Data[k] = string(v)
	}
	return cm
}

func TestAgentAgainstRealAPIServer(t *testing.T) {
	cfg, c := startAPI(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "dc1"}}); err != nil {
		t.Fatal(err)
	}
	dev := &agenttest.Device{}
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	eng := &agent.Engine{Driver: dev, Prober: dev, Store: st, HealthTimeout: 500 * time.Millisecond, PollInterval: 20 * time.Millisecond}
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Config{Rest: cfg, Device: "leaf1", Namespace: "dc1", Fabric: "dc1", Platform: "cumulus",
			Engine: eng, MetricsAddr: "0", HealthAddr: "0"})
	}()

	cm := configMap("dc1", "leaf1", "sha256:r1", agenttest.Files("v1"))
	start := time.Now()
	if err := c.Create(ctx, cm); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, c, func(s v1alpha1.NetworkDeviceStatus) bool {
		return s.AppliedRevision == "sha256:r1" && cond(s, v1alpha1.ConditionReady) == metav1.ConditionTrue && s.SessionsEstablished != nil && *s.SessionsEstablished == 1 && *s.SessionsExpected == 1 &&
			len(s.Peers) == 1 && s.Peers[0].Peer == "swp1" && s.Peers[0].Expected && len(s.History) == 1
	})
	t.Logf("ConfigMap created → applied and reported in %s", time.Since(start).Round(time.Millisecond))

	steps := []struct {
		name  string
		rev   string
		files store.Files
		check func(v1alpha1.NetworkDeviceStatus) bool
	}{
		{"update", "sha256:r2", agenttest.Files("v2"), func(s v1alpha1.NetworkDeviceStatus) bool {
			return s.AppliedRevision == "sha256:r2" && cond(s, v1alpha1.ConditionDegraded) == metav1.ConditionFalse
		}},
		{"hidden and unknown keys (the API server itself refuses \"../\")", "sha256:r3", store.Files{".bashrc": []byte("x"), "daemons": []byte("x")}, func(s v1alpha1.NetworkDeviceStatus) bool {
			return reason(s, v1alpha1.ConditionDegraded) == v1alpha1.ReasonValidationFailed && s.AppliedRevision == "sha256:r2"
		}},
		{"session-breaking config", "sha256:r4", agenttest.Files("break"), func(s v1alpha1.NetworkDeviceStatus) bool {
			return reason(s, v1alpha1.ConditionDegraded) == v1alpha1.ReasonHealthCheckFailed &&
				readyReason(s) == v1alpha1.ReasonRolledBack && s.RollbackCount == 1 && s.AppliedRevision == "sha256:r2" &&
				len(s.History) == 4 && s.History[0].Outcome == "RolledBack"
		}},
	}
	for _, step := range steps {
		start := time.Now()
		cm := configMap("dc1", "leaf1", step.rev, step.files)
		var cur corev1.ConfigMap
		if err := c.Get(ctx, client.ObjectKeyFromObject(cm), &cur); err != nil {
			t.Fatal(err)
		}
		cur.Data, cur.Annotations = cm.Data, cm.Annotations
		if err := c.Update(ctx, &cur); err != nil {
			t.Fatal(err)
		}
		waitStatus(t, c, step.check)
		t.Logf("%s: reported in %s", step.name, time.Since(start).Round(time.Millisecond))
		if dev.Running() != "v2" && step.name != "update" {
			t.Errorf("%s: device runs %q, want v2", step.name, dev.Running())
		}
	}
	var evs eventsv1.EventList
	waitFor(t, func() bool {
		_ = c.List(ctx, &evs, client.InNamespace("dc1"))
		return len(evs.Items) >= 2
	})

	if err := c.Delete(ctx, cm); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, c, func(s v1alpha1.NetworkDeviceStatus) bool {
		return reason(s, v1alpha1.ConditionDegraded) == v1alpha1.ReasonConfigMissing
	})
	if dev.Running() != "v2" {
		t.Errorf("deleting the ConfigMap changed the device: %q", dev.Running())
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("agent: %v", err)
	}
}

func cond(s v1alpha1.NetworkDeviceStatus, typ string) metav1.ConditionStatus {
	if c := meta.FindStatusCondition(s.Conditions, typ); c != nil {
		return c.Status
	}
	return ""
}

func reason(s v1alpha1.NetworkDeviceStatus, typ string) string {
	if c := meta.FindStatusCondition(s.Conditions, typ); c != nil && c.Status == metav1.ConditionTrue {
		return c.Reason
	}
	return ""
}

func readyReason(s v1alpha1.NetworkDeviceStatus) string {
	if c := meta.FindStatusCondition(s.Conditions, v1alpha1.ConditionReady); c != nil {
		return c.Reason
	}
	return ""
}

func waitStatus(t *testing.T, c client.Client, ok func(v1alpha1.NetworkDeviceStatus) bool) {
	t.Helper()
	var nd v1alpha1.NetworkDevice
	waitFor(t, func() bool {
		err := c.Get(context.Background(), client.ObjectKey{Namespace: "dc1", Name: "leaf1"}, &nd)
		return err == nil && ok(nd.Status)
	})
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 20s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
