package agent

import (
	"context"
	"sync"
	"time"

	"underlay.dev/underlay/internal/agent/store"
)

// Runner applies submitted revisions one at a time. While an apply runs,
// newer submissions replace each other: a burst of updates coalesces into
// one apply of the newest.
type Runner struct {
	Engine   *Engine
	OnResult func(Result)
	// DriftInterval, when set, checks for drift that often between
	// applies (never during one), with DriftPolicy.
	DriftInterval time.Duration
	DriftPolicy   DriftPolicy

	mu      sync.Mutex
	pending *desired
	wake    chan struct{}
	once    sync.Once
}

type desired struct {
	rev   string
	files store.Files
}

func (r *Runner) init() { r.once.Do(func() { r.wake = make(chan struct{}, 1) }) }

// Submit makes rev the newest desired revision.
func (r *Runner) Submit(rev string, files store.Files) {
	r.init()
	r.mu.Lock()
	r.pending = &desired{rev: rev, files: files}
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Run applies until ctx ends.
func (r *Runner) Run(ctx context.Context) {
	r.init()
	var drift <-chan time.Time
	if r.DriftInterval > 0 {
		t := time.NewTicker(r.DriftInterval)
		defer t.Stop()
		drift = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-drift:
			if res := r.Engine.CheckDrift(ctx, r.DriftPolicy); res.Outcome != NoDrift && r.OnResult != nil {
				r.OnResult(res)
			}
			continue
		case <-r.wake:
		}
		r.mu.Lock()
		d := r.pending
		r.pending = nil
		r.mu.Unlock()
		if d == nil {
			continue
		}
		res := r.Engine.Apply(ctx, d.rev, d.files)
		if r.OnResult != nil {
			r.OnResult(res)
		}
		if res.Outcome == Applied && r.DriftInterval > 0 {
			if err := r.Engine.RecordBaseline(ctx); err != nil {
				r.Engine.log().Warn("recording the drift baseline", "error", Message(err))
			}
		}
	}
}
