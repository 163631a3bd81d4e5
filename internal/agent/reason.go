package agent

import "underlay.dev/underlay/api/v1alpha1"

// Stage is the step of an apply (or of a drift correction) a failure
// happened at.
type Stage string

// Stages, in the order an apply runs them.
const (
	// StageValidate: the ConfigMap's keys and expect.json (and a config
	// directory the directory source refused).
	StageValidate Stage = "validate"
	// StagePrecheck: the platform's own parser, before the device.
	StagePrecheck Stage = "precheck"
	// StageApply: everything that changes or records the device's
	// config: the apply lock, the baseline capture, the store, the
	// platform's apply and the commit.
	StageApply Stage = "apply"
	// StageHealth: the health gate after the apply.
	StageHealth Stage = "health"
)

// IsValid reports whether s is a known stage.
func (s Stage) IsValid() bool {
	return s == StageValidate || s == StagePrecheck || s == StageApply || s == StageHealth
}

// stageReasons are the Degraded reasons of a failure at each stage.
var stageReasons = map[Stage]string{
	StageValidate: v1alpha1.ReasonValidationFailed,
	StagePrecheck: v1alpha1.ReasonPrecheckFailed,
	StageApply:    v1alpha1.ReasonApplyFailed,
	StageHealth:   v1alpha1.ReasonHealthCheckFailed,
}

// Reason is the Degraded reason of res: for a failure, the stage it
// failed at; otherwise the outcome's own reason. It is the one mapping
// of outcomes to reasons; status and history read it.
func Reason(res Result) string {
	switch res.Outcome {
	case Applied, Unchanged, NoDrift:
		return v1alpha1.ReasonApplied
	case DriftCorrected:
		return v1alpha1.ReasonDriftCorrected
	case DriftCheckFailed:
		return v1alpha1.ReasonDriftCheckFailed
	}
	if r, ok := stageReasons[res.Stage]; ok {
		return r
	}
	switch res.Outcome {
	case DriftDetected:
		return v1alpha1.ReasonDriftDetected
	case Rejected:
		return v1alpha1.ReasonValidationFailed
	}
	return v1alpha1.ReasonApplyFailed
}

// ReadyReason is the Ready reason of res: what the device runs after it.
// A rolled-back failure says RolledBack (the last-known-good again) and
// one whose rollback failed RollbackFailed; every other outcome the
// device was left as Reason says.
func ReadyReason(res Result) string {
	switch {
	case res.RollbackFailed:
		return v1alpha1.ReasonRollbackFailed
	case res.Outcome == RolledBack:
		return v1alpha1.ReasonRolledBack
	}
	return Reason(res)
}
