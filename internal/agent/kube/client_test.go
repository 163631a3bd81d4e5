package kube

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/rest"
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
