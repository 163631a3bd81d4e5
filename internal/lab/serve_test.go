package lab_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/api/meta"
	kwatch "k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/agent/kube"
	"underlay.dev/underlay/internal/lab"
	"underlay.dev/underlay/internal/load"
	"underlay.dev/underlay/internal/serve"
	tbrowser "underlay.dev/underlay/internal/testutil/browser"
)

// The page's informer logs through controller-runtime's global logger;
// unset, it prints a stack trace into the test's output when the page
// stops. The page itself shows the watch's errors.
func init() { ctrllog.SetLogger(logr.Discard()) }

// pageLatencyTarget is the bound from a status write in the API to
// the page showing it. The test logs the number; it fails only at ten
// times it (the stage's deadline), since the machines it runs on are
// shared and a timed assertion would fail on their load, not on the page.
const pageLatencyTarget = time.Second

// TestServeSeedLab is `underlay serve` used as a person would, against the
// real lab: the seed lab up (real FRR, a real API server, an agent per
// device), the page open in a real Chromium with the lab's kubeconfig; the
// three devices and their sessions read off the page; leaf1's config
// broken so its agent's health gate rolls it back; the page turns leaf1
// Degraded with the stage's reason, live, and measures how long after the
// write landed in the API; a click on leaf1 shows its error. Screenshots
// are kept as artefacts ($UNDERLAY_ARTIFACTS, or go test -artifacts).
func TestServeSeedLab(t *testing.T) {
	ctx := testContext(t, 8*time.Minute)
	l := newLab(ctx, t, seedLab, 15*time.Second)
	f := fabric(t, seedLab)
	cfg := labConfig(t, l)
	url := tbrowser.Serve(t, servePage(t, cfg))
	page := tbrowser.Start(t, 4*time.Minute)
	if err := within(page, 30*time.Second, chromedp.Navigate(url), chromedp.WaitReady(`body[data-live="1"]`)); err != nil {
		t.Fatalf("opening the page and its event stream (30s): %v", err)
	}
	readyPage(t, page)
	tbrowser.Screenshot(t, page, "1-ready")

	writes := watchDevice(ctx, t, cfg, f.Namespace, "leaf1")
	tbrowser.Evaluate[bool](t, page, observeLeaf1)
	c, err := l.Client()
	if err != nil {
		t.Fatal(err)
	}
	breakLeaf1(ctx, t, c, f.Namespace)
	nd, landed := degradedWrite(ctx, t, writes, 2*time.Minute)
	shown := pageShows(t, page, nd, 10*pageLatencyTarget)
	t.Logf("status to page: leaf1 Degraded (%s) written at resourceVersion %s, seen by a watch at %s; "+
		"in the page's DOM %v later, painted %v later (target %v); leaf1 on the page went %s",
		reasonOf(nd), nd.ResourceVersion, landed.Format("15:04:05.000"), shown.dom.Sub(landed).Round(time.Millisecond),
		shown.painted.Sub(landed).Round(time.Millisecond), pageLatencyTarget, strings.Join(shown.path, " → "))
	textFits(t, page)
	tbrowser.Screenshot(t, page, "2-leaf1-degraded")
	devicePage(t, page, nd)
	tbrowser.Screenshot(t, page, "3-leaf1-error")
	start := time.Now()
	sessionsBack(t, page, 90*time.Second)
	t.Logf("leaf1's session shown back up on the page %v after the rollback's status landed (%v after the page showed it)",
		time.Since(landed).Round(100*time.Millisecond), time.Since(start).Round(100*time.Millisecond))
	tbrowser.Screenshot(t, page, "4-leaf1-sessions-back")
}

