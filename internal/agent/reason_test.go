package agent

import (
	"context"
	"errors"
	"testing"

	"underlay.dev/underlay/internal/agent/store"
)

// TestReasonOfEveryStage: each way an apply or drift check ends maps to
// one Degraded reason (the failing stage) and one Ready reason (what the
// device runs since).
func TestReasonOfEveryStage(t *testing.T) {
	tests := []struct {
		name        string
		res         Result
		want, ready string
	}{
		{"applied", Result{Outcome: Applied}, "Applied", "Applied"},
		{"unchanged", Result{Outcome: Unchanged}, "Applied", "Applied"},
		{"bad keys", Result{Outcome: Rejected, Stage: StageValidate}, "ValidationFailed", "ValidationFailed"},
		{"directory refused (no stage)", Result{Outcome: Rejected}, "ValidationFailed", "ValidationFailed"},
		{"checker refused", Result{Outcome: Rejected, Stage: StagePrecheck}, "PrecheckFailed", "PrecheckFailed"},
		{"store or lock, device untouched", Result{Outcome: Failed, Stage: StageApply}, "ApplyFailed", "ApplyFailed"},
		{"apply failed, rolled back", Result{Outcome: RolledBack, Stage: StageApply}, "ApplyFailed", "RolledBack"},
		{"unhealthy, rolled back", Result{Outcome: RolledBack, Stage: StageHealth}, "HealthCheckFailed", "RolledBack"},
		{"unhealthy, rollback failed", Result{Outcome: Failed, Stage: StageHealth, RollbackFailed: true}, "HealthCheckFailed", "RollbackFailed"},
		{"apply failed, rollback failed", Result{Outcome: Failed, Stage: StageApply, RollbackFailed: true}, "ApplyFailed", "RollbackFailed"},
		{"drift reported", Result{Outcome: DriftDetected}, "DriftDetected", "DriftDetected"},
		{"drift corrected", Result{Outcome: DriftCorrected}, "DriftCorrected", "DriftCorrected"},
		{"drift correction failed to apply", Result{Outcome: DriftDetected, Stage: StageApply}, "ApplyFailed", "ApplyFailed"},
		{"drift corrected, unhealthy", Result{Outcome: DriftDetected, Stage: StageHealth}, "HealthCheckFailed", "HealthCheckFailed"},
		{"drift check failed", Result{Outcome: DriftCheckFailed}, "DriftCheckFailed", "DriftCheckFailed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Reason(tt.res); got != tt.want {
				t.Errorf("Reason = %s, want %s", got, tt.want)
			}
			if got := ReadyReason(tt.res); got != tt.ready {
				t.Errorf("ReadyReason = %s, want %s", got, tt.ready)
			}
		})
	}
}

// failingApply is a device whose next fails platform applies fail.
type failingApply struct {
	*fakeDevice
	fails int
}

func (f *failingApply) Apply(ctx context.Context, cfg store.Files) error {
	if f.fails > 0 {
		f.fails--
		return errors.New("reload: exit status 1")
	}
	return f.fakeDevice.Apply(ctx, cfg)
}

// TestApplyStageFailure: a platform apply that fails is ApplyFailed
// (Degraded); Ready says whether the rollback restored the last-known-good.
func TestApplyStageFailure(t *testing.T) {
	dev := &fakeDevice{}
	e := newEngine(t, dev)
	f := &failingApply{fakeDevice: dev}
	e.Driver = f
	ctx := context.Background()
	if res := e.Apply(ctx, "r1", cfg("good 1")); res.Outcome != Applied {
		t.Fatal(res.Err)
	}
	for _, tt := range []struct {
		rev   string
		fails int
		want  Outcome
		ready string
	}{{"r2", 1, RolledBack, "RolledBack"}, {"r3", 2, Failed, "RollbackFailed"}} {
		f.fails = tt.fails
		res := e.Apply(ctx, tt.rev, cfg("good "+tt.rev))
		if res.Outcome != tt.want || Reason(res) != "ApplyFailed" || ReadyReason(res) != tt.ready {
			t.Errorf("%s: %s, Degraded %s, Ready %s (%v); want %s, ApplyFailed, %s",
				tt.rev, res.Outcome, Reason(res), ReadyReason(res), res.Err, tt.want, tt.ready)
		}
	}
}
