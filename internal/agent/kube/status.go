package kube

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/agent"
	"underlay.dev/underlay/internal/agent/driver"
	"underlay.dev/underlay/internal/expect"
)

// Reporter writes the device's NetworkDevice status. It keeps the status
// in memory and, after every change, sends the API server one merge patch
// of the status subresource with what changed since the last write; an
// unchanged status is not written. A write that fails while the API
// server is away is repeated by Resync.
type Reporter struct {
	Client client.Client
	// Reader reads uncached (the manager's API reader): the one read, at
	// the first write, that learns the status on the server; nil uses
	// Client.
	Reader    client.Reader
	Device    string
	Namespace string
	Platform  string
	Fabric    string
	Events    recorder
	Log       *slog.Logger

	mu     sync.Mutex
	status v1alpha1.NetworkDeviceStatus
	// written is the status on the server as of the last write; nil
	// until it was read, and after a failed write (then it is read again).
	written *v1alpha1.NetworkDeviceStatus
	dirty   bool // the last write failed; Resync repeats it
	loaded  bool // the server's history was read
	writes  int  // status patches sent, for tests and benchmarks
}

// Desired records a new desired revision: Progressing.
func (r *Reporter) Desired(ctx context.Context, rev string) {
	r.update(ctx, func(s *v1alpha1.NetworkDeviceStatus) {
		if s.DesiredRevision != rev || s.DesiredSince == nil {
			t := now()
			s.DesiredRevision, s.DesiredSince = rev, &t
		}
		if rev != s.AppliedRevision {
			setCondition(s, v1alpha1.ConditionProgressing, true, v1alpha1.ReasonApplying, agent.Bound("applying "+rev, agent.MaxMessage))
		}
	})
}

// ConfigMissing records that the ConfigMap is missing; the device keeps
// what it runs. good is the last-known-good revision: without one the
// agent is WaitingForConfig, with one the ConfigMap went missing.
func (r *Reporter) ConfigMissing(ctx context.Context, good string) {
	r.update(ctx, func(s *v1alpha1.NetworkDeviceStatus) {
		s.DesiredRevision, s.DesiredSince = "", nil
		if good == "" && s.AppliedRevision == "" {
			msg := "the device's ConfigMap does not exist yet; the device keeps its configuration"
			setCondition(s, v1alpha1.ConditionReady, false, v1alpha1.ReasonWaitingForConfig, msg)
			setCondition(s, v1alpha1.ConditionProgressing, false, v1alpha1.ReasonWaitingForConfig, "nothing to apply")
			return
		}
		setCondition(s, v1alpha1.ConditionDegraded, true, v1alpha1.ReasonConfigMissing,
			"the device's ConfigMap is missing; the device keeps its last applied configuration")
		setCondition(s, v1alpha1.ConditionProgressing, false, v1alpha1.ReasonConfigMissing, "nothing to apply")
	})
}

// Result records how an apply ended (st: the device's sessions read after
// it, nil when unknown; exp: the sessions its expect.json gates on), with
// an Event when it failed.
func (r *Reporter) Result(ctx context.Context, res agent.Result, st *driver.State, exp []expect.Session) {
	r.update(ctx, func(s *v1alpha1.NetworkDeviceStatus) { applyResult(s, res, st, exp) })
	if r.Events == nil {
		return
	}
	switch res.Outcome {
	case agent.Applied, agent.Unchanged:
	case agent.DriftCorrected:
		r.Events.Eventf(r.object(), nil, corev1.EventTypeNormal, agent.Reason(res), "Drift",
			"re-applied %s over a hand-made change", res.Revision)
	default:
		note := fmt.Sprintf("revision %s: %s", res.Revision, errString(res.Err))
		r.Events.Eventf(r.object(), nil, corev1.EventTypeWarning, agent.Reason(res), "Apply", "%s",
			agent.Bound(note, agent.MaxEventNote))
	}
}

// Sessions records the device's sessions as probed after a result (see
// settler); nothing else of the status changes, and an unchanged one is
// not written.
func (r *Reporter) Sessions(ctx context.Context, st *driver.State, exp []expect.Session) {
	r.update(ctx, func(s *v1alpha1.NetworkDeviceStatus) { setSessions(s, st, exp) })
}

