package serve

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/fleet"
	"underlay.dev/underlay/internal/testutil/apiserver"
	tbrowser "underlay.dev/underlay/internal/testutil/browser"
)

const rev1 = "sha256:1111111aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

// readyDevice creates a NetworkDevice for name as its agent would after a
// good apply: Ready, every expected session up.
func readyDevice(t *testing.T, c client.Client, name, platform, sessions string) {
	t.Helper()
	nd := &v1alpha1.NetworkDevice{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "dc1"},
		Spec: v1alpha1.NetworkDeviceSpec{Fabric: "dc1", Platform: platform}}
	if err := c.Create(t.Context(), nd); err != nil {
		t.Fatalf("creating NetworkDevice %s: %v", name, err)
	}
	nd.Status = v1alpha1.NetworkDeviceStatus{DesiredRevision: rev1, AppliedRevision: rev1}
	setSessions(&nd.Status, sessions)
	meta.SetStatusCondition(&nd.Status.Conditions, metav1.Condition{Type: v1alpha1.ConditionReady,
		Status: metav1.ConditionTrue, Reason: v1alpha1.ReasonApplied, Message: "applied and healthy"})
	if err := c.Status().Update(t.Context(), nd); err != nil {
		t.Fatalf("status of %s: %v", name, err)
	}
}

// TestLivePage is what an operator does: open the page of the seed lab
// with its agents reporting, see three devices and their sessions, watch
// leaf1 turn Degraded with the reason without reloading, open leaf1 and
// read its error.
func TestLivePage(t *testing.T) {
	cfg := apiserver.Start(t)
	c, err := fleet.Client(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Create(t.Context(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "dc1"}}); err != nil {
		t.Fatal(err)
	}
	readyDevice(t, c, "spine", "sonic", "2/2")
	readyDevice(t, c, "leaf1", "cumulus", "1/1")
	readyDevice(t, c, "leaf2", "nvue", "1/1")
	url := start(t, loadExample(t, "seed-lab"), cfg)
	ctx := browser(t, 60*time.Second)

	if err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitReady(`body[data-live="1"]`)); err != nil {
		t.Fatalf("opening the page: %v", err)
	}
	states := evaluate[[]string](t, ctx, `[...document.querySelectorAll(".node")].map(g => g.dataset.id + "=" + g.dataset.state)`)
	edges := evaluate[[]string](t, ctx, `[...document.querySelectorAll(".elabel")].map(l => l.textContent)`)
	if got, want := strings.Join(states, " "), "spine=Ready leaf1=Ready leaf2=Ready"; got != want {
		t.Errorf("devices on the page: %s, want %s", got, want)
	}
	if got, want := strings.Join(edges, " | "), "1 BGP ✓ | 1 BGP ✓"; got != want {
		t.Errorf("links on the page: %q, want %q", got, want)
	}
	screenshot(t, ctx, "1-ready")

	latency := degradeLeaf1(t, c, ctx)
	t.Logf("status change to page: %v", latency)
	if latency > time.Second {
		t.Errorf("the page showed leaf1 Degraded %v after the status change, want within 1s", latency)
	}
	screenshot(t, ctx, "2-degraded")
	readLeaf1(t, ctx)
	screenshot(t, ctx, "4-spine-by-keyboard")
}

const leaf1Error = "health gate: session swp1 (spine) not Established within 30s; rolled back to sha256:1111111"

