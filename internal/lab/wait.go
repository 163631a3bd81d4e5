package lab

import (
	"context"
	"errors"
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
}

func startWait(ctx context.Context, within time.Duration) wait {
	w := wait{start: time.Now(), within: within}
	w.ctx, w.cancel = context.WithTimeout(ctx, within)
	return w
}

// failed is the error of a wait that ended before its condition: the
// stage, why it ended (its deadline, the caller's, or a cancel), and
// what it last saw.
func (w wait) failed(stage, lastSeen string) error {
	took := time.Since(w.start).Round(100 * time.Millisecond)
	why := fmt.Sprintf("deadline %s", w.within)
	// The wait's context ends at the earlier of the two deadlines.
	if d, _ := w.ctx.Deadline(); d.Before(w.start.Add(w.within)) {
		why = "the caller's deadline"
	}
	if errors.Is(context.Cause(w.ctx), context.Canceled) {
		why = "cancelled"
	}
	return fmt.Errorf("%s: %w after %s (%s); last seen: %s", stage, context.Cause(w.ctx), took, why, lastSeen)
}
