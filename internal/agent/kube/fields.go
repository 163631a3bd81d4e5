package kube

import (
	"slices"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/agent"
	"underlay.dev/underlay/internal/agent/driver"
	"underlay.dev/underlay/internal/expect"
	"underlay.dev/underlay/internal/model"
)

// The status fields computed from an outcome, as pure functions of the
// previous status: the Reporter only writes what they return.

// now is the time status records, at the second the API keeps, so that
// an unchanged status compares equal to the one written.
var now = func() metav1.Time { return metav1.Now().Rfc3339Copy() }

// sinceSlack is how far a peer's reported establishment time may move
// between probes without being a new one: FRR derives it from the
// session's uptime in whole seconds, so it jitters by one.
const sinceSlack = 2 * time.Second

// setSessions records the sessions st reports against the expected ones:
// the counts and the bounded per-peer list.
func setSessions(s *v1alpha1.NetworkDeviceStatus, st *driver.State, exp []expect.Session) {
	gated := map[string]expect.Session{}
	for _, e := range exp {
		gated[e.Neighbor] = e
	}
	up := 0
	for n := range gated {
		if st.Sessions[n] == v1alpha1.PeerEstablished {
			up++
		}
	}
	s.SessionsEstablished, s.SessionsExpected = ptr(int32(up)), ptr(int32(len(gated)))
	s.Peers, s.PeersOmitted = peerList(st, exp, s.Peers)
}

// peerList is every session st reports plus every expected one it does
// not (NotConfigured), sorted by peer. Past MaxPeers it keeps the
// expected sessions first, then the others by name, and counts the rest.
func peerList(st *driver.State, exp []expect.Session, old []v1alpha1.PeerStatus) ([]v1alpha1.PeerStatus, int32) {
	prev := map[string]v1alpha1.PeerStatus{}
	for _, p := range old {
		prev[p.Peer] = p
	}
	names := map[string]string{} // neighbor → expect.json's peer name
	expected := map[string]bool{}
	for _, e := range exp {
		names[e.Neighbor], expected[e.Neighbor] = e.Peer, true
	}
	var out []v1alpha1.PeerStatus
	add := func(n string) {
		p := v1alpha1.PeerStatus{Peer: n, State: st.Sessions[n], Expected: expected[n]}
		if p.State == "" {
			p.State = v1alpha1.PeerNotConfigured
		}
		info := st.Peers[n]
		p.Description, p.PrefixesReceived, p.PrefixesSent = info.Description, info.PrefixesReceived, info.PrefixesSent
		if p.Description == "" {
			p.Description = names[n]
		}
		if p.State == v1alpha1.PeerEstablished && !info.EstablishedSince.IsZero() {
			p.EstablishedSince = stableSince(info.EstablishedSince, prev[n])
		}
		out = append(out, p)
	}
	for n := range st.Sessions {
		add(n)
	}
	for n := range expected {
		if _, ok := st.Sessions[n]; !ok {
			add(n)
		}
	}
	slices.SortFunc(out, func(a, b v1alpha1.PeerStatus) int {
		switch {
		case a.Expected != b.Expected && len(out) > v1alpha1.MaxPeers:
			if a.Expected {
				return -1
			}
			return 1
		case model.NaturalLess(a.Peer, b.Peer):
			return -1
		case model.NaturalLess(b.Peer, a.Peer):
			return 1
		}
		return 0
	})
	omitted := 0
	if len(out) > v1alpha1.MaxPeers {
		omitted, out = len(out)-v1alpha1.MaxPeers, out[:v1alpha1.MaxPeers]
		slices.SortFunc(out, func(a, b v1alpha1.PeerStatus) int {
			if model.NaturalLess(a.Peer, b.Peer) {
				return -1
			}
			return 1
		})
	}
	return out, int32(omitted)
}

// stableSince keeps the recorded establishment time of a session that
// stayed up (its reported time moving by FRR's rounding only), so that a
// probe of an unchanged device changes no status.
func stableSince(t time.Time, old v1alpha1.PeerStatus) *metav1.Time {
	if old.EstablishedSince != nil && old.State == v1alpha1.PeerEstablished {
		if d := t.Sub(old.EstablishedSince.Time); d > -sinceSlack && d < sinceSlack {
			return old.EstablishedSince.DeepCopy()
		}
	}
	return &metav1.Time{Time: t.UTC().Truncate(time.Second)}
}

// record adds res to the history, newest first, at most MaxHistory. A
// drift report that repeats the newest record (the same drift found again
// at the next interval) adds nothing, so an unchanged device writes no
// status. Unchanged applies and clean drift checks are no history.
func record(h []v1alpha1.ApplyRecord, res agent.Result, at metav1.Time) []v1alpha1.ApplyRecord {
	if res.Outcome == agent.Unchanged || res.Outcome == agent.NoDrift {
		return h
	}
	r := v1alpha1.ApplyRecord{Revision: res.Revision, Outcome: string(res.Outcome), Reason: agent.Reason(res),
		Time: at, Duration: metav1.Duration{Duration: res.Took.Round(time.Millisecond)}}
	if res.Err != nil {
		r.Message = agent.Bound(res.Err.Error(), v1alpha1.MaxHistoryMessage)
	}
	drift := res.Outcome == agent.DriftDetected || res.Outcome == agent.DriftCheckFailed
	if drift && len(h) > 0 && h[0].Revision == r.Revision && h[0].Outcome == r.Outcome && h[0].Reason == r.Reason {
		return h
	}
	h = append([]v1alpha1.ApplyRecord{r}, h...)
	if len(h) > v1alpha1.MaxHistory {
		h = h[:v1alpha1.MaxHistory]
	}
	return h
}

func ptr[T any](v T) *T { return &v }