// degradeLeaf1 writes leaf1's status as its agent does after a rollback
// and returns how long until the page shows it.
func degradeLeaf1(t *testing.T, c client.Client, ctx context.Context) time.Duration {
	t.Helper()
	var nd v1alpha1.NetworkDevice
	if err := c.Get(t.Context(), client.ObjectKey{Namespace: "dc1", Name: "leaf1"}, &nd); err != nil {
		t.Fatal(err)
	}
	nd.Status.DesiredRevision = "sha256:2222222bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	nd.Status.LastError, nd.Status.RollbackCount = leaf1Error, 1
	setSessions(&nd.Status, "0/1")
	meta.SetStatusCondition(&nd.Status.Conditions, metav1.Condition{Type: v1alpha1.ConditionDegraded,
		Status: metav1.ConditionTrue, Reason: v1alpha1.ReasonRolledBack, Message: "rolled back: health gate failed"})
	meta.SetStatusCondition(&nd.Status.Conditions, metav1.Condition{Type: v1alpha1.ConditionReady,
		Status: metav1.ConditionFalse, Reason: v1alpha1.ReasonRolledBack, Message: "rolled back"})
	start := time.Now()
	if err := c.Status().Update(t.Context(), &nd); err != nil {
		t.Fatal(err)
	}
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](`(() => { const g = document.getElementById("n-leaf1");
		return g.dataset.state === "Degraded" && g.querySelector(".state").textContent === "✕ Degraded: RolledBack"; })()`,
		chromedp.WithPollingInterval(5*time.Millisecond), chromedp.WithPollingTimeout(5*time.Second)))
	latency := time.Since(start)
	if err != nil {
		t.Fatalf("waiting for leaf1 to show Degraded: RolledBack on the page (5s): %v", err)
	}
	label := evaluate[string](t, ctx, `document.getElementById("l0").textContent`)
	if !strings.Contains(label, "leaf1 0/1") || !strings.HasPrefix(label, "✕") {
		t.Errorf("spine–leaf1 link reads %q, want the mismatch (leaf1 0/1)", label)
	}
	return latency
}

// readLeaf1 clicks leaf1 and reads its panel; then opens the spine with the
// keyboard alone.
func readLeaf1(t *testing.T, ctx context.Context) {
	t.Helper()
	err := chromedp.Do(ctx, chromedp.Click("#n-leaf1"), chromedp.WaitVisible("#panel"), chromedp.WaitVisible("#dev-files details"))
	if err != nil {
		t.Fatalf("opening leaf1: %v", err)
	}
	errText := evaluate[string](t, ctx, `document.getElementById("dev-error").textContent`)
	rollbacks := evaluate[string](t, ctx, `document.querySelector('dd[data-fact="Rollbacks"]').textContent`)
	files := evaluate[string](t, ctx, `[...document.querySelectorAll("#dev-files summary")].map(s => s.textContent).join(" ")`)
	if errText != leaf1Error {
		t.Errorf("leaf1's panel shows the error %q, want %q", errText, leaf1Error)
	}
	if rollbacks != "1" {
		t.Errorf("leaf1's panel shows %q rollbacks, want 1", rollbacks)
	}
	if !strings.Contains(files, "frr.conf") {
		t.Errorf("leaf1's rendered files: %q, want frr.conf among them", files)
	}
	screenshot(t, ctx, "3-leaf1")
	err = chromedp.Do(ctx, chromedp.Focus("#n-spine"), chromedp.KeyEvent("\r"))
	if err != nil {
		t.Fatalf("pressing Enter on the spine: %v", err)
	}
	_, err = chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById("dev-name").textContent.startsWith("spine ")`,
		chromedp.WithPollingTimeout(2*time.Second)))
	if err != nil {
		t.Fatalf("waiting for the spine's panel after Enter (2s): %v", err)
	}
}

// evaluate runs a JavaScript expression on the page and returns its value.
func evaluate[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	return tbrowser.Evaluate[T](t, ctx, expr)
}

// setSessions writes "established/expected" into the status' counters,
// as the agent reports them.
func setSessions(st *v1alpha1.NetworkDeviceStatus, s string) {
	var est, exp int32
	if _, err := fmt.Sscanf(s, "%d/%d", &est, &exp); err != nil {
		panic("setSessions: " + s)
	}
	st.SessionsEstablished, st.SessionsExpected = &est, &exp
}
