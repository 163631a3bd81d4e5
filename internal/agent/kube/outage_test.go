package kube

import (
	"context"
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/agent"
	"underlay.dev/underlay/internal/agent/agenttest"
	"underlay.dev/underlay/internal/agent/store"
)

// proxy forwards TCP to the API server and can cut every connection, as a
// management-network outage would.
type proxy struct {
	addr, target string
	mu           sync.Mutex
	l            net.Listener
	conns        []net.Conn
}

func (p *proxy) up(t *testing.T) {
	l, err := net.Listen("tcp", p.addr)
	if err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	p.l, p.addr = l, l.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go func() { io.Copy(s, c); s.Close() }()
			go func() { io.Copy(c, s); c.Close() }()
		}
	}()
}

func (p *proxy) down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.l.Close()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// TestAPIServerOutage: while the agent cannot reach the API server the
// device keeps its configuration; when it can again, the agent catches up
// with the newest revision and reports it.
func TestAPIServerOutage(t *testing.T) {
	direct, admin := startAPI(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := admin.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "dc1"}}); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(direct.Host)
	p := &proxy{addr: "127.0.0.1:0", target: u.Host}
	p.up(t)
	cfg := rest.CopyConfig(direct)
	cfg.Host = "https://" + p.addr
	dev := &agenttest.Device{}
	st, _ := store.Open(t.TempDir())
	eng := &agent.Engine{Driver: dev, Prober: dev, Store: st, HealthTimeout: time.Second}
	go Run(ctx, Config{Rest: cfg, Device: "leaf1", Namespace: "dc1", Engine: eng, MetricsAddr: "0", HealthAddr: "0"})
	if err := admin.Create(ctx, configMap("dc1", "leaf1", "sha256:r1", agenttest.Files("v1"))); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, admin, func(s v1alpha1.NetworkDeviceStatus) bool { return s.AppliedRevision == "sha256:r1" })

	p.down()
	var cm corev1.ConfigMap
	if err := admin.Get(ctx, client.ObjectKey{Namespace: "dc1", Name: "underlay-leaf1"}, &cm); err != nil {
		t.Fatal(err)
	}
	cm.Data = map[string]string{"frr.conf": "v2", "expect.json": agenttest.Expect}
	cm.Annotations["underlay.dev/content-hash"] = "sha256:r2"
	if err := admin.Update(ctx, &cm); err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * time.Second)
	if dev.Running() != "v1" {
		t.Fatalf("device changed while the API server was unreachable: %q", dev.Running())
	}
	start := time.Now()
	p.up(t)
	waitStatus(t, admin, func(s v1alpha1.NetworkDeviceStatus) bool { return s.AppliedRevision == "sha256:r2" })
	t.Logf("caught up %s after the API server came back", time.Since(start).Round(time.Millisecond))
	if dev.Running() != "v2" {
		t.Errorf("device runs %q, want v2", dev.Running())
	}
}
