package kube

import (
	"context"
	"errors"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/agent"
	"underlay.dev/underlay/internal/agent/driver"
	"underlay.dev/underlay/internal/expect"
)

// TestStatusWritesOnlyChanges: every change is one patch of the status
// subresource, a repeated report is none, and a field that empties (the
// last error after a good apply) is emptied on the server too.
func TestStatusWritesOnlyChanges(t *testing.T) {
	_, c := startAPI(t)
	ctx := context.Background()
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "dc1"}}); err != nil {
		t.Fatal(err)
	}
	rep := &Reporter{Client: c, Device: "leaf1", Namespace: "dc1", Platform: "cumulus"}
	st := &driver.State{Sessions: map[string]string{"swp1": "Established"},
		Peers: map[string]driver.Peer{"swp1": {Description: "spine:swp1", EstablishedSince: t0, PrefixesReceived: 2}}}
	exp := []expect.Session{{Neighbor: "swp1", Peer: "spine"}}
	steps := []struct {
		name   string
		report func()
		writes int // patches so far
	}{
		{"desired", func() { rep.Desired(ctx, "r1") }, 1},
		{"desired again", func() { rep.Desired(ctx, "r1") }, 1},
		{"applied", func() { rep.Result(ctx, agent.Result{Revision: "r1", Outcome: agent.Applied}, st, exp) }, 2},
		{"unchanged", func() { rep.Result(ctx, agent.Result{Revision: "r1", Outcome: agent.Unchanged}, st, exp) }, 2},
		{"rolled back", func() {
			rep.Desired(ctx, "r2")
			rep.Result(ctx, agent.Result{Revision: "r2", Outcome: agent.RolledBack, Stage: agent.StageHealth, Err: errors.New("health gate")}, st, exp)
		}, 4},
		{"the same drift twice", func() {
			res := agent.Result{Revision: "r1", Outcome: agent.DriftDetected, Err: errors.New("diff")}
			rep.Result(ctx, res, st, exp)
			rep.Result(ctx, res, st, exp)
		}, 5},
		{"applied again", func() { rep.Result(ctx, agent.Result{Revision: "r2", Outcome: agent.Applied}, st, exp) }, 6},
	}
	for _, s := range steps {
		s.report()
		if got := rep.Writes(); got != s.writes {
			t.Errorf("%s: %d writes so far, want %d", s.name, got, s.writes)
		}
	}
	var nd v1alpha1.NetworkDevice
	if err := c.Get(ctx, client.ObjectKey{Namespace: "dc1", Name: "leaf1"}, &nd); err != nil {
		t.Fatal(err)
	}
	s := nd.Status
	if s.LastError != "" || s.AppliedRevision != "r2" || s.RollbackCount != 1 || len(s.History) != 4 || readyReason(s) != "Applied" {
		t.Errorf("status on the server: %+v", s)
	}
	if len(s.Peers) != 1 || s.Peers[0].EstablishedSince == nil || !s.Peers[0].EstablishedSince.Time.Equal(t0) || *s.SessionsExpected != 1 {
		t.Errorf("peers on the server: %+v", s.Peers)
	}
	if s.DesiredSince == nil || time.Since(s.DesiredSince.Time) > time.Minute || s.AppliedTime == nil {
		t.Errorf("times: desired since %v, applied %v", s.DesiredSince, s.AppliedTime)
	}
	testConfigMissing(t, c)
}

// testConfigMissing: no ConfigMap and nothing ever applied is
// WaitingForConfig, not Degraded; a ConfigMap gone after an apply is
// Degraded ConfigMapMissing.
func testConfigMissing(t *testing.T, c client.Client) {
	ctx := context.Background()
	for _, tt := range []struct{ device, good, ready, degraded string }{
		{"leaf2", "", v1alpha1.ReasonWaitingForConfig, ""},
		{"leaf3", "r1", "", v1alpha1.ReasonConfigMissing},
	} {
		rep := &Reporter{Client: c, Device: tt.device, Namespace: "dc1"}
		rep.ConfigMissing(ctx, tt.good)
		var nd v1alpha1.NetworkDevice
		if err := c.Get(ctx, client.ObjectKey{Namespace: "dc1", Name: tt.device}, &nd); err != nil {
			t.Fatal(err)
		}
		if readyReason(nd.Status) != tt.ready || reason(nd.Status, v1alpha1.ConditionDegraded) != tt.degraded {
			t.Errorf("%s: Ready %q, Degraded %q; want %q, %q", tt.device, readyReason(nd.Status),
				reason(nd.Status, v1alpha1.ConditionDegraded), tt.ready, tt.degraded)
		}
	}
}
