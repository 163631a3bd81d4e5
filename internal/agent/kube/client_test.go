package kube

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// silentTCP accepts connections and never answers: a TLS handshake to it
// waits for the server's first flight forever.
func silentTCP(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
		}
	}()
	return "https://" + l.Addr().String()
}

// silentHTTPS completes TLS (HTTP/2) and never answers a request, as a
// frozen API server whose sockets the kernel still serves.
func silentHTTPS(t *testing.T) (string, []byte) {
	done := make(chan struct{})
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-done }))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(func() { close(done); srv.Close() })
	return srv.URL, srv.Certificate().Raw
}

// TestClientBoundedAgainstSilentServer: every request of a client built
// here returns within its timeout against a server that never answers,
// at the TCP or at the HTTP level. Unbounded, the first waits for the
// TLS handshake timeout (10 s) and the second forever.
func TestClientBoundedAgainstSilentServer(t *testing.T) {
	tcp := silentTCP(t)
	https, _ := silentHTTPS(t)
	for _, tt := range []struct{ name, host string }{{"tcp accepts, never answers", tcp}, {"https, never answers", https}} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := &rest.Config{Host: tt.host, TLSClientConfig: rest.TLSClientConfig{Insecure: true}}
			c, err := NewClient(cfg, time.Second, 0)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			start := time.Now()
			err = c.List(ctx, &corev1.ConfigMapList{})
			took := time.Since(start)
			if err == nil {
				t.Fatal("List against a silent server succeeded")
			}
			if took > 3*time.Second {
				t.Errorf("List took %s with a 1s request timeout: %v", took.Round(time.Millisecond), err)
			}
		})
	}
}

func TestBoundedKeepsShorterTimeout(t *testing.T) {
	for _, tt := range []struct {
		name      string
		set, want time.Duration
	}{{"unset", 0, RequestTimeout}, {"shorter kept", time.Second, time.Second}, {"longer cut", time.Hour, RequestTimeout}} {
		t.Run(tt.name, func(t *testing.T) {
			orig := &rest.Config{Host: "https://127.0.0.1:1", Timeout: tt.set}
			if got := Bounded(orig, 0).Timeout; got != tt.want {
				t.Errorf("Bounded(%s).Timeout = %s, want %s", tt.set, got, tt.want)
			}
			if orig.Timeout != tt.set {
				t.Errorf("Bounded changed its argument")
			}
		})
	}
}

// TestWatchableBoundsSilentServersNotWatches: the manager's config fails
// a request to a silent server within its timeout, like Bounded, but a
// watch on a real API server outlives that timeout and still delivers
// events (with Bounded it is cut at the timeout).
func TestWatchableBoundsSilentServersNotWatches(t *testing.T) {
	for _, host := range []string{silentTCP(t), func() string { h, _ := silentHTTPS(t); return h }()} {
		cfg := Watchable(&rest.Config{Host: host, TLSClientConfig: rest.TLSClientConfig{Insecure: true}}, time.Second)
		c, err := client.New(cfg, client.Options{})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		err = c.List(context.Background(), &corev1.ConfigMapList{})
		if err == nil || time.Since(start) > 3*time.Second {
			t.Errorf("%s: List returned %v after %s with a 1s header deadline", host, err, time.Since(start).Round(time.Millisecond))
		}
	}

	cfg, admin := startAPI(t)
	cs, err := kubernetes.NewForConfig(Watchable(cfg, time.Second))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	w, err := cs.CoreV1().ConfigMaps("default").Watch(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	time.Sleep(2500 * time.Millisecond) // well past the 1s deadline
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "after-the-deadline", Namespace: "default"}}
	if err := admin.Create(ctx, cm); err != nil {
		t.Fatal(err)
	}
	for {
		select {
		case ev, ok := <-w.ResultChan():
			if !ok {
				t.Fatal("the watch ended at the request deadline")
			}
			if m, isCM := ev.Object.(*corev1.ConfigMap); isCM && m.Name == cm.Name {
				return
			}
		case <-ctx.Done():
			t.Fatal("waiting for the watch event of a ConfigMap created after the deadline: none within 30s")
		}
	}
}
