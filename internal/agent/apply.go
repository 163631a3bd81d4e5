// Package agent applies a device's desired configuration safely: one apply
// at a time, each step small and reported — validate, pre-check, apply,
// health gate, then commit as last-known-good or roll back to it.
//
// A device is never left worse than before: a configuration that fails
// validation or the pre-check never reaches it, and one that breaks its
// sessions is replaced by the last-known-good within the health timeout.
package agent

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"underlay.dev/underlay/internal/agent/driver"
	"underlay.dev/underlay/internal/agent/store"
	"underlay.dev/underlay/internal/bundle"
	"underlay.dev/underlay/internal/expect"
)

// Outcome is how an apply ended; it becomes the device's condition reason.
type Outcome string

// Outcomes.
const (
	Applied    Outcome = "Applied"    // healthy and committed as last-known-good
	Unchanged  Outcome = "Unchanged"  // already the last-known-good revision
	Rejected   Outcome = "Rejected"   // invalid or refused by the pre-check; device untouched
	RolledBack Outcome = "RolledBack" // failed to apply or unhealthy; last-known-good restored
	Failed     Outcome = "Failed"     // failed and could not be rolled back
)

// Result reports one apply.
type Result struct {
	Revision string
	Outcome  Outcome
	// Stage is the step that failed ("" when none did); Reason maps it to
	// the condition reason.
	Stage Stage
	// RollbackFailed: the failure at Stage was not undone either.
	RollbackFailed bool
	Err            error
	Took           time.Duration
}

// Engine applies revisions to one device.
type Engine struct {
	Driver driver.Driver
	Prober driver.Prober
	Store  *store.Store
	// HealthTimeout bounds the wait for sessions and prefixes.
	HealthTimeout time.Duration
	// PollInterval is how often health is probed (default 200 ms).
	PollInterval time.Duration
	Log          *slog.Logger
	// Device is the device this engine runs on; an expect.json written
	// for another device is Rejected. "" skips that one check (tests of
	// a single engine).
	Device string
}

// Apply runs the steps for one revision. Only the drivers whose files
// differ from the last-known-good's are pre-checked and applied (see
// parts); the health gate still checks the whole device.
func (e *Engine) Apply(ctx context.Context, rev string, files store.Files) Result {
	clock := stageClock{start: time.Now()}
	res := Result{Revision: rev}
	finish := func(o Outcome, stage Stage, err error) Result {
		res.Outcome, res.Stage, res.Err, res.Took = o, stage, err, time.Since(clock.start)
		e.log().Info("apply finished", "revision", rev, "outcome", o, "stage", stage, "error", Message(err),
			"took", res.Took, "stages", clock.String())
		return res
	}
	good, goodFiles, err := e.Store.Good()
	if err != nil {
		return finish(Failed, StageApply, err)
	}
	if good == rev && e.Store.Interrupted() == "" {
		return finish(Unchanged, "", nil)
	}
	exp, err := e.validate(files)
	if err != nil {
		return finish(Rejected, StageValidate, err)
	}
	parts := e.parts(goodFiles, files)
	clock.lap(StageValidate)
	if err := parts.Precheck(ctx, files); err != nil {
		return finish(Rejected, StagePrecheck, err)
	}
	clock.lap(StagePrecheck)
	lock, err := e.Store.LockApply(ctx)
	if err != nil {
		return finish(Failed, StageApply, err)
	}
	defer lock.Close()
	ctx = driver.WithLock(ctx, lock)
	if err := e.captureOriginal(ctx, good); err != nil {
		return finish(Failed, StageApply, err)
	}
	if _, ok := files[expect.FileName]; !ok {
		exp = e.keepEstablished(ctx)
	}
	if err := e.Store.Begin(rev); err != nil {
		return finish(Failed, StageApply, err)
	}
	stage := StageApply
	err = parts.Apply(ctx, files)
	clock.lap(StageApply)
	if err == nil {
		stage, err = StageHealth, e.healthGate(ctx, exp)
		clock.lap(StageHealth)
	}
	if err == nil {
		if err := e.Store.Commit(rev, files); err != nil {
			return finish(Failed, StageApply, err)
		}
		return finish(Applied, "", nil)
	}
	if rbErr := e.rollback(ctx); rbErr != nil {
		res.RollbackFailed = true
		return finish(Failed, stage, fmt.Errorf("%w; rollback failed too: %w", err, rbErr))
	}
	return finish(RolledBack, stage, err)
}

// parts is the part of the driver that files changes: the drivers of a
// chain whose files differ from good's (the last-known-good revision's),
// or the whole driver before the first healthy apply or after an
// interrupted one, which may have left any driver half-done. A rollback
// still restores every driver.
func (e *Engine) parts(good, files store.Files) driver.Driver {
	c, ok := e.Driver.(driver.Chain)
	if !ok || good == nil || e.Store.Interrupted() != "" {
		return e.Driver
	}
	return c.Narrow(good, files)
}

// stageClock times the stages of one apply for its log line, where an
// operator reads which step a slow apply spent its time in.
type stageClock struct {
	start, last time.Time
	laps        []string
}

func (c *stageClock) lap(s Stage) {
	now := time.Now()
	from := c.last
	if from.IsZero() {
		from = c.start
	}
	c.laps = append(c.laps, fmt.Sprintf("%s %s", s, now.Sub(from).Round(time.Millisecond)))
	c.last = now
}

func (c *stageClock) String() string { return strings.Join(c.laps, ", ") }

