package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/agent/kube"
	"underlay.dev/underlay/internal/testutil/apiserver"
	"underlay.dev/underlay/internal/testutil/golden"
)

// statusDevice is one NetworkDevice as an agent would leave it.
type statusDevice struct {
	ns, name, fabric string
	status           v1alpha1.NetworkDeviceStatus
	conds            []metav1.Condition
}

const rev = "sha256:abcdef0123456789"

// statusDevices cover every column's cases: healthy, degraded with a long
// error, never reported, and another fabric in another namespace.
var statusDevices = []statusDevice{
	{ns: "dc1", name: "spine", fabric: "dc1", status: v1alpha1.NetworkDeviceStatus{DesiredRevision: rev, AppliedRevision: rev,
		SessionsEstablished: ptr(int32(2)), SessionsExpected: ptr(int32(2)), History: took(412 * time.Millisecond), RollbackCount: 1},
		conds: []metav1.Condition{{Type: v1alpha1.ConditionReady, Status: metav1.ConditionTrue, Reason: v1alpha1.ReasonApplied}}},
	{ns: "dc1", name: "leaf1", fabric: "dc1", status: v1alpha1.NetworkDeviceStatus{DesiredRevision: rev, AppliedRevision: rev,
		SessionsEstablished: ptr(int32(2)), SessionsExpected: ptr(int32(2)), History: took(412 * time.Millisecond), RollbackCount: 1},
		conds: []metav1.Condition{{Type: v1alpha1.ConditionReady, Status: metav1.ConditionTrue, Reason: v1alpha1.ReasonApplied}}},
	{ns: "dc1", name: "leaf2", fabric: "dc1", status: v1alpha1.NetworkDeviceStatus{DesiredRevision: "sha256:ffff0000ffff0000ffff",
		AppliedRevision: rev, SessionsEstablished: ptr(int32(1)), SessionsExpected: ptr(int32(2)), History: took(31 * time.Second), RollbackCount: 3,
		LastError: "health gate: BGP session swp1 to spine not Established after 30s (Active)"},
		conds: []metav1.Condition{
			{Type: v1alpha1.ConditionReady, Status: metav1.ConditionFalse, Reason: v1alpha1.ReasonRolledBack},
			{Type: v1alpha1.ConditionDegraded, Status: metav1.ConditionTrue, Reason: v1alpha1.ReasonHealthCheckFailed}}},
	{ns: "dc1", name: "leaf3", fabric: "dc1"},
	{ns: "dc2", name: "border", fabric: "dc2", status: v1alpha1.NetworkDeviceStatus{DesiredRevision: "short", AppliedRevision: "short"},
		conds: []metav1.Condition{
			{Type: v1alpha1.ConditionReady, Status: metav1.ConditionTrue, Reason: v1alpha1.ReasonDriftCorrected},
			{Type: v1alpha1.ConditionDegraded, Status: metav1.ConditionFalse, Reason: v1alpha1.ReasonApplied}}},
}

// took is a history of one apply that took d.
func took(d time.Duration) []v1alpha1.ApplyRecord {
	return []v1alpha1.ApplyRecord{{Revision: rev, Outcome: "Applied", Reason: v1alpha1.ReasonApplied,
		Time: metav1.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), Duration: metav1.Duration{Duration: d}}}
}

func TestStatusTable(t *testing.T) {
	cfg := apiserver.Start(t)
	old := restConfig
	restConfig = func() (*rest.Config, error) { return cfg, nil }
	t.Cleanup(func() { restConfig = old })
	scheme, err := kube.Scheme()
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, ns := range []string{"dc1", "dc2"} {
		if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range statusDevices {
		nd := &v1alpha1.NetworkDevice{ObjectMeta: metav1.ObjectMeta{Name: d.name, Namespace: d.ns,
			Labels: map[string]string{"underlay.dev/fabric": d.fabric}}, Spec: v1alpha1.NetworkDeviceSpec{Fabric: d.fabric, Platform: "cumulus"}}
		if err := c.Create(ctx, nd); err != nil {
			t.Fatal(err)
		}
		nd.Status = d.status
		for _, cond := range d.conds {
			meta.SetStatusCondition(&nd.Status.Conditions, cond)
		}
		if err := c.Status().Update(ctx, nd); err != nil {
			t.Fatal(err)
		}
	}
	var all strings.Builder
	for _, args := range [][]string{{"status"}, {"status", "--fabric", "dc1"}, {"status", "-n", "dc2"}, {"status", "--fabric", "none"},
		{"status", "--sort-by", "reason"}, {"status", "--sort-by", "sessions"}} {
		code, stdout, stderr := run(t, args...)
		if code != 0 || stderr != "" {
			t.Fatalf("%s: exit %d\n%s%s", args, code, stdout, stderr)
		}
		all.WriteString("$ underlay " + strings.Join(args, " ") + "\n" + stdout)
	}
	golden.Assert(t, "TestStatusTable.txt", []byte(all.String()))
	testStatusEncoded(t, c)
}

// testStatusEncoded checks -o json and -o yaml print the NetworkDevices
// as the API server returns them, in namespace and name order.
func testStatusEncoded(t *testing.T, c client.Client) {
	code, stdout, _ := run(t, "status", "-o", "json", "-n", "dc1")
	var got []v1alpha1.NetworkDevice
	if code != 0 || json.Unmarshal([]byte(stdout), &got) != nil || !strings.HasPrefix(stdout, "[\n  {\n") {
		t.Fatalf("json: exit %d\n%s", code, stdout)
	}
	var names []string
	for _, d := range got {
		names = append(names, d.Namespace+"/"+d.Name+"/"+d.Status.AppliedRevision)
	}
	if want := "dc1/leaf1/" + rev + " dc1/leaf2/" + rev + " dc1/leaf3/ dc1/spine/" + rev; strings.Join(names, " ") != want {
		t.Errorf("json devices %s, want %s", names, want)
	}
	code, stdout, _ = run(t, "status", "-o", "yaml", "--fabric", "dc2")
	if code != 0 || !strings.HasPrefix(stdout, "- apiVersion: underlay.dev/v1alpha1\n  kind: NetworkDevice\n") || !strings.Contains(stdout, "    appliedRevision: short\n") {
		t.Errorf("yaml: exit %d\n%s", code, stdout)
	}
}

// TestTruncateKeepsUTF8: the LAST ERROR column is cut by characters; the
// byte cut it replaced split "é" in two.
func TestTruncateKeepsUTF8(t *testing.T) {
	got := truncate(strings.Repeat("é", 70), 60)
	if !utf8.ValidString(got) || utf8.RuneCountInString(got) != 60 {
		t.Errorf("truncate = %q (%d runes, valid %t)", got, utf8.RuneCountInString(got), utf8.ValidString(got))
	}
	if got := truncate("short", 60); got != "short" {
		t.Errorf("truncate(short) = %q", got)
	}
}

func ptr[T any](v T) *T { return &v }
