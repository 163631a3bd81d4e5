package fleet

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/bundle"
	"underlay.dev/underlay/internal/testutil/apiserver"
)

func cond(typ string, status metav1.ConditionStatus, reason string) metav1.Condition {
	return metav1.Condition{Type: typ, Status: status, Reason: reason, Message: typ + " " + reason}
}

func TestSummary(t *testing.T) {
	peers := []v1alpha1.PeerStatus{{Peer: "swp1", State: "Active", Expected: true}, {Peer: "swp2", State: "Established", Expected: true}}
	history := []v1alpha1.ApplyRecord{{Revision: "sha256:2", Outcome: "RolledBack", Reason: v1alpha1.ReasonHealthCheckFailed,
		Time: metav1.Time{Time: applied}, Duration: metav1.Duration{Duration: 31 * time.Second}}}
	full := v1alpha1.NetworkDeviceStatus{DesiredRevision: "sha256:2", DesiredSince: &metav1.Time{Time: applied},
		AppliedRevision: "sha256:1", SessionsEstablished: ptr(int32(1)), SessionsExpected: ptr(int32(2)), Peers: peers,
		RollbackCount: 3, LastError: "health gate: swp1 not Established", History: history,
		AppliedTime: &metav1.Time{Time: applied}}
	tests := []struct {
		name   string
		status v1alpha1.NetworkDeviceStatus
		conds  []metav1.Condition
		want   Device
	}{
		{name: "never reported", want: Device{Ready: metav1.ConditionUnknown}},
		{name: "ready: its reason", conds: []metav1.Condition{cond(v1alpha1.ConditionReady, metav1.ConditionTrue, v1alpha1.ReasonApplied)},
			want: Device{Ready: metav1.ConditionTrue, Reason: v1alpha1.ReasonApplied, Message: "Ready Applied"}},
		{name: "degraded: its reason over ready's", status: full, conds: []metav1.Condition{
			cond(v1alpha1.ConditionReady, metav1.ConditionFalse, v1alpha1.ReasonRolledBack),
			cond(v1alpha1.ConditionDegraded, metav1.ConditionTrue, v1alpha1.ReasonHealthCheckFailed)},
			want: Device{Ready: metav1.ConditionFalse, Degraded: true, Reason: v1alpha1.ReasonHealthCheckFailed,
				Message: "Degraded HealthCheckFailed", SessionsReported: true, SessionsEstablished: 1, SessionsExpected: 2, Peers: peers,
				DesiredRevision: "sha256:2", DesiredSince: applied, AppliedRevision: "sha256:1", History: history,
				LastApplyDuration: 31 * time.Second, AppliedTime: applied, RollbackCount: 3, LastError: "health gate: swp1 not Established"}},
		{name: "no longer degraded: ready's reason", conds: []metav1.Condition{
			cond(v1alpha1.ConditionDegraded, metav1.ConditionFalse, v1alpha1.ReasonApplied),
			cond(v1alpha1.ConditionReady, metav1.ConditionTrue, v1alpha1.ReasonDriftCorrected)},
			want: Device{Ready: metav1.ConditionTrue, Reason: v1alpha1.ReasonDriftCorrected, Message: "Ready DriftCorrected"}},
		{name: "degraded before any ready", conds: []metav1.Condition{
			cond(v1alpha1.ConditionDegraded, metav1.ConditionTrue, v1alpha1.ReasonPrecheckFailed)},
			want: Device{Ready: metav1.ConditionUnknown, Degraded: true, Reason: v1alpha1.ReasonPrecheckFailed, Message: "Degraded PrecheckFailed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := v1alpha1.NetworkDevice{ObjectMeta: metav1.ObjectMeta{Namespace: "dc1", Name: "leaf1"},
				Spec: v1alpha1.NetworkDeviceSpec{Platform: "sonic"}, Status: tt.status}
			d.Status.Conditions = tt.conds
			tt.want.Namespace, tt.want.Name, tt.want.Platform = "dc1", "leaf1", "sonic"
			if diff := cmp.Diff(tt.want, Summary(&d)); diff != "" {
				t.Errorf("Summary (-want +got):\n%s", diff)
			}
		})
	}
}

// applied is when seed's leaf1 last applied, in whole seconds as the API
// server keeps it.
var applied = time.Date(2026, 12, 1, 23, 59, 58, 0, time.UTC)

// seed creates the devices, each "namespace/name/fabric", and reports
// leaf1 degraded, as its agent would.
func seed(t *testing.T, c client.Client, devs ...string) {
	t.Helper()
	ctx := context.Background()
	namespaces := map[string]bool{}
	for _, d := range devs {
		f := strings.Split(d, "/")
		if !namespaces[f[0]] {
			namespaces[f[0]] = true
			if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: f[0]}}); err != nil {
				t.Fatal(err)
			}
		}
		nd := &v1alpha1.NetworkDevice{ObjectMeta: metav1.ObjectMeta{Namespace: f[0], Name: f[1],
			Labels: map[string]string{bundle.LabelFabric: f[2]}}, Spec: v1alpha1.NetworkDeviceSpec{Fabric: f[2], Platform: "nvue"}}
		if err := c.Create(ctx, nd); err != nil {
			t.Fatal(err)
		}
		if f[1] != "leaf1" {
			continue
		}
		nd.Status = v1alpha1.NetworkDeviceStatus{AppliedRevision: "sha256:1", SessionsExpected: ptr(int32(2)), AppliedTime: &metav1.Time{Time: applied}}
		meta.SetStatusCondition(&nd.Status.Conditions, cond(v1alpha1.ConditionDegraded, metav1.ConditionTrue, v1alpha1.ReasonHealthCheckFailed))
		if err := c.Status().Update(ctx, nd); err != nil {
			t.Fatal(err)
		}
	}
}

