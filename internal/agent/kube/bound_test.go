package kube

import (
	"context"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/agent"
	"underlay.dev/underlay/internal/agent/agenttest"
	"underlay.dev/underlay/internal/agent/store"
)

// TestHugeErrorIsBounded: a checker that quotes a 100 KiB line makes a
// 100 KiB error. Status and the Event still get written (above the CRD's
// 32 KiB message limit the status write failed and status went stale),
// each bounded and saying how much was left out.
func TestHugeErrorIsBounded(t *testing.T) {
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
		done <- Run(ctx, Config{Rest: cfg, Device: "leaf1", Namespace: "dc1", Platform: "cumulus",
			Engine: eng, MetricsAddr: "0", HealthAddr: "0"})
	}()
	huge := agenttest.Files("syntax error " + strings.Repeat("x", 100<<10))
	if err := c.Create(ctx, configMap("dc1", "leaf1", "sha256:huge", huge)); err != nil {
		t.Fatal(err)
	}
	var got v1alpha1.NetworkDeviceStatus
	waitStatus(t, c, func(s v1alpha1.NetworkDeviceStatus) bool {
		got = s
		return reason(s, v1alpha1.ConditionDegraded) == v1alpha1.ReasonPrecheckFailed
	})
	if n := len(got.LastError); n > agent.MaxMessage || !strings.HasSuffix(got.LastError, " more bytes") {
		t.Errorf("lastError is %d bytes, ending %q", n, got.LastError[max(0, n-40):])
	}
	var evs eventsv1.EventList
	waitFor(t, func() bool {
		_ = c.List(ctx, &evs, client.InNamespace("dc1"))
		return len(evs.Items) > 0
	})
	if note := evs.Items[0].Note; len(note) > agent.MaxEventNote || !strings.HasSuffix(note, " more bytes") {
		t.Errorf("event note is %d bytes: %.80q…", len(note), note)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("agent: %v", err)
	}
}
