package lab

import (
	"context"
	"fmt"
	"time"
)

// wait is one of the lab's waits: its context ends at its own deadline
// (within) or the caller's, whichever is first, and every call inside it
// takes that context, so none outlives the wait.
type wait struct {
	ctx    context.Context
	cancel context.CancelFunc
	start  time.Time
	within time.Duration
	// callerFirst: the caller's deadline comes before within.
	callerFirst bool
}

func startWait(ctx context.Context, within time.Duration) wait {
	w := wait{start: time.Now(), within: within}
	if d, ok := ctx.Deadline(); ok && time.Until(d) < within {
		w.callerFirst = true
	}
	w.ctx, w.cancel = context.WithTimeout(ctx, within)
	return w
}

// failed is the error of a wait that ended before its condition: the
// stage, why it ended (its deadline, the caller's, or a cancel), and
// what it last saw.
func (w wait) failed(stage, lastSeen string) error {
	took := time.Since(w.start).Round(100 * time.Millisecond)
	why := fmt.Sprintf("deadline %s", w.within)
	if w.callerFirst {
		why = "the caller's deadline"
	}
	return fmt.Errorf("%s: %w after %s (%s); last seen: %s", stage, context.Cause(w.ctx), took, why, lastSeen)
}
