package serve

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/performance"
	"github.com/chromedp/chromedp"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/gen"
	"underlay.dev/underlay/internal/load"
)

// TestFirstPaint1000 opens the page of a generated 1,000-device fabric
// (8 spines, 992 leaves, 7,936 links), every device reported Ready, checks
// what it shows and logs when the picture was drawn and painted, with the
// browser's own accounting of where the time went. The numbers are for
// the record (the target is 1 s): the machines this runs on are
// shared, so no test fails on a time.
func TestFirstPaint1000(t *testing.T) {
	if testing.Short() {
		t.Skip("renders 1,000 devices and starts Chromium")
	}
	url := run(t, server1000(t))
	ctx := browser(t, 90*time.Second)
	if _, err := chromedp.Call(ctx, performance.Enable, performance.EnableParams{}); err != nil {
		t.Fatalf("enabling the browser's metrics: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("opening the page: %v", err)
	}
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](`performance.getEntriesByName("topology-painted").length > 0`,
		chromedp.WithPollingTimeout(30*time.Second)))
	if err != nil {
		t.Fatalf("waiting for the topology to paint (30s): %v", err)
	}
	m := evaluate[map[string]float64](t, ctx, `(() => {
		const at = (n) => (performance.getEntriesByName(n)[0] || {startTime: -1}).startTime;
		return {fcp: at("first-contentful-paint"), drawn: at("topology-drawn"), painted: at("topology-painted"),
			nodes: document.querySelectorAll(".node").length, edges: Number(document.querySelector("svg").dataset.edges),
			bad: document.querySelectorAll("#bad-labels text").length, fetched: at("topology-fetched"),
			ready: document.querySelectorAll('.node[data-state="Ready"]').length, elements: document.querySelectorAll("*").length,
			...Object.fromEntries(performance.getEntriesByType("resource").filter((r) => r.name.endsWith("/api/topology"))
				.flatMap((r) => [["askedAt", r.startTime], ["answeredAt", r.responseEnd], ["wireBytes", r.encodedBodySize]]))};
	})()`)
	t.Logf("1,000 devices, ms after navigation start: first contentful paint %.0f, /api/topology asked %.0f, answered %.0f (%v bytes), parsed %.0f, drawn %.0f, painted %.0f (%v nodes, %v edges, %v elements)",
		m["fcp"], m["askedAt"], m["answeredAt"], m["wireBytes"], m["fetched"], m["drawn"], m["painted"], m["nodes"], m["edges"], m["elements"])
	logMetrics(t, ctx)
	if m["nodes"] != 1000 || m["ready"] != 1000 || m["edges"] != 7936 || m["bad"] != 0 {
		t.Errorf("page shows %v nodes (%v Ready) and %v edges (%v mismatched), want 1000, 1000, 7936, 0",
			m["nodes"], m["ready"], m["edges"], m["bad"])
	}
	screenshot(t, ctx, "1000-devices")
	offScreen(t, ctx)
}

// offScreen: a node far below the first screen has no text until it comes
// near the viewport, by focus (Tab scrolls to it) or by scrolling, and
// then shows its state in words.
func offScreen(t *testing.T, ctx context.Context) {
	t.Helper()
	const text = `((id) => { const s = document.querySelector("#n-" + id + " .state"); return s ? s.textContent : ""; })`
	if got := evaluate[string](t, ctx, text+`("leaf700")`); got != "" {
		t.Errorf("leaf700, far off the first screen, has text %q before it is scrolled to", got)
	}
	for _, c := range []struct{ id, how string }{
		{"leaf700", `document.getElementById("n-leaf700").focus()`},
		{"leaf992", `document.getElementById("canvas").scrollTop = 1e9`},
	} {
		evaluate[bool](t, ctx, "("+c.how+", true)")
		_, err := chromedp.Run(ctx, chromedp.Poll[bool](text+`("`+c.id+`") === "✓ Ready: Applied"`,
			chromedp.WithPollingTimeout(10*time.Second)))
		if err != nil {
			t.Errorf("%s shows no state text within 10s of %s: %v", c.id, c.how, err)
		}
	}
	if got := evaluate[string](t, ctx, `document.activeElement.id`); got != "n-leaf700" {
		t.Errorf("after its text came, the focus is on %q, want n-leaf700 (it kept the focus Tab gave it)", got)
	}
}

// logMetrics logs the browser's totals since navigation: time in script,
// style recalculation and layout, and how often it recalculated.
func logMetrics(t *testing.T, ctx context.Context) {
	t.Helper()
	ms, err := chromedp.Call(ctx, performance.GetMetrics, cdp.Empty{})
	if err != nil {
		t.Fatalf("reading the browser's metrics: %v", err)
	}
	v := map[string]float64{}
	for _, m := range ms.Metrics {
		v[m.Name] = m.Value
	}
	t.Logf("browser: task %.0f ms, script %.0f ms, style %.0f ms (%v recalcs), layout %.0f ms (%v layouts), %v DOM nodes",
		v["TaskDuration"]*1000, v["ScriptDuration"]*1000, v["RecalcStyleDuration"]*1000, v["RecalcStyleCount"],
		v["LayoutDuration"]*1000, v["LayoutCount"], v["Nodes"])
}

// server1000 serves a generated 1,000-device fabric (8 spines, 992
// leaves, 7,936 links) with every device reported Ready.
func server1000(t testing.TB) *Server {
	t.Helper()
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
	return s
}

// BenchmarkTopology1000 is the server's side of the first paint: one
// /api/topology request for 1,000 devices, as a browser asks it (gzip):
// "cached" while no status changes, "changed" after each change (one
// device's status put before every request, so the snapshot is encoded
// and compressed again).
func BenchmarkTopology1000(b *testing.B) {
	s := server1000(b)
	h := s.Handler()
	get := func(b *testing.B) int {
		w := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodGet, "http://127.0.0.1/api/topology", nil)
		r.Header.Set("Accept-Encoding", "gzip, deflate, br")
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK || w.Header().Get("Content-Encoding") != "gzip" {
			b.Fatalf("status %d, encoding %q: %s", w.Code, w.Header().Get("Content-Encoding"), w.Body)
		}
		return w.Body.Len()
	}
	b.Run("cached", func(b *testing.B) {
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			n = get(b)
		}
		b.ReportMetric(float64(n), "gzip-bytes")
	})
	b.Run("changed", func(b *testing.B) {
		nd := &v1alpha1.NetworkDevice{ObjectMeta: metav1.ObjectMeta{Name: s.topo.Nodes[0].ID}}
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			nd.Status.RollbackCount = int64(i)
			s.store.put(nd, false)
			get(b)
		}
	})
}