// reversed hands back every list in reverse, as a cache (an informer's,
// which a server would read) may order it any way.
type reversed struct{ client.Reader }

func (r reversed) List(ctx context.Context, list client.ObjectList, opts ...client.ListOption) error {
	if err := r.Reader.List(ctx, list, opts...); err != nil {
		return err
	}
	l := list.(*v1alpha1.NetworkDeviceList)
	for i, j := 0, len(l.Items)-1; i < j; i, j = i+1, j-1 {
		l.Items[i], l.Items[j] = l.Items[j], l.Items[i]
	}
	return nil
}

func TestListAgainstTheAPIServer(t *testing.T) {
	c, err := Client(apiserver.Start(t))
	if err != nil {
		t.Fatal(err)
	}
	seed(t, c, "dc2/spine1/dc2", "dc1/spine1/dc1", "dc1/leaf1/dc1", "lab/leaf1/dc1", "lab/edge/edge")
	tests := []struct {
		name string
		sel  Selector
		want string
	}{
		{name: "everything", want: "dc1/leaf1 dc1/spine1 dc2/spine1 lab/edge lab/leaf1"},
		{name: "namespace", sel: Selector{Namespace: "lab"}, want: "lab/edge lab/leaf1"},
		{name: "fabric across namespaces", sel: Selector{Fabric: "dc1"}, want: "dc1/leaf1 dc1/spine1 lab/leaf1"},
		{name: "fabric in a namespace", sel: Selector{Namespace: "lab", Fabric: "dc1"}, want: "lab/leaf1"},
		{name: "no such fabric", sel: Selector{Fabric: "dc9"}, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, r := range []client.Reader{c, reversed{c}} {
				devs, err := List(context.Background(), r, tt.sel)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, d := range devs {
					got = append(got, d.Namespace+"/"+d.Name)
				}
				if strings.Join(got, " ") != tt.want {
					t.Errorf("%T: devices %s, want %s", r, got, tt.want)
				}
			}
		})
	}
	devs, err := List(context.Background(), c, Selector{Namespace: "dc1"})
	if err != nil {
		t.Fatal(err)
	}
	want := []Device{{Namespace: "dc1", Name: "leaf1", Platform: "nvue", Ready: metav1.ConditionUnknown, Degraded: true,
		Reason: v1alpha1.ReasonHealthCheckFailed, Message: "Degraded HealthCheckFailed", SessionsReported: true, SessionsExpected: 2,
		AppliedRevision: "sha256:1", AppliedTime: applied},
		{Namespace: "dc1", Name: "spine1", Platform: "nvue", Ready: metav1.ConditionUnknown}}
	if diff := cmp.Diff(want, Summaries(devs)); diff != "" {
		t.Errorf("what the agent wrote, read back (-want +got):\n%s", diff)
	}
	testListError(t, c)
}

// testListError: a failed list says what failed and wraps the cause.
func testListError(t *testing.T, c client.Client) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := List(ctx, c, Selector{})
	if !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "listing NetworkDevices: ") {
		t.Errorf("cancelled list: %v", err)
	}
}

// TestSortBy: every key orders stably, ties by namespace and name, and an
// unknown key is an error naming the keys.
func TestSortBy(t *testing.T) {
	t0 := applied
	devs := []Device{
		{Namespace: "dc1", Name: "spine", Reason: "Applied", SessionsExpected: 4, SessionsEstablished: 4, AppliedTime: t0.Add(2 * time.Second)},
		{Namespace: "dc1", Name: "leaf2", Degraded: true, Reason: "HealthCheckFailed", SessionsExpected: 2, AppliedTime: t0},
		{Namespace: "dc1", Name: "leaf1", Reason: "Applied", SessionsExpected: 2, SessionsEstablished: 1, AppliedTime: t0.Add(time.Second)},
		{Namespace: "dc0", Name: "edge", Degraded: true, Reason: "ApplyFailed"},
	}
	tests := []struct{ key, want string }{
		{"name", "dc0/edge dc1/leaf1 dc1/leaf2 dc1/spine"},
		{"reason", "dc0/edge dc1/leaf2 dc1/leaf1 dc1/spine"},
		{"sessions", "dc1/leaf2 dc1/leaf1 dc0/edge dc1/spine"},
		{"applied", "dc0/edge dc1/leaf2 dc1/leaf1 dc1/spine"},
	}
	for _, tt := range tests {
		got := slices.Clone(devs)
		if err := SortBy(got, tt.key); err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, d := range got {
			names = append(names, d.Namespace+"/"+d.Name)
		}
		if strings.Join(names, " ") != tt.want {
			t.Errorf("sort by %s: %s, want %s", tt.key, names, tt.want)
		}
	}
	if err := SortBy(devs, "age"); err == nil || !strings.Contains(err.Error(), "name, reason, sessions, applied") {
		t.Errorf("unknown key: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }
