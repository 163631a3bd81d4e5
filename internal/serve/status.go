package serve

import (
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"underlay.dev/underlay/api/v1alpha1"
)

// States a device is drawn in.
const (
	StateReady       = "Ready"
	StateProgressing = "Progressing"
	StateDegraded    = "Degraded"
	StateUnknown     = "Unknown"
)

// Status is what the page shows of one NetworkDevice. statusOf is the only
// code that reads the API type's status fields, so a change to them is a
// change to this file alone.
type Status struct {
	Name            string `json:"name"`
	State           string `json:"state"`
	Reason          string `json:"reason,omitempty"`
	Message         string `json:"message,omitempty"`
	DesiredRevision string `json:"desiredRevision,omitempty"`
	AppliedRevision string `json:"appliedRevision,omitempty"`
	// Established and Expected are the BGP sessions the agent reported
	// after its last apply; -1 while it has reported none.
	Established int `json:"established"`
	Expected    int `json:"expected"`
	// Peers are the sessions per peer device ("established", …) where the
	// agent reports them; empty otherwise, and the page then judges a link
	// by its devices' totals.
	Peers         map[string]string `json:"peers,omitempty"`
	LastError     string            `json:"lastError,omitempty"`
	RollbackCount int64             `json:"rollbackCount"`
	// ResourceVersion is the NetworkDevice's version this status was read
	// from: the page marks each device with it, so a test (or a person
	// with kubectl) can tell which status write the page shows.
	ResourceVersion string `json:"resourceVersion,omitempty"`
}

// statusOf reads nd's status. The state is the most pressing condition
// that is True: Degraded, then Progressing, then Ready; anything else
// (no conditions yet, Ready False without a cause) is Unknown, with the
// Ready condition's reason.
func statusOf(nd *v1alpha1.NetworkDevice) Status {
	s := nd.Status
	out := Status{Name: nd.Name, State: StateUnknown, DesiredRevision: s.DesiredRevision, AppliedRevision: s.AppliedRevision,
		Established: -1, Expected: -1, LastError: s.LastError, RollbackCount: s.RollbackCount,
		ResourceVersion: nd.ResourceVersion}
	if s.SessionsEstablished != nil && s.SessionsExpected != nil {
		out.Established, out.Expected = int(*s.SessionsEstablished), int(*s.SessionsExpected)
	}
	out.Peers = peersByDevice(s.Peers)
	cond := func(t string) *metav1.Condition {
		c := meta.FindStatusCondition(s.Conditions, t)
		if c != nil && c.Status == metav1.ConditionTrue {
			return c
		}
		return nil
	}
	pick := func(state string, c *metav1.Condition) {
		out.State, out.Reason, out.Message = state, c.Reason, c.Message
	}
	switch {
	case cond(v1alpha1.ConditionDegraded) != nil:
		pick(StateDegraded, cond(v1alpha1.ConditionDegraded))
	case cond(v1alpha1.ConditionProgressing) != nil:
		pick(StateProgressing, cond(v1alpha1.ConditionProgressing))
	case cond(v1alpha1.ConditionReady) != nil:
		pick(StateReady, cond(v1alpha1.ConditionReady))
	default:
		if c := meta.FindStatusCondition(s.Conditions, v1alpha1.ConditionReady); c != nil {
			out.Reason, out.Message = c.Reason, c.Message
		}
	}
	return out
}

// peersByDevice folds the agent's per-session list into one state per
// peer device, named by the session's description ("device:port", as
// underlay renders it): Established when every session to it is, else
// the first other state. Sessions without a device name (outside
// neighbours, groups) are left out; nil when the agent lists none.
func peersByDevice(peers []v1alpha1.PeerStatus) map[string]string {
	if len(peers) == 0 {
		return nil
	}
	out := map[string]string{}
	for _, p := range peers {
		dev, _, ok := strings.Cut(p.Description, ":")
		if !ok || dev == "" {
			continue
		}
		if prev, seen := out[dev]; !seen || prev == "Established" {
			out[dev] = p.State
		}
	}
	return out
}