// keepEstablished is the health gate of a config without expect.json
// (underlay always renders one; a hand-made ConfigMap may lack it): the
// sessions Established before the apply must be Established after it, so
// such a change can never leave the device worse than before.
func (e *Engine) keepEstablished(ctx context.Context) expect.Expectations {
	var exp expect.Expectations
	if e.Prober == nil {
		return exp
	}
	st, err := e.Prober.Probe(ctx)
	if err != nil {
		return exp
	}
	for n, state := range st.Sessions {
		if state == "Established" {
			exp.Sessions = append(exp.Sessions, expect.Session{Neighbor: n, Peer: "established before this apply"})
		}
	}
	sort.Slice(exp.Sessions, func(i, j int) bool { return exp.Sessions[i].Neighbor < exp.Sessions[j].Neighbor })
	e.log().Info("no expect.json: the health gate keeps the sessions established before the apply", "sessions", len(exp.Sessions))
	return exp
}

func (e *Engine) log() *slog.Logger {
	if e.Log == nil {
		return slog.Default()
	}
	return e.Log
}

// validate accepts only the keys the driver consumes plus expect.json,
// each a plain file name, and parses the expectations.
func (e *Engine) validate(files store.Files) (expect.Expectations, error) {
	var exp expect.Expectations
	allowed := map[string]bool{expect.FileName: true}
	for _, f := range e.Driver.Files() {
		allowed[f] = true
	}
	var bad []string
	for name := range files {
		if !bundle.ValidFileName(name) || !allowed[name] {
			bad = append(bad, fmt.Sprintf("%q", name))
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		return exp, fmt.Errorf("%w: unexpected keys %s (this device takes %s)", driver.ErrRejected,
			strings.Join(bad, ", "), strings.Join(e.Driver.Files(), ", ")+", "+expect.FileName)
	}
	if raw, ok := files[expect.FileName]; ok {
		// Present but bad is Rejected, never "no expectations": only an
		// absent file falls back to keepEstablished.
		exp, err := expect.Decode(raw, e.Device)
		if err != nil {
			return exp, fmt.Errorf("%w: %w", driver.ErrRejected, err)
		}
		return exp, nil
	}
	return exp, nil
}

// healthGate waits until every expected session is Established and every
// expected prefix is installed, or the timeout passes.
func (e *Engine) healthGate(ctx context.Context, exp expect.Expectations) error {
	if e.Prober == nil {
		return nil
	}
	timeout, poll := e.HealthTimeout, e.PollInterval
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	if poll == 0 {
		poll = 200 * time.Millisecond
	}
	deadline := time.Now().Add(timeout)
	for {
		st, err := e.Prober.Probe(ctx)
		missing := unmet(exp, st)
		if err == nil && len(missing) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			if err != nil {
				return fmt.Errorf("health gate: %w", err)
			}
			return fmt.Errorf("health gate: after %s still %s", timeout, strings.Join(missing, "; "))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(poll):
		}
	}
}

// unmet lists what the state lacks, briefly.
func unmet(exp expect.Expectations, st driver.State) []string {
	var out []string
	for _, s := range exp.Sessions {
		if st.Sessions[s.Neighbor] != "Established" {
			out = append(out, fmt.Sprintf("session %s (%s) is %s", s.Neighbor, s.Peer, orNone(st.Sessions[s.Neighbor])))
		}
	}
	missing := 0
	first := ""
	for _, p := range exp.Prefixes {
		if !st.Prefixes[p] {
			if missing == 0 {
				first = p
			}
			missing++
		}
	}
	if missing > 0 {
		out = append(out, fmt.Sprintf("%d expected prefix(es) missing, e.g. %s", missing, first))
	}
	return out
}

func orNone(s string) string {
	if s == "" {
		return "not configured"
	}
	return s
}

// rollback re-applies the last-known-good revision or, before the first
// healthy apply, the configuration captured before the first apply. The
// original is not underlay-rendered: it is never pre-checked, and it is
// put back with driver.Restore, which admits nothing, because admission
// must not refuse what the device ran before.
func (e *Engine) rollback(ctx context.Context) error {
	rev, files, err := e.Store.Good()
	if err != nil {
		return err
	}
	if rev == "" {
		if files, err = e.Store.Original(); err != nil {
			return err
		}
		if files == nil {
			return errors.New("no last-known-good configuration to roll back to, and the driver captured none before the first apply")
		}
		rev = store.OriginalRevision
	}
	e.log().Warn("rolling back", "to", rev)
	put := e.Driver.Apply
	if rev == store.OriginalRevision {
		put = func(ctx context.Context, cfg store.Files) error { return driver.Restore(ctx, e.Driver, cfg) }
	}
	if err := put(ctx, files); err != nil {
		return err
	}
	return e.Store.Done()
}

// captureOriginal records what the device runs before the first apply
// (good, the last-known-good revision, is still ""), once, so a first revision that fails its
// health gate rolls back to it. A capture that fails fails the apply
// before the device is touched.
func (e *Engine) captureOriginal(ctx context.Context, good string) error {
	c, ok := e.Driver.(driver.Capturer)
	if !ok || good != "" {
		return nil
	}
	if orig, err := e.Store.Original(); err != nil || orig != nil {
		return err
	}
	if rev := e.Store.Interrupted(); rev != "" {
		// An agent without capture died applying rev: the device holds
		// part of it, which is no baseline.
		e.log().Warn("not capturing a baseline: an earlier apply was interrupted", "revision", rev)
		return nil
	}
	files, err := c.Capture(ctx)
	if errors.Is(err, driver.ErrNoCapture) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("capturing the running config before the first apply: %w", err)
	}
	if err := e.Store.SetOriginal(files); err != nil {
		return err
	}
	e.log().Info("captured the running config before the first apply", "files", len(files))
	return nil
}
