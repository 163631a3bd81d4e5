package serve

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/gen"
	"underlay.dev/underlay/internal/load"
)

// firstPaintTarget is the target for 1,000 devices. The test
// fails only at ten times it: the machines it runs on are shared (a load
// of 20 on 2 cores makes even the header's first paint take a second), so
// the number is logged for the record and the guard catches regressions
// of an order of magnitude.
const firstPaintTarget = time.Second

// TestFirstPaint1000 opens the page of a generated 1,000-device fabric
// (8 spines, 992 leaves, 7,936 links), every device reported Ready, and
// measures in the browser when the picture is drawn and painted.
func TestFirstPaint1000(t *testing.T) {
	if testing.Short() {
		t.Skip("renders 1,000 devices and starts Chromium")
	}
	var src bytes.Buffer
	if err := (gen.Clos{Spines: 8, Leaves: 992}).Write(&src); err != nil {
		t.Fatal(err)
	}
	f, err := load.Bytes("gen.yaml", src.Bytes(), nil)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := load.Tree(f)
	if err != nil {
		t.Fatal(err)
	}
	s := newServer(t, tree, nil)
	for _, d := range tree.Fabric.Devices {
		nd := &v1alpha1.NetworkDevice{ObjectMeta: metav1.ObjectMeta{Name: d.Name}}
		n := 0
		for _, s := range d.Sessions() {
			if s.Fabric() {
				n++
			}
		}
		setSessions(&nd.Status, fmt.Sprintf("%d/%d", n, n))
		nd.Status.AppliedRevision, nd.Status.DesiredRevision = rev1, rev1
		meta.SetStatusCondition(&nd.Status.Conditions, metav1.Condition{Type: v1alpha1.ConditionReady,
			Status: metav1.ConditionTrue, Reason: v1alpha1.ReasonApplied})
		s.store.put(nd, false)
	}
	url := run(t, s)
	ctx := browser(t, 90*time.Second)
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("opening the page: %v", err)
	}
	_, err = chromedp.Run(ctx, chromedp.Poll[bool](`performance.getEntriesByName("topology-painted").length > 0`,
		chromedp.WithPollingTimeout(30*time.Second)))
	if err != nil {
		t.Fatalf("waiting for the topology to paint (30s): %v", err)
	}
	m := evaluate[map[string]float64](t, ctx, `(() => {
		const at = (n) => (performance.getEntriesByName(n)[0] || {startTime: -1}).startTime;
		return {fcp: at("first-contentful-paint"), drawn: at("topology-drawn"), painted: at("topology-painted"),
			nodes: document.querySelectorAll(".node").length, edges: Number(document.querySelector("svg").dataset.edges), bad: document.querySelectorAll("#bad-labels text").length, fetched: at("topology-fetched"),
			ready: document.querySelectorAll('.node[data-state="Ready"]').length};
	})()`)
	t.Logf("1,000 devices: first contentful paint %.0f ms, topology fetched %.0f ms, drawn %.0f ms, painted %.0f ms after navigation start (%v nodes, %v edges)",
		m["fcp"], m["fetched"], m["drawn"], m["painted"], m["nodes"], m["edges"])
	if m["nodes"] != 1000 || m["ready"] != 1000 || m["edges"] != 7936 || m["bad"] != 0 {
		t.Errorf("page shows %v nodes (%v Ready) and %v edges (%v mismatched), want 1000, 1000, 7936, 0",
			m["nodes"], m["ready"], m["edges"], m["bad"])
	}
	switch got := time.Duration(m["painted"] * float64(time.Millisecond)); {
	case got > 10*firstPaintTarget:
		t.Errorf("topology painted %v after navigation, want under %v (target %v)", got, 10*firstPaintTarget, firstPaintTarget)
	case got > firstPaintTarget:
		t.Logf("over the %v target: %v (first contentful paint of the header alone: %.0f ms)", firstPaintTarget, got, m["fcp"])
	}
	screenshot(t, ctx, "1000-devices")
}
