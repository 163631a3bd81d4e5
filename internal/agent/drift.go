package agent

import (
	"context"
	"fmt"
	"strings"
	"time"

	"underlay.dev/underlay/internal/agent/driver"
)

// DriftPolicy says what to do when the running config differs from the
// last-known-good one (someone changed the device by hand).
type DriftPolicy string

// Drift policies.
const (
	DriftCorrect DriftPolicy = "correct" // re-apply the last-known-good
	DriftReport  DriftPolicy = "report"  // only report it
)

// IsValid reports whether p is a known policy.
func (p DriftPolicy) IsValid() bool { return p == DriftCorrect || p == DriftReport }

// Outcomes of a drift check.
const (
	NoDrift        Outcome = "NoDrift"
	DriftDetected  Outcome = "DriftDetected"
	DriftCorrected Outcome = "DriftCorrected"
	// DriftCheckFailed: the running config could not be read; reported,
	// so a broken check is not mistaken for a clean device.
	DriftCheckFailed Outcome = "DriftCheckFailed"
)

// CheckDrift compares the device with its last-known-good config and,
// with DriftCorrect, re-applies it (health gate included).
func (e *Engine) CheckDrift(ctx context.Context, policy DriftPolicy) (res Result) {
	start := time.Now()
	defer func() { res.Took = time.Since(start) }()
	d, ok := e.Driver.(driver.Drifter)
	rev, files, err := e.Store.Good()
	res = Result{Revision: rev, Outcome: NoDrift}
	if !ok || err != nil || rev == "" {
		res.Err = err
		return res
	}
	diff, err := d.Drift(ctx, files)
	if err != nil {
		res.Outcome, res.Err = DriftCheckFailed, fmt.Errorf("checking drift: %w", err)
		return res
	}
	if diff = subtractLines(diff, e.Store.Baseline()); diff == "" {
		return res
	}
	res.Outcome, res.Err = DriftDetected, fmt.Errorf("running config differs from %s:\n%s", rev, diff)
	driftTotal.WithLabelValues(string(policy)).Inc()
	if policy != DriftCorrect {
		return res
	}
	lock, err := e.Store.LockApply(ctx)
	if err != nil {
		res.Stage, res.Err = StageApply, fmt.Errorf("correcting drift: %w", err)
		return res
	}
	defer lock.Close()
	if err := e.Driver.Apply(driver.WithLock(ctx, lock), files); err != nil {
		res.Stage, res.Err = StageApply, fmt.Errorf("correcting drift: %w", err)
		return res
	}
	exp, err := e.validate(files)
	if err != nil {
		res.Stage, res.Err = StageValidate, fmt.Errorf("correcting drift: %w", err)
		return res
	}
	if err := e.healthGate(ctx, exp); err != nil {
		res.Stage, res.Err = StageHealth, fmt.Errorf("corrected drift, but %w", err)
		return res
	}
	e.log().Warn("drift corrected", "revision", rev, "diff", Bound(diff, MaxMessage))
	res.Outcome, res.Err = DriftCorrected, nil
	return res
}

// RecordBaseline stores what a drift check reports right after a healthy
// apply: on FRR's datacenter profile, lines equal to the profile defaults
// (`timers bgp 3 9`, `no bgp ebgp-requires-policy`) never show in the
// running config, so frr-reload.py always lists them. The runner calls it
// after reporting an apply, so it never delays one.
func (e *Engine) RecordBaseline(ctx context.Context) error {
	d, ok := e.Driver.(driver.Drifter)
	rev, files, err := e.Store.Good()
	if !ok || err != nil || rev == "" {
		return err
	}
	diff, err := d.Drift(ctx, files)
	if err != nil {
		return err
	}
	return e.Store.SetBaseline(diff)
}

// subtractLines drops from diff every line that is also in base.
func subtractLines(diff, base string) string {
	if base == "" || diff == "" {
		return diff
	}
	known := map[string]bool{}
	for _, l := range strings.Split(base, "\n") {
		known[l] = true
	}
	var keep []string
	for _, l := range strings.Split(diff, "\n") {
		if !known[l] {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}
