package kube

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/agent"
	"underlay.dev/underlay/internal/agent/agenttest"
	"underlay.dev/underlay/internal/agent/store"
	"underlay.dev/underlay/internal/bundle"
	"underlay.dev/underlay/internal/expect"
)

// BenchmarkThousandAgents runs 1,000 agents' worth of watches against one
// real API server: each agent is a field-selected watch on its own
// ConfigMap feeding the real Runner, Engine (with an in-memory device) and
// status Reporter. One iteration changes all 1,000 ConfigMaps and waits
// until every NetworkDevice status acknowledges the new revision. Each
// agent reports as a real one does: Desired (Progressing) when its
// ConfigMap changes, then the outcome with its sessions and peers, each
// one merge patch of the status subresource.
//
//	KUBEBUILDER_ASSETS=$(hack/k8s-bins.sh) go test ./internal/agent/kube -run '^$' -bench ThousandAgents -benchtime 3x
func BenchmarkThousandAgents(b *testing.B) {
	const n = 1000
	cfg, c := startAPI(b)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cs := kubernetes.NewForConfigOrDie(cfg)
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "dc1"}}); err != nil {
		b.Fatal(err)
	}
	var acked sync.Map
	reps := make([]*Reporter, n)
	exp := []expect.Session{{Neighbor: "swp1", Peer: "s"}}
	for i := range n {
		dev := fmt.Sprintf("d%04d", i)
		if err := c.Create(ctx, configMap("dc1", dev, "sha256:0", agenttest.Files("v0"))); err != nil {
			b.Fatal(err)
		}
		st, _ := store.Open(b.TempDir())
		d := &agenttest.Device{}
		rep := &Reporter{Client: c, Device: dev, Namespace: "dc1"}
		reps[i] = rep
		eng := &agent.Engine{Driver: d, Prober: d, Store: st}
		runner := &agent.Runner{Engine: eng, OnResult: func(res agent.Result) {
			state, _ := d.Probe(ctx)
			rep.Result(ctx, res, &state, exp)
			acked.Store(dev+res.Revision, true)
		}}
		go runner.Run(ctx)
		go watchOwn(ctx, b, cs, dev, rep, runner)
	}
	// Every agent has applied v0 before the clock starts.
	for i := 0; i < n; {
		if _, ok := acked.Load(fmt.Sprintf("d%04d", i) + "sha256:0"); ok {
			i++
			continue
		}
		time.Sleep(5 * time.Millisecond)
	}
	writes := func() int {
		w := 0
		for _, r := range reps {
			w += r.Writes()
		}
		return w
	}
	before := writes()
	b.ResetTimer()
	for it := 1; it <= b.N; it++ {
		rev := fmt.Sprintf("sha256:%d", it)
		start := time.Now()
		for i := range n {
			dev := fmt.Sprintf("d%04d", i)
			cm := configMap("dc1", dev, rev, agenttest.Files("v"+rev))
			if err := c.Update(ctx, cm); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/configmaps-updated")
		for i := 0; i < n; {
			if _, ok := acked.Load(fmt.Sprintf("d%04d", i) + rev); ok {
				i++
				continue
			}
			time.Sleep(5 * time.Millisecond)
		}
		// Acknowledged in memory; now confirm in the API.
		var list v1alpha1.NetworkDeviceList
		for {
			if err := c.List(ctx, &list, client.InNamespace("dc1")); err != nil {
				b.Fatal(err)
			}
			done := 0
			for _, nd := range list.Items {
				if nd.Status.AppliedRevision == rev {
					done++
				}
			}
			if done == n {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/all-1000-acknowledged")
	}
	b.ReportMetric(float64(writes()-before)/float64(n*b.N), "patches/agent/change")
}

// watchOwn is the agent's source reduced to its essence: a watch on one
// ConfigMap by name, each event submitted to the runner.
func watchOwn(ctx context.Context, b *testing.B, cs *kubernetes.Clientset, dev string, rep *Reporter, r *agent.Runner) {
	sel := fields.OneTermEqualSelector("metadata.name", bundle.ConfigMapName(dev)).String()
	w, err := cs.CoreV1().ConfigMaps("dc1").Watch(ctx, metav1.ListOptions{FieldSelector: sel})
	if err != nil {
		b.Error(err)
		return
	}
	for ev := range w.ResultChan() {
		if cm, ok := ev.Object.(*corev1.ConfigMap); ok {
			rev, files := Revision(cm)
			rep.Desired(ctx, rev)
			r.Submit(rev, files)
		}
	}
}
