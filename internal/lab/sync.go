package lab

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/agent/kube"
	"underlay.dev/underlay/internal/bundle"
	"underlay.dev/underlay/internal/gitops"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/render/cluster"
	"underlay.dev/underlay/internal/render/renderers"
)

// FieldManager is the server-side apply field manager of lab sync, in
// place of Flux's kustomize-controller.
const FieldManager = "underlay-lab"

// Sync renders the fabric, builds the tree with kustomize and applies it
// with server-side apply, as Flux does; WaitApplied then follows the
// agents.
func (l *Lab) Sync(ctx context.Context, fabricPath string) error {
	t := time.Now()
	f, err := LoadFabric(fabricPath)
	if err != nil {
		return err
	}
	st, err := l.LoadState()
	if err != nil {
		return err
	}
	if err := checkTopology(st, f, fabricPath); err != nil {
		return err
	}
	objs, clusterObjs, err := objects(f)
	if err != nil {
		return err
	}
	if err := oneAPIServer(f, clusterObjs); err != nil {
		return fmt.Errorf("lab sync %s: %w", fabricPath, err)
	}
	c, err := l.Client()
	if err != nil {
		return err
	}
	if err := apply(ctx, c, objs); err != nil {
		return fmt.Errorf("lab sync %s: %w", fabricPath, err)
	}
	nc, err := syncClusters(ctx, c, f, clusterObjs)
	if err != nil {
		return fmt.Errorf("lab sync %s: %w", fabricPath, err)
	}
	// The last synced intent: the session counts status and
	// WaitEstablished expect.
	if st.Fabric, err = filepath.Abs(fabricPath); err != nil {
		return err
	}
	if err := l.saveState(st); err != nil {
		return err
	}
	l.progress("sync %s: rendered and applied %d objects (server-side apply) in %s", fabricPath, len(objs), time.Since(t).Round(time.Millisecond))
	if len(f.Clusters) > 0 {
		l.progress("  %d clusters: their CNIs' CRDs, Nodes and rendered clusters/<name>/ objects applied (%d objects), as each cluster's Flux would", len(f.Clusters), nc)
	}
	return nil
}

// objects renders f and builds its tree as kustomize-controller does,
// with the fabric's namespace first; and, as each cluster's Flux would,
// the build of each cluster's clusters/<name>/ directory of the same tree
// (unlisted by its root), in f.Clusters' order.
func objects(f *model.Fabric) ([]*unstructured.Unstructured, [][]*unstructured.Unstructured, error) {
	tree, err := gitops.Build(f, renderers.For)
	if err != nil {
		return nil, nil, err
	}
	for _, c := range f.Clusters {
		if err := cluster.AddTo(tree, c); err != nil {
			return nil, nil, err
		}
	}
	files, err := tree.Files()
	if err != nil {
		return nil, nil, err
	}
	fs := filesys.MakeFsInMemory()
	for name, content := range files {
		if err := fs.WriteFile("/tree/"+name, content); err != nil {
			return nil, nil, err
		}
	}
	objs, err := kustomizeBuild(fs, "/tree")
	if err != nil {
		return nil, nil, err
	}
	objs = append([]*unstructured.Unstructured{{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace",
		"metadata": map[string]any{"name": f.Namespace}}}}, objs...)
	var clusters [][]*unstructured.Unstructured
	for _, c := range f.Clusters {
		cobjs, err := kustomizeBuild(fs, "/tree/"+cluster.Dir(c))
		if err != nil {
			return nil, nil, err
		}
		clusters = append(clusters, cobjs)
	}
	return objs, clusters, nil
}

func kustomizeBuild(fs filesys.FileSystem, dir string) ([]*unstructured.Unstructured, error) {
	resMap, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fs, dir)
	if err != nil {
		return nil, fmt.Errorf("kustomize build %s: %w", strings.TrimPrefix(dir, "/tree/"), err)
	}
	var objs []*unstructured.Unstructured
	for _, r := range resMap.Resources() {
		m, err := r.Map()
		if err != nil {
			return nil, err
		}
		objs = append(objs, &unstructured.Unstructured{Object: m})
	}
	return objs, nil
}

// Client is a cluster-admin client of the lab's API server; every
// request ends within the lab's request timeout.
func (l *Lab) Client() (client.Client, error) {
	cfg, err := kube.LoadConfig(l.path(AdminKubeconfig), l.requestTimeout())
	if err != nil {
		return nil, fmt.Errorf("lab kubeconfig: %w", err)
	}
	// The API server's warnings (a deprecated field of a CNI's CRD) are
	// the lab's output, not controller-runtime's logger, which nothing
	// sets in the lab and which prints a stack trace about it instead.
	cfg.WarningHandlerWithContext = apiWarnings{l}
	// A local API server: client-go's default 5 requests/s would make
	// each poll of WaitApplied take a second.
	return kube.NewClient(cfg, l.requestTimeout(), 200)
}

