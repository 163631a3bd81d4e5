// Package kube connects the agent to the Kubernetes API: it watches the
// device's own ConfigMap (and nothing else), hands each new revision to
// the apply runner, and reports every outcome in the device's
// NetworkDevice status and as Events.
package kube

import (
	"context"
	"fmt"
	"regexp"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	"underlay.dev/underlay/internal/agent"
	"underlay.dev/underlay/internal/agent/store"
	"underlay.dev/underlay/internal/bundle"
)

var skipNameValidation = true

// Controller reconciles one device's ConfigMap.
type Controller struct {
	Client    client.Client
	Device    string
	Namespace string
	Runner    *agent.Runner
	Status    *Reporter
}

// ConfigMapKey is the ConfigMap the device's agent watches.
func (c *Controller) ConfigMapKey() types.NamespacedName {
	return types.NamespacedName{Namespace: c.Namespace, Name: bundle.ConfigMapName(c.Device)}
}

// SetupWithManager registers the controller; the manager's cache must be
// limited to this ConfigMap (see CacheOptions).
func (c *Controller) SetupWithManager(mgr ctrl.Manager) error {
	key := c.ConfigMapKey()
	return ctrl.NewControllerManagedBy(mgr).
		Named("underlay-agent").
		// One agent per process in production; tests run several.
		WithOptions(controller.Options{SkipNameValidation: &skipNameValidation}).
		For(&corev1.ConfigMap{}, builder.WithPredicates(predicate.NewPredicateFuncs(func(o client.Object) bool {
			return o.GetNamespace() == key.Namespace && o.GetName() == key.Name
		}))).
		Complete(c)
}

// Reconcile submits the ConfigMap's current content to the runner. A
// missing ConfigMap never wipes the device: it keeps its last config and
// the status says why nothing is applied.
func (c *Controller) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	var cm corev1.ConfigMap
	err := c.Client.Get(ctx, req.NamespacedName, &cm)
	if apierrors.IsNotFound(err) {
		good := ""
		if c.Runner != nil && c.Runner.Engine != nil {
			good, _, _ = c.Runner.Engine.Store.Good()
		}
		c.Status.ConfigMissing(ctx, good)
		return ctrl.Result{}, nil
	}
	if err != nil {
		return ctrl.Result{}, fmt.Errorf("reading ConfigMap: %w", err)
	}
	rev, files := Revision(&cm)
	c.Status.Desired(ctx, rev)
	c.Runner.Submit(rev, files)
	return ctrl.Result{}, nil
}

// revisionToken is what an annotated revision may look like: the
// revision lands in status, condition messages and Events, so an
// annotation of any other shape (or size) is not trusted as one.
var revisionToken = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9:._-]{0,127}$`)

// Revision returns the ConfigMap's revision (its content-hash annotation,
// or a hash of its data when the annotation is missing or malformed) and
// its files.
func Revision(cm *corev1.ConfigMap) (string, store.Files) {
	files := store.Files{}
	for k, v := range cm.Data {
		files[k] = []byte(v)
	}
	for k, v := range cm.BinaryData {
		files[k] = v
	}
	if rev := cm.Annotations[bundle.AnnotationHash]; revisionToken.MatchString(rev) {
		return rev, files
	}
	return bundle.ContentHash(files), files
}

// recorder is the part of events.EventRecorder the reporter uses.
type recorder = events.EventRecorder
