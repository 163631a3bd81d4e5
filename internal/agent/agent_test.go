package agent

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"underlay.dev/underlay/internal/agent/agenttest"
	"underlay.dev/underlay/internal/agent/driver"
	"underlay.dev/underlay/internal/agent/store"
)

type fakeDevice = agenttest.Device

var cfg = agenttest.Files

func newEngine(t *testing.T, dev *fakeDevice) *Engine {
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return &Engine{Driver: dev, Prober: dev, Store: st, HealthTimeout: 300 * time.Millisecond, PollInterval: 20 * time.Millisecond, Device: "d"}
}

func TestApplySteps(t *testing.T) {
	dev := &fakeDevice{}
	e := newEngine(t, dev)
	ctx := context.Background()
	steps := []struct {
		rev     string
		files   store.Files
		want    Outcome
		reason  string // Degraded's
		ready   string // Ready's
		running string
	}{
		{"r1", cfg("good 1"), Applied, "Applied", "Applied", "good 1"},
		{"r1", cfg("good 1"), Unchanged, "Applied", "Applied", "good 1"},
		{"r2", store.Files{"frr.conf": []byte("x"), "../../etc/shadow": []byte("x")}, Rejected, "ValidationFailed", "ValidationFailed", "good 1"},
		{"r3", store.Files{"frr.conf": []byte("x"), "daemons": []byte("x")}, Rejected, "ValidationFailed", "ValidationFailed", "good 1"},
		{"r4", cfg("syntax error"), Rejected, "PrecheckFailed", "PrecheckFailed", "good 1"},
		{"r5", store.Files{"frr.conf": []byte("x"), "expect.json": []byte("{")}, Rejected, "ValidationFailed", "ValidationFailed", "good 1"},
		{"r6", cfg("break the sessions"), RolledBack, "HealthCheckFailed", "RolledBack", "good 1"},
		{"r7", cfg("good 2"), Applied, "Applied", "Applied", "good 2"},
	}
	for _, s := range steps {
		res := e.Apply(ctx, s.rev, s.files)
		if res.Outcome != s.want || dev.Running() != s.running {
			t.Fatalf("%s: outcome %s (%v), running %q; want %s, %q", s.rev, res.Outcome, res.Err, dev.Running(), s.want, s.running)
		}
		if s.want == Rejected && !errors.Is(res.Err, driver.ErrRejected) {
			t.Errorf("%s: rejection not marked: %v", s.rev, res.Err)
		}
		if r, ready := Reason(res), ReadyReason(res); r != s.reason || ready != s.ready {
			t.Errorf("%s: reasons Degraded %s, Ready %s; want %s, %s", s.rev, r, ready, s.reason, s.ready)
		}
	}
	if rev, _, _ := e.Store.Good(); rev != "r7" {
		t.Errorf("last-known-good is %s", rev)
	}
}

// TestFirstApplyUnhealthyRollsBackToOriginal: the device's config before
// the first apply is captured, and a first revision that fails its health
// gate rolls back to it (it was left on the broken config before).
func TestFirstApplyUnhealthyRollsBackToOriginal(t *testing.T) {
	dev := &fakeDevice{}
	ctx := context.Background()
	_ = dev.Apply(ctx, cfg("hand-made before underlay"))
	e := newEngine(t, dev)
	res := e.Apply(ctx, "r1", cfg("break"))
	if res.Outcome != RolledBack || dev.Running() != "hand-made before underlay" {
		t.Fatalf("got %s (%v), running %q", res.Outcome, res.Err, dev.Running())
	}
	// The original is captured once: a second failing first revision
	// rolls back to it too, not to what the first one left.
	if res := e.Apply(ctx, "r2", cfg("break again")); res.Outcome != RolledBack || dev.Running() != "hand-made before underlay" {
		t.Fatalf("second: %s (%v), running %q", res.Outcome, res.Err, dev.Running())
	}
	if res := e.Apply(ctx, "r3", cfg("good")); res.Outcome != Applied {
		t.Fatal(res.Err)
	}
	if rev, _, _ := e.Store.Good(); rev != "r3" {
		t.Errorf("last-known-good %q", rev)
	}
}

// noCapture is a device whose driver cannot capture its config.
type noCapture struct{ driver.Driver }

func TestFirstApplyWithoutCaptureHasNothingToRollBackTo(t *testing.T) {
	dev := &fakeDevice{}
	e := newEngine(t, dev)
	e.Driver = noCapture{dev}
	res := e.Apply(context.Background(), "r1", cfg("break"))
	if res.Outcome != Failed || !strings.Contains(res.Err.Error(), "no last-known-good") {
		t.Fatalf("got %s: %v", res.Outcome, res.Err)
	}
	if Reason(res) != "HealthCheckFailed" || ReadyReason(res) != "RollbackFailed" {
		t.Errorf("reasons Degraded %s, Ready %s; want HealthCheckFailed, RollbackFailed", Reason(res), ReadyReason(res))
	}
}

