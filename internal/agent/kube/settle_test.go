package kube

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"underlay.dev/underlay/internal/agent/driver"
	"underlay.dev/underlay/internal/expect"
)

// seqProber answers each probe with the next state of its list, the last
// one for ever after.
type seqProber struct {
	mu     sync.Mutex
	states []string // swp1's state, probe by probe
	probes int
}

func (p *seqProber) Probe(context.Context) (driver.State, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.states[min(p.probes, len(p.states)-1)]
	p.probes++
	return driver.State{Sessions: map[string]string{"swp1": s}}, nil
}

// sessionLog records what a follow-up reported.
type sessionLog chan string

func (l sessionLog) Sessions(_ context.Context, st *driver.State, _ []expect.Session) {
	l <- st.Sessions["swp1"]
}

func down() *driver.State { return &driver.State{Sessions: map[string]string{"swp1": "Idle"}} }

// TestSettlerFollowsUpUntilEstablished: after a result with swp1 down
// (a rollback, its session reconnecting), the settler reports each probe
// until swp1 is Established, then stops probing; a result with every
// session up starts no follow-up.
func TestSettlerFollowsUpUntilEstablished(t *testing.T) {
	exp := []expect.Session{{Neighbor: "swp1", Peer: "spine"}}
	p := &seqProber{states: []string{"Idle", "Connect", "Established"}}
	log := make(sessionLog, 16)
	s := &settler{Every: 5 * time.Millisecond, For: time.Minute}
	s.stop()
	s.follow(context.Background(), log, p, down(), exp)
	var got []string
	for len(got) == 0 || got[len(got)-1] != "Established" {
		select {
		case st := <-log:
			got = append(got, st)
		case <-time.After(10 * time.Second):
			t.Fatalf("waiting for the follow-up to report swp1 Established (10s); it reported %v", got)
		}
	}
	if want := []string{"Idle", "Connect", "Established"}; !slices.Equal(got, want) {
		t.Errorf("follow-up reported %v, want %v", got, want)
	}
	s.stop() // the next result
	s.follow(context.Background(), log, p, &driver.State{Sessions: map[string]string{"swp1": "Established"}}, exp)
	time.Sleep(50 * time.Millisecond)
	p.mu.Lock()
	probes := p.probes
	p.mu.Unlock()
	if probes != 3 || len(log) != 0 {
		t.Errorf("%d probes and %d reports more after every session was up, want 3 and none", probes, len(log))
	}
}

// TestSettlerStopsAtTheNextResult: a follow-up whose sessions never come
// up ends when the next result is reported, and reports nothing after.
func TestSettlerStopsAtTheNextResult(t *testing.T) {
	exp := []expect.Session{{Neighbor: "swp1", Peer: "spine"}}
	p := &seqProber{states: []string{"Idle"}}
	log := make(sessionLog, 1024)
	s := &settler{Every: time.Millisecond, For: time.Minute}
	s.stop()
	s.follow(context.Background(), log, p, down(), exp)
	select {
	case <-log:
	case <-time.After(10 * time.Second):
		t.Fatal("waiting for the follow-up's first report (10s)")
	}
	s.stop()
	n := len(log)
	time.Sleep(50 * time.Millisecond)
	if len(log) != n {
		t.Errorf("the follow-up reported %d more times after the next result", len(log)-n)
	}
}