// applyResult is the status after res.
func applyResult(s *v1alpha1.NetworkDeviceStatus, res agent.Result, st *driver.State, exp []expect.Session) {
	at := now()
	s.History = record(s.History, res, at)
	setCondition(s, v1alpha1.ConditionProgressing, false, agent.ReadyReason(res), "")
	if st != nil {
		setSessions(s, st, exp)
	}
	switch res.Outcome {
	case agent.Applied, agent.Unchanged, agent.DriftCorrected:
		if s.AppliedRevision != res.Revision || s.AppliedTime == nil {
			s.AppliedTime = &at
		}
		s.AppliedRevision, s.LastError = res.Revision, ""
		setCondition(s, v1alpha1.ConditionReady, true, v1alpha1.ReasonApplied, "running "+res.Revision)
		setCondition(s, v1alpha1.ConditionDegraded, false, v1alpha1.ReasonApplied, "")
	default:
		if res.Outcome == agent.RolledBack {
			s.RollbackCount++
		}
		s.LastError = agent.Message(res.Err)
		ready := s.AppliedRevision != "" && s.AppliedRevision == s.DesiredRevision
		setCondition(s, v1alpha1.ConditionReady, ready, agent.ReadyReason(res), s.LastError)
		setCondition(s, v1alpha1.ConditionDegraded, true, agent.Reason(res), s.LastError)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func setCondition(s *v1alpha1.NetworkDeviceStatus, typ string, status bool, reason, msg string) {
	c := metav1.Condition{Type: typ, Status: metav1.ConditionFalse, Reason: reason, Message: msg, LastTransitionTime: now()}
	if status {
		c.Status = metav1.ConditionTrue
	}
	meta.SetStatusCondition(&s.Conditions, c)
}

func (r *Reporter) object() *v1alpha1.NetworkDevice {
	return &v1alpha1.NetworkDevice{ObjectMeta: metav1.ObjectMeta{Name: r.Device, Namespace: r.Namespace}}
}

// update applies fn to the in-memory status and writes what changed.
// Errors are logged, not returned: the device keeps running without the
// API server.
func (r *Reporter) update(ctx context.Context, fn func(*v1alpha1.NetworkDeviceStatus)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fn(&r.status)
	if r.written != nil && !r.dirty && equalStatus(*r.written, r.status) {
		return
	}
	r.flush(ctx)
}

// flush writes the status; on failure it stays dirty.
func (r *Reporter) flush(ctx context.Context) {
	err := r.write(ctx)
	r.dirty = err != nil
	if err != nil {
		r.written = nil
		r.log().Warn("writing status; will retry", "device", r.Device, "error", agent.Message(err))
	}
}

// Resync rewrites a status whose last write failed (API server away),
// every interval until ctx ends.
func (r *Reporter) Resync(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			r.mu.Lock()
			if r.dirty {
				r.flush(ctx)
			}
			r.mu.Unlock()
		}
	}
}

// write sends the difference between the status on the server and the
// one in memory as a JSON merge patch of the status subresource: no
// resourceVersion, so no conflict, and no read but the first.
func (r *Reporter) write(ctx context.Context) error {
	if r.written == nil {
		cur, err := r.load(ctx)
		if err != nil {
			return fmt.Errorf("NetworkDevice %s/%s: %w", r.Namespace, r.Device, err)
		}
		r.written = cur
	}
	if equalStatus(*r.written, r.status) {
		return nil
	}
	base := r.object()
	base.Status = *r.written
	nd := r.object()
	nd.Status = *r.status.DeepCopy()
	if err := r.Client.Status().Patch(ctx, nd, client.MergeFrom(base)); err != nil {
		return fmt.Errorf("NetworkDevice %s/%s: patching status: %w", r.Namespace, r.Device, err)
	}
	r.writes++
	r.written = r.status.DeepCopy()
	return nil
}

// load reads the NetworkDevice (creating it when missing) and returns its
// status. The first load keeps the history the server holds (an earlier
// run of the agent), behind anything recorded since.
func (r *Reporter) load(ctx context.Context) (*v1alpha1.NetworkDeviceStatus, error) {
	var nd v1alpha1.NetworkDevice
	reader := r.Reader
	if reader == nil {
		reader = r.Client
	}
	err := reader.Get(ctx, client.ObjectKeyFromObject(r.object()), &nd)
	if apierrors.IsNotFound(err) {
		nd = *r.object()
		nd.Spec = v1alpha1.NetworkDeviceSpec{Fabric: r.Fabric, Platform: r.Platform}
		err = r.Client.Create(ctx, &nd)
	}
	if err != nil {
		return nil, err
	}
	if !r.loaded {
		r.loaded = true
		r.status.History = mergeHistory(r.status.History, nd.Status.History)
	}
	return &nd.Status, nil
}

// mergeHistory is ours, then the server's records older than our oldest,
// at most MaxHistory.
func mergeHistory(ours, server []v1alpha1.ApplyRecord) []v1alpha1.ApplyRecord {
	h := slices.Clone(ours)
	for _, rec := range server {
		if len(ours) == 0 || rec.Time.Before(&ours[len(ours)-1].Time) {
			h = append(h, rec)
		}
	}
	if len(h) > v1alpha1.MaxHistory {
		h = h[:v1alpha1.MaxHistory]
	}
	return h
}

// Writes counts the status patches sent.
func (r *Reporter) Writes() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.writes
}

func (r *Reporter) log() *slog.Logger {
	if r.Log == nil {
		return slog.Default()
	}
	return r.Log
}

// equalStatus: a and b write the same status.
func equalStatus(a, b v1alpha1.NetworkDeviceStatus) bool { return apiequality.Semantic.DeepEqual(a, b) }