func TestRunnerCoalescesBursts(t *testing.T) {
	dev := &fakeDevice{Block: make(chan struct{})}
	results := make(chan Result, 10)
	r := &Runner{Engine: newEngine(t, dev), OnResult: func(res Result) { results <- res }}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go r.Run(ctx)
	r.Submit("r1", cfg("v1"))
	time.Sleep(50 * time.Millisecond) // r1 is now blocked inside Apply
	for i := 2; i <= 9; i++ {
		r.Submit("r"+string(rune('0'+i)), cfg("v"+string(rune('0'+i))))
	}
	close(dev.Block)
	got := []string{(<-results).Revision, (<-results).Revision}
	if got[0] != "r1" || got[1] != "r9" {
		t.Fatalf("applied %v, want [r1 r9]", got)
	}
	select {
	case res := <-results:
		t.Fatalf("extra apply of %s", res.Revision)
	case <-time.After(100 * time.Millisecond):
	}
	if dev.Applies() != 2 {
		t.Errorf("%d applies, want 2", dev.Applies())
	}
}

// TestRestartAfterCrashMidApply: a kill -9 between Begin and Commit leaves
// the in-flight marker; even the last-known-good revision is then applied
// again, because the device may hold half of the interrupted one.
func TestRestartAfterCrashMidApply(t *testing.T) {
	dev := &fakeDevice{}
	e := newEngine(t, dev)
	ctx := context.Background()
	if res := e.Apply(ctx, "r1", cfg("v1")); res.Outcome != Applied {
		t.Fatal(res.Err)
	}
	if err := e.Store.Begin("r2"); err != nil { // the crash: r2 begun, never committed
		t.Fatal(err)
	}
	_ = dev.Apply(ctx, cfg("half of v2"))
	restarted := &Engine{Driver: dev, Prober: dev, Store: e.Store, HealthTimeout: e.HealthTimeout, PollInterval: e.PollInterval}
	if res := restarted.Apply(ctx, "r1", cfg("v1")); res.Outcome != Applied || dev.Running() != "v1" {
		t.Fatalf("after the crash: %s, running %q", res.Outcome, dev.Running())
	}
	if restarted.Store.Interrupted() != "" {
		t.Error("in-flight marker left behind")
	}
}

func TestSubtractLines(t *testing.T) {
	got := subtractLines("+ timers bgp 3 9\n+ network 10.0.0.1/32", "+ timers bgp 3 9\n+ no bgp ebgp-requires-policy")
	if got != "+ network 10.0.0.1/32" {
		t.Errorf("got %q", got)
	}
}

// brokenDrift is a device whose running config cannot be read.
type brokenDrift struct{ *fakeDevice }

func (brokenDrift) Drift(context.Context, store.Files) (string, error) {
	return "", errors.New("vtysh: connection refused")
}

// TestDriftCheckFailureIsReported: a drift check that cannot read the
// device is an outcome of its own, never "no drift".
func TestDriftCheckFailureIsReported(t *testing.T) {
	dev := &fakeDevice{}
	e := newEngine(t, dev)
	e.Driver = brokenDrift{dev}
	ctx := context.Background()
	if res := e.Apply(ctx, "r1", cfg("good 1")); res.Outcome != Applied {
		t.Fatal(res.Err)
	}
	res := e.CheckDrift(ctx, DriftCorrect)
	if res.Outcome != DriftCheckFailed || res.Err == nil || !strings.Contains(res.Err.Error(), "connection refused") {
		t.Errorf("got %s, %v", res.Outcome, res.Err)
	}
}

// TestNoExpectKeepsEstablishedSessions: a config without expect.json
// (hand-made) may not take down a session that was up: it rolls back.
func TestNoExpectKeepsEstablishedSessions(t *testing.T) {
	dev := &fakeDevice{}
	e := newEngine(t, dev)
	ctx := context.Background()
	if res := e.Apply(ctx, "r1", cfg("good 1")); res.Outcome != Applied {
		t.Fatal(res.Err)
	}
	res := e.Apply(ctx, "r2", store.Files{"frr.conf": []byte("break the sessions")})
	if res.Outcome != RolledBack || !strings.Contains(res.Err.Error(), "session swp1") || dev.Running() != "good 1" {
		t.Errorf("got %s (%v), running %q", res.Outcome, res.Err, dev.Running())
	}
	if res := e.Apply(ctx, "r3", store.Files{"frr.conf": []byte("good 2")}); res.Outcome != Applied {
		t.Errorf("a harmless config without expect.json: %s (%v)", res.Outcome, res.Err)
	}
}

// TestBadExpectIsRejected: an expect.json that is present but not what
// underlay renders is Rejected before the device is touched, never read as
// "no expectations" (which passed a session-dropping config's health gate
// and committed it as last-known-good).
func TestBadExpectIsRejected(t *testing.T) {
	dev := &fakeDevice{}
	e := newEngine(t, dev)
	ctx := context.Background()
	if res := e.Apply(ctx, "r1", cfg("good 1")); res.Outcome != Applied {
		t.Fatal(res.Err)
	}
	for i, doc := range []string{
		strings.Replace(agenttest.Expect, `"sessions"`, `"sesions"`, 1),
		`{}`,
		`null`,
		strings.Replace(agenttest.Expect, `"device":"d"`, `"device":"leaf9"`, 1),
	} {
		rev := "bad" + string(rune('0'+i))
		res := e.Apply(ctx, rev, store.Files{"frr.conf": []byte("break the sessions"), "expect.json": []byte(doc)})
		if res.Outcome != Rejected || !errors.Is(res.Err, driver.ErrRejected) || dev.Running() != "good 1" {
			t.Errorf("expect.json %s: %s (%v), running %q", doc, res.Outcome, res.Err, dev.Running())
		}
	}
	if rev, _, _ := e.Store.Good(); rev != "r1" {
		t.Errorf("last-known-good is %s, want r1", rev)
	}
}
