package kube

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/agent"
	"underlay.dev/underlay/internal/agent/driver"
)

// Reporter writes the device's NetworkDevice status. It keeps the status
// in memory and writes it whole after every change, so a write that fails
// while the API server is away is repeated by the next one.
type Reporter struct {
	Client client.Client
	// Reader reads uncached (the manager's API reader), so a write never
	// starts from a stale resourceVersion; nil uses Client.
	Reader    client.Reader
	Device    string
	Namespace string
	Platform  string
	Fabric    string
	Events    recorder
	Log       *slog.Logger

	mu     sync.Mutex
	status v1alpha1.NetworkDeviceStatus
	dirty  bool // the last write failed; Resync repeats it
}

// Desired records a new desired revision: Progressing.
func (r *Reporter) Desired(ctx context.Context, rev string) {
	r.update(ctx, func(s *v1alpha1.NetworkDeviceStatus) {
		s.DesiredRevision = rev
		if rev != s.AppliedRevision {
			setCondition(s, v1alpha1.ConditionProgressing, true, v1alpha1.ReasonApplying, agent.Bound("applying "+rev, agent.MaxMessage))
		}
	})
}

// ConfigMissing records that the ConfigMap is gone; the device keeps its
// last-known-good configuration.
func (r *Reporter) ConfigMissing(ctx context.Context) {
	r.update(ctx, func(s *v1alpha1.NetworkDeviceStatus) {
		s.DesiredRevision = ""
		setCondition(s, v1alpha1.ConditionDegraded, true, v1alpha1.ReasonConfigMissing,
			"the device's ConfigMap is missing; the device keeps its last applied configuration")
		setCondition(s, v1alpha1.ConditionProgressing, false, v1alpha1.ReasonConfigMissing, "nothing to apply")
	})
}

// Result records how an apply ended, with an Event when it failed.
func (r *Reporter) Result(ctx context.Context, res agent.Result, st *driver.State, expected int) {
	r.update(ctx, func(s *v1alpha1.NetworkDeviceStatus) {
		s.LastApplyDuration = res.Took.Round(time.Millisecond).String()
		setCondition(s, v1alpha1.ConditionProgressing, false, string(res.Outcome), "")
		if st != nil {
			s.Sessions = fmt.Sprintf("%d/%d", established(st), expected)
		}
		switch res.Outcome {
		case agent.Applied, agent.Unchanged, agent.DriftCorrected:
			if s.AppliedRevision != res.Revision {
				now := metav1.Now()
				s.LastAppliedTime = &now
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
			setCondition(s, v1alpha1.ConditionReady, ready, string(res.Outcome), s.LastError)
			setCondition(s, v1alpha1.ConditionDegraded, true, string(res.Outcome), s.LastError)
		}
	})
	if r.Events == nil {
		return
	}
	switch res.Outcome {
	case agent.Applied, agent.Unchanged:
	case agent.DriftCorrected:
		r.Events.Eventf(r.object(), nil, corev1.EventTypeNormal, string(res.Outcome), "Drift",
			"re-applied %s over a hand-made change", res.Revision)
	default:
		note := fmt.Sprintf("revision %s: %s", res.Revision, errString(res.Err))
		r.Events.Eventf(r.object(), nil, corev1.EventTypeWarning, string(res.Outcome), "Apply", "%s",
			agent.Bound(note, agent.MaxEventNote))
	}
}

func established(st *driver.State) int {
	n := 0
	for _, s := range st.Sessions {
		if s == "Established" {
			n++
		}
	}
	return n
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func setCondition(s *v1alpha1.NetworkDeviceStatus, typ string, status bool, reason, msg string) {
	c := metav1.Condition{Type: typ, Status: metav1.ConditionFalse, Reason: reason, Message: msg}
	if status {
		c.Status = metav1.ConditionTrue
	}
	meta.SetStatusCondition(&s.Conditions, c)
}

func (r *Reporter) object() *v1alpha1.NetworkDevice {
	return &v1alpha1.NetworkDevice{ObjectMeta: metav1.ObjectMeta{Name: r.Device, Namespace: r.Namespace}}
}

// update applies fn to the in-memory status and writes it. Errors are
// logged, not returned: the device keeps running without the API server.
func (r *Reporter) update(ctx context.Context, fn func(*v1alpha1.NetworkDeviceStatus)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fn(&r.status)
	r.flush(ctx)
}

// flush writes the status, retrying conflicts; on failure it stays dirty.
func (r *Reporter) flush(ctx context.Context) {
	err := retry.RetryOnConflict(retry.DefaultBackoff, func() error { return r.write(ctx) })
	r.dirty = err != nil
	if err != nil {
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

func (r *Reporter) write(ctx context.Context) error {
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
		return fmt.Errorf("NetworkDevice %s/%s: %w", r.Namespace, r.Device, err)
	}
	nd.Status = *r.status.DeepCopy()
	return r.Client.Status().Update(ctx, &nd)
}

func (r *Reporter) log() *slog.Logger {
	if r.Log == nil {
		return slog.Default()
	}
	return r.Log
}
