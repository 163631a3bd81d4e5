// Package fleet reads what the agents report to the Kubernetes API: the
// NetworkDevices of a namespace or fabric and, for each, the state a
// person looks at (desired vs applied revision, Ready or Degraded with the
// reason, BGP sessions, last apply, rollbacks, last error), and orders
// them (SortBy). `underlay
// status` prints it; a web page (`underlay serve`) can show the same rows
// without re-deriving them.
//
// Nothing here writes: the agents own their status, and fleet only lists.
package fleet

import (
	"context"
	"fmt"
	"sort"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/agent/kube"
	"underlay.dev/underlay/internal/bundle"
)

// Selector says which NetworkDevices to list; the zero value is every
// device in every namespace.
type Selector struct {
	// Namespace to list in; "" is every namespace.
	Namespace string
	// Fabric keeps only the devices labelled with this fabric
	// (bundle.LabelFabric, which render puts on every NetworkDevice);
	// "" is every fabric.
	Fabric string
}

// Device is one device's reported state. Its fields are the agent's
// status as written, unabbreviated: shortening a revision or a long
// error is the printer's choice.
type Device struct {
	Namespace string
	Name      string
	Platform  string
	// Ready is the Ready condition's status, Unknown while the agent has
	// not reported one.
	Ready metav1.ConditionStatus
	// Degraded is the Degraded condition being True: the last apply
	// failed (the reason names the stage), whatever Ready says.
	Degraded bool
	// Reason and Message say why: the Degraded condition's while
	// Degraded, else Ready's, else "".
	Reason  string
	Message string
	// SessionsReported is false before the agent reported sessions; the
	// counts are then 0.
	SessionsReported bool
	// SessionsEstablished of the SessionsExpected (gated) sessions.
	SessionsEstablished, SessionsExpected int32
	// Peers and PeersOmitted are the status's per-peer list.
	Peers        []v1alpha1.PeerStatus
	PeersOmitted int32
	// DesiredRevision and DesiredSince: the ConfigMap's revision and when
	// the agent saw it.
	DesiredRevision string
	DesiredSince    time.Time
	// AppliedRevision and AppliedTime: the last-known-good and when it
	// changed; zero before the first apply.
	AppliedRevision string
	AppliedTime     time.Time
	// LastApplyDuration is the newest history record's; 0 without one.
	LastApplyDuration time.Duration
	RollbackCount     int64
	LastError         string
	// History is the status's apply history, newest first.
	History []v1alpha1.ApplyRecord
}

// Client connects to the API server cfg names with the scheme that knows
// NetworkDevices (the agent's).
func Client(cfg *rest.Config) (client.Client, error) {
	scheme, err := kube.Scheme()
	if err != nil {
		return nil, err
	}
	return client.New(cfg, client.Options{Scheme: scheme})
}

// List returns the NetworkDevices sel selects, ordered by namespace, then
// name, so that every reader shows them in the same order.
func List(ctx context.Context, c client.Reader, sel Selector) ([]v1alpha1.NetworkDevice, error) {
	opts := []client.ListOption{client.InNamespace(sel.Namespace)}
	if sel.Fabric != "" {
		opts = append(opts, client.MatchingLabels{bundle.LabelFabric: sel.Fabric})
	}
	var list v1alpha1.NetworkDeviceList
	if err := c.List(ctx, &list, opts...); err != nil {
		return nil, fmt.Errorf("listing NetworkDevices: %w", err)
	}
	sort.Slice(list.Items, func(i, j int) bool {
		a, b := list.Items[i], list.Items[j]
		if a.Namespace != b.Namespace {
			return a.Namespace < b.Namespace
		}
		return a.Name < b.Name
	})
	return list.Items, nil
}

// Summaries is Summary of each device, in the same order.
func Summaries(devs []v1alpha1.NetworkDevice) []Device {
	out := make([]Device, len(devs))
	for i := range devs {
		out[i] = Summary(&devs[i])
	}
	return out
}

// Summary is the state d's agent reported.
func Summary(d *v1alpha1.NetworkDevice) Device {
	s := d.Status
	out := Device{
		Namespace: d.Namespace, Name: d.Name, Platform: d.Spec.Platform, Ready: metav1.ConditionUnknown,
		SessionsReported:    s.SessionsExpected != nil || s.SessionsEstablished != nil,
		SessionsEstablished: deref(s.SessionsEstablished), SessionsExpected: deref(s.SessionsExpected),
		Peers: s.Peers, PeersOmitted: s.PeersOmitted,
		DesiredRevision: s.DesiredRevision, AppliedRevision: s.AppliedRevision,
		RollbackCount: s.RollbackCount, LastError: s.LastError, History: s.History,
	}
	if c := meta.FindStatusCondition(s.Conditions, v1alpha1.ConditionReady); c != nil {
		out.Ready, out.Reason, out.Message = c.Status, c.Reason, c.Message
	}
	if c := meta.FindStatusCondition(s.Conditions, v1alpha1.ConditionDegraded); c != nil && c.Status == metav1.ConditionTrue {
		out.Degraded, out.Reason, out.Message = true, c.Reason, c.Message
	}
	if s.DesiredSince != nil {
		out.DesiredSince = s.DesiredSince.Time
	}
	if s.AppliedTime != nil {
		out.AppliedTime = s.AppliedTime.Time
	}
	if len(s.History) > 0 {
		out.LastApplyDuration = s.History[0].Duration.Duration
	}
	return out
}

func deref(n *int32) int32 {
	if n == nil {
		return 0
	}
	return *n
}