// apiWarnings prints the API server's warnings as lab progress.
type apiWarnings struct{ l *Lab }

func (w apiWarnings) HandleWarningHeaderWithContext(_ context.Context, code int, _, text string) {
	if code == 299 && text != "" {
		w.l.progress("  API server warning: %s", text)
	}
}

// WaitApplied waits until every device's agent reports the revision of
// its current ConfigMap as applied. It fails fast on a device whose agent
// rejected or rolled back that revision, naming the reason, and at its
// deadline (within, or ctx's if earlier) names every device still
// pending with what it last reported. Every API call is bounded by that
// deadline, so none can outlive it.
func (l *Lab) WaitApplied(ctx context.Context, within time.Duration) error {
	st, err := l.LoadState()
	if err != nil {
		return err
	}
	c, err := l.Client()
	if err != nil {
		return err
	}
	w := startWait(ctx, within)
	defer w.cancel()
	ctx = w.ctx
	var last applyState
	for {
		p := applyProgress(ctx, c, st)
		if len(p.failed) > 0 {
			return fmt.Errorf("not applied (the agent kept the last good config): %s", strings.Join(p.failed, "; "))
		}
		if p.err == nil && len(p.pending) == 0 {
			return nil
		}
		if p.err == nil || last.pending == nil {
			last.pending = p.pending
		}
		last.err = p.err
		select {
		case <-ctx.Done():
			return last.timeout(w)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// applyState is one poll of WaitApplied: the devices not there yet, each
// with what it last reported, those that failed, and the API error that
// made the poll incomplete.
type applyState struct {
	pending []string
	failed  []string
	err     error
}

func (a applyState) timeout(w wait) error {
	seen := strings.Join(a.pending, "; ")
	if a.err != nil {
		seen = strings.TrimPrefix(seen+"; last API call: "+a.err.Error(), "; ")
	}
	names := make([]string, len(a.pending))
	for i, p := range a.pending {
		names[i], _, _ = strings.Cut(p, " ")
	}
	who := strings.Join(names, ", ")
	if who == "" {
		who = "every device"
	}
	return w.failed("waiting for "+who+" to apply its revision", seen)
}

func applyProgress(ctx context.Context, c client.Client, st *State) applyState {
	var cms corev1.ConfigMapList
	var nds v1alpha1.NetworkDeviceList
	if err := c.List(ctx, &cms, client.InNamespace(st.Namespace)); err != nil {
		return applyState{err: fmt.Errorf("listing ConfigMaps in %s: %w", st.Namespace, err)}
	}
	if err := c.List(ctx, &nds, client.InNamespace(st.Namespace)); err != nil {
		return applyState{err: fmt.Errorf("listing NetworkDevices in %s: %w", st.Namespace, err)}
	}
	want := map[string]string{}
	for i := range cms.Items {
		rev, _ := kube.Revision(&cms.Items[i])
		want[cms.Items[i].Name] = rev
	}
	status := map[string]v1alpha1.NetworkDeviceStatus{}
	for _, nd := range nds.Items {
		status[nd.Name] = nd.Status
	}
	var p applyState
	for _, d := range st.Devices {
		rev, ok := want[bundle.ConfigMapName(d.Name)]
		s, reported := status[d.Name]
		switch {
		case !ok:
			p.pending = append(p.pending, d.Name+" (no ConfigMap)")
		case s.AppliedRevision == rev:
		case s.DesiredRevision == rev && s.LastError != "":
			p.failed = append(p.failed, d.Name+": "+s.LastError)
		case !reported:
			p.pending = append(p.pending, fmt.Sprintf("%s (wants %s; no status yet)", d.Name, bundle.ShortHash(rev)))
		default:
			p.pending = append(p.pending, fmt.Sprintf("%s (wants %s; applied %q, desired %q, %s)", d.Name,
				bundle.ShortHash(rev), bundle.ShortHash(s.AppliedRevision), bundle.ShortHash(s.DesiredRevision), condition(s)))
		}
	}
	sort.Strings(p.pending)
	return p
}

// apply server-side applies objs: the namespace first, then the rest
// eight at a time (each is one API round trip).
func apply(ctx context.Context, c client.Client, objs []*unstructured.Unstructured) error {
	one := func(u *unstructured.Unstructured) error {
		if err := c.Apply(ctx, client.ApplyConfigurationFromUnstructured(u), client.FieldOwner(FieldManager), client.ForceOwnership); err != nil {
			return fmt.Errorf("applying %s %s: %w", u.GetKind(), u.GetName(), err)
		}
		return nil
	}
	if err := one(objs[0]); err != nil {
		return err
	}
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for _, u := range objs[1:] {
		g.Go(func() error { return one(u) })
	}
	return g.Wait()
}
