package kube

import (
	"context"
	"sync"
	"time"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/agent/driver"
	"underlay.dev/underlay/internal/expect"
)

// Defaults of a settler: probe every 2 s for at most 2 min after a result.
const (
	settleEvery = 2 * time.Second
	settleFor   = 2 * time.Minute
)

// settler follows up a result whose sessions were not all Established
// when it was reported. A rollback's sessions come back seconds after it
// (the device reconnects to its peers on the last good config), but the
// status read right after said them down until the next apply or drift
// check, minutes later: the live page drew the link red all that time.
// The settler probes again every Every until every expected session is
// Established or For has passed, and reports the sessions as they are;
// the status is written only when they changed. A newer result ends the
// follow-up of the one before, and nothing it probed is written after.
type settler struct {
	Every, For time.Duration // 0: settleEvery, settleFor

	mu     sync.Mutex
	gen    int // the current result; a follow-up writes only while it is its own
	cancel context.CancelFunc
}

// sessionReporter writes a device's sessions alone.
type sessionReporter interface {
	Sessions(ctx context.Context, st *driver.State, exp []expect.Session)
}

// stop ends the follow-up of the last result: a new one is reported.
func (s *settler) stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gen++
	if s.cancel != nil {
		s.cancel()
		s.cancel = nil
	}
}

// follow starts a follow-up of the result just reported with st, unless
// every session exp gates on is Established in it.
func (s *settler) follow(ctx context.Context, rep sessionReporter, p driver.Prober, st *driver.State, exp []expect.Session) {
	if allEstablished(st, exp) {
		return
	}
	every, limit := s.Every, s.For
	if every == 0 {
		every, limit = settleEvery, settleFor
	}
	s.mu.Lock()
	gen := s.gen
	ctx, cancel := context.WithTimeout(ctx, limit)
	s.cancel = cancel
	s.mu.Unlock()
	go func() {
		defer cancel()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			st, err := p.Probe(ctx)
			if err != nil {
				continue // the device is busy or away: the next tick asks again
			}
			s.mu.Lock()
			current := s.gen == gen
			if current {
				rep.Sessions(ctx, &st, exp)
			}
			s.mu.Unlock()
			if !current || allEstablished(&st, exp) {
				return
			}
		}
	}()
}

// allEstablished reports whether every session exp gates on is
// Established in st, counted as the status counts them.
func allEstablished(st *driver.State, exp []expect.Session) bool {
	var s v1alpha1.NetworkDeviceStatus
	setSessions(&s, st, exp)
	return *s.SessionsEstablished == *s.SessionsExpected
}