// labConfig is the lab's admin kubeconfig, read as `underlay serve
// --kubeconfig` reads it.
func labConfig(t *testing.T, l *lab.Lab) *rest.Config {
	t.Helper()
	cfg, err := clientcmd.BuildConfigFromFlags("", filepath.Join(l.Dir, lab.AdminKubeconfig))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// servePage is the page of the seed lab's intent, rendered as the CLI
// renders it, watching the lab's API server.
func servePage(t *testing.T, cfg *rest.Config) *serve.Server {
	t.Helper()
	lf, err := load.File(seedLab)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := load.Tree(lf)
	if err != nil {
		t.Fatal(err)
	}
	s, err := serve.New(serve.Options{Tree: tree, Config: cfg, Loopback: true, Log: testWriter{t}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// within runs actions on the page with a deadline of their own.
func within(page context.Context, d time.Duration, actions ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(page, d)
	defer cancel()
	return chromedp.Do(ctx, actions...)
}

// readyPage reads the converged lab off the page: every device Ready with
// the reason, its sessions reported against the intent's, every link's
// session up, the summary.
func readyPage(t *testing.T, page context.Context) {
	t.Helper()
	nodes := tbrowser.Evaluate[[]string](t, page, `[...document.querySelectorAll(".node")].map(g =>
		g.dataset.id + ": " + g.querySelector(".state").textContent + " | " + g.querySelector(".rev").textContent.replace(/rev \w+ · /, ""))`)
	want := []string{"spine: ✓ Ready: Applied | BGP 2/2", "leaf1: ✓ Ready: Applied | BGP 1/1", "leaf2: ✓ Ready: Applied | BGP 1/1"}
	if strings.Join(nodes, "\n") != strings.Join(want, "\n") {
		t.Errorf("devices on the page:\n%s\nwant\n%s", strings.Join(nodes, "\n"), strings.Join(want, "\n"))
	}
	links := tbrowser.Evaluate[[]string](t, page, `[...document.querySelectorAll(".elabel")].map(l => l.textContent)`)
	if got, want := strings.Join(links, " | "), "1 BGP ✓ | 1 BGP ✓"; got != want {
		t.Errorf("links on the page: %q, want %q", got, want)
	}
	if got := tbrowser.Evaluate[string](t, page, `document.getElementById("summary").textContent`); got != "3 devices: 3 Ready" {
		t.Errorf("summary on the page: %q, want %q", got, "3 devices: 3 Ready")
	}
}

// observeLeaf1 records, in the page, every state leaf1 is drawn in and the
// wall-clock time (the test's clock: same machine) its node first shows
// Degraded in the DOM and two frames later, when it is painted.
const observeLeaf1 = `(() => {
	const seen = window.leaf1 = { path: [] };
	const check = () => {
		const g = document.getElementById("n-leaf1"), text = g.querySelector(".state").textContent;
		if (seen.path[seen.path.length - 1] !== text) seen.path.push(text);
		if (seen.dom || g.dataset.state !== "Degraded") return;
		Object.assign(seen, { dom: Date.now(), rv: g.dataset.rv, text });
		requestAnimationFrame(() => requestAnimationFrame(() => { seen.painted = Date.now(); }));
	};
	check();
	new MutationObserver(check).observe(document.getElementById("canvas"),
		{ subtree: true, attributes: true, childList: true, characterData: true });
	return true;
})()`

// write is one NetworkDevice as a watch saw it, and when.
type write struct {
	nd *v1alpha1.NetworkDevice
	at time.Time
}

// watchDevice watches one NetworkDevice from now on (after the current
// state, which comes first) with its own connection, and stamps each event
// on arrival: that is when a write has landed in the API.
func watchDevice(ctx context.Context, t *testing.T, cfg *rest.Config, namespace, name string) <-chan write {
	t.Helper()
	scheme, err := kube.Scheme()
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.NewWithWatch(cfg, client.Options{Scheme: scheme})
	if err != nil {
		t.Fatal(err)
	}
	w, err := c.Watch(ctx, &v1alpha1.NetworkDeviceList{}, client.InNamespace(namespace), client.MatchingFields{"metadata.name": name})
	if err != nil {
		t.Fatalf("watching NetworkDevice %s: %v", name, err)
	}
	t.Cleanup(w.Stop)
	out := make(chan write, 64)
	go func() {
		defer close(out)
		for ev := range w.ResultChan() {
			if nd, ok := ev.Object.(*v1alpha1.NetworkDevice); ok && ev.Type != kwatch.Error {
				out <- write{nd, time.Now()}
			}
		}
	}()
	return out
}

// degradedWrite waits for the first write that says Degraded and returns
// it with when it landed.
func degradedWrite(ctx context.Context, t *testing.T, writes <-chan write, d time.Duration) (*v1alpha1.NetworkDevice, time.Time) {
	t.Helper()
	deadline := time.After(d)
	for {
		select {
		case w, ok := <-writes:
			if !ok {
				t.Fatal("the watch on leaf1 ended before it turned Degraded")
			}
			if meta.IsStatusConditionTrue(w.nd.Status.Conditions, v1alpha1.ConditionDegraded) {
				return w.nd, w.at
			}
		case <-deadline:
			t.Fatalf("waiting for leaf1's agent to report Degraded after its broken config (%v)", d)
		case <-ctx.Done():
			t.Fatalf("waiting for leaf1's agent to report Degraded after its broken config: %v", ctx.Err())
		}
	}
}

func reasonOf(nd *v1alpha1.NetworkDevice) string {
	if c := meta.FindStatusCondition(nd.Status.Conditions, v1alpha1.ConditionDegraded); c != nil {
		return c.Reason
	}
	return ""
}

// observed is window.leaf1 (observeLeaf1): times in Unix milliseconds.
type observed struct {
	DOM     int64    `json:"dom"`
	Painted int64    `json:"painted"`
	RV      string   `json:"rv"`
	Text    string   `json:"text"`
	Path    []string `json:"path"`
}

// shown is what the page's observer recorded of leaf1.
type shown struct {
	dom, painted time.Time
	path         []string
}

// pageShows waits for the page to show leaf1 Degraded and checks it shows
// the write nd, with its reason as text.
func pageShows(t *testing.T, page context.Context, nd *v1alpha1.NetworkDevice, d time.Duration) shown {
	t.Helper()
	_, err := chromedp.Run(page, chromedp.Poll[bool](`!!(window.leaf1.dom && window.leaf1.painted)`,
		chromedp.WithPollingInterval(10*time.Millisecond), chromedp.WithPollingTimeout(d)))
	if err != nil {
		t.Fatalf("waiting for the page to show leaf1 Degraded (%v after the API has it): %v", d, err)
	}
	rec := tbrowser.Evaluate[observed](t, page, `window.leaf1`)
	if rec.RV != nd.ResourceVersion {
		t.Errorf("the page first showed leaf1 Degraded at resourceVersion %s, the API's first Degraded write is %s", rec.RV, nd.ResourceVersion)
	}
	if want := "✕ Degraded: " + reasonOf(nd); rec.Text != want || reasonOf(nd) != v1alpha1.ReasonHealthCheckFailed {
		t.Errorf("leaf1 on the page reads %q (the API's reason %q), want %q with the health gate's stage", rec.Text, reasonOf(nd), want)
	}
	return shown{time.UnixMilli(rec.DOM), time.UnixMilli(rec.Painted), rec.Path}
}

// sessionsBack waits for the page to show leaf1's session up again on
// the config it rolled back to, leaf1 still Degraded (its desired
// revision was refused): the agent follows a rollback up with the sessions
// as they come back, so the link does not stay red until the next apply.
func sessionsBack(t *testing.T, page context.Context, d time.Duration) {
	t.Helper()
	_, err := chromedp.Run(page, chromedp.Poll[bool](`(() => {
		const g = document.getElementById("n-leaf1"), label = document.getElementById("l0").textContent;
		return g.dataset.state === "Degraded" && g.querySelector(".rev").textContent.endsWith("BGP 1/1") && label === "1 BGP ✓";
	})()`, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(d)))
	if err != nil {
		now := tbrowser.Evaluate[string](t, page, `document.getElementById("n-leaf1").getAttribute("aria-label") + " | link: " + document.getElementById("l0").textContent`)
		t.Fatalf("waiting for the page to show leaf1's session back up after the rollback (%v): %v; the page shows %s", d, err, now)
	}
}

// textFits checks every line of every node lies inside the node's box: a
// reason cut off at the border is not read.
func textFits(t *testing.T, page context.Context) {
	t.Helper()
	over := tbrowser.Evaluate[[]string](t, page, `[...document.querySelectorAll(".node")].flatMap(g => {
		const w = g.querySelector("rect").getBBox().width;
		return [...g.querySelectorAll("text")].filter(x => { const b = x.getBBox(); return b.x + b.width > w; })
			.map(x => g.dataset.id + ": " + x.textContent);
	})`)
	if len(over) > 0 {
		t.Errorf("text runs out of its node's box: %s", strings.Join(over, "; "))
	}
}

// devicePage clicks leaf1 and reads its panel: the state, the stage's
// reason, the rollback and the agent's error, each as the API has them.
func devicePage(t *testing.T, page context.Context, nd *v1alpha1.NetworkDevice) {
	t.Helper()
	if err := within(page, 10*time.Second, chromedp.Click("#n-leaf1"), chromedp.WaitVisible("#panel"),
		chromedp.WaitVisible("#dev-files details")); err != nil {
		t.Fatalf("clicking leaf1 and waiting for its page (10s): %v", err)
	}
	fact := func(k string) string {
		return tbrowser.Evaluate[string](t, page, `document.querySelector('dd[data-fact="`+k+`"]').textContent`)
	}
	if got := fact("State"); got != "✕ Degraded" {
		t.Errorf("leaf1's page: State %q, want ✕ Degraded", got)
	}
	if got := fact("Reason"); got != reasonOf(nd) {
		t.Errorf("leaf1's page: Reason %q, want %q", got, reasonOf(nd))
	}
	if got := fact("Rollbacks"); got == "0" || got == "" {
		t.Errorf("leaf1's page: Rollbacks %q after a rollback", got)
	}
	errText := tbrowser.Evaluate[string](t, page, `document.getElementById("dev-error").textContent`)
	if nd.Status.LastError == "" || !strings.Contains(errText, nd.Status.LastError) {
		t.Errorf("leaf1's page shows the error %q, the agent reported %q", errText, nd.Status.LastError)
	}
	t.Logf("leaf1's page: %s; error: %s", fact("Message"), errText)
}
