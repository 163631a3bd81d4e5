package lab

import (
	"context"
	"encoding/pem"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/rest"
)

// silentLab is a lab on disk whose API server completes TLS and never
// answers (a frozen kube-apiserver), or, with tcpOnly, accepts TCP and
// never answers (a handshake that never ends), and whose supervisor
// socket accepts and never answers.
func silentLab(t *testing.T, tcpOnly bool) *Lab {
	l := &Lab{Dir: t.TempDir(), RequestTimeout: time.Second}
	f, err := LoadFabric(seedLab)
	if err != nil {
		t.Fatal(err)
	}
	st, err := l.plan(f, seedLab, "silent")
	if err != nil {
		t.Fatal(err)
	}
	if err := l.saveState(st); err != nil {
		t.Fatal(err)
	}
	cfg := &rest.Config{}
	if tcpOnly {
		cfg.Host = "https://" + acceptAndSleep(t, "tcp", "127.0.0.1:0")
	} else {
		done := make(chan struct{})
		srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-done }))
		srv.EnableHTTP2 = true
		srv.StartTLS()
		t.Cleanup(func() { close(done); srv.CloseClientConnections(); srv.Close() })
		cfg.Host = srv.URL
		cfg.CAData = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	}
	if err := WriteKubeconfig(cfg, l.path(AdminKubeconfig)); err != nil {
		t.Fatal(err)
	}
	acceptAndSleep(t, "unix", l.path(ControlSocket))
	return l
}

func acceptAndSleep(t *testing.T, network, addr string) string {
	ln, err := net.Listen(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
		}
	}()
	return ln.Addr().String()
}

const seedLab = "../../examples/seed-lab/fabric.yaml"

// TestSilentServersBounded: every lab call that talks to the API server
// or the supervisor returns within its timeout against endpoints that
// never answer, and its error names the stage. Before, lab sync and
// WaitApplied's List waited forever (discovery ignores the call's
// context), and so did the seed-lab story that called them.
func TestSilentServersBounded(t *testing.T) {
	for _, tcpOnly := range []bool{true, false} {
		name := map[bool]string{true: "tcp accepts, never answers", false: "https, never answers"}[tcpOnly]
		t.Run(name, func(t *testing.T) {
			l := silentLab(t, tcpOnly)
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			calls := []struct {
				stage  string
				within time.Duration
				call   func() error
			}{
				{"lab sync", 5 * time.Second, func() error { return l.Sync(ctx, seedLab) }},
				{"waiting for every device to apply", 5 * time.Second, func() error { return l.WaitApplied(ctx, 2*time.Second) }},
				{"lab supervisor GET /status", 3 * time.Second, func() error { return l.Control(ctx, "GET", "/status", nil) }},
				{"reading its NetworkDevice", 15 * time.Second, func() error {
					var out strings.Builder
					err := l.Status(ctx, &out)
					if err == nil && strings.Contains(out.String(), "reading its NetworkDevice") {
						return errString(out.String())
					}
					return err
				}},
			}
			for _, c := range calls {
				start := time.Now()
				err := c.call()
				took := time.Since(start)
				if err == nil || !strings.Contains(err.Error(), c.stage) {
					t.Errorf("%s: want an error naming %q, got %v", c.stage, c.stage, err)
				}
				if took > c.within {
					t.Errorf("%s took %s against a silent server (bound %s)", c.stage, took.Round(time.Millisecond), c.within)
				}
				t.Logf("%s: %s: %v", c.stage, took.Round(time.Millisecond), err)
			}
		})
	}
}

type errString string

func (e errString) Error() string { return string(e) }

// TestWaitAppliedHonoursCallerDeadline: a caller's deadline shorter than
// within ends the wait, and the error says so.
func TestWaitAppliedHonoursCallerDeadline(t *testing.T) {
	l := silentLab(t, false)
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := l.WaitApplied(ctx, time.Hour)
	if took := time.Since(start); took > 4*time.Second {
		t.Errorf("WaitApplied ran %s past a 1.5s caller deadline", took)
	}
	if err == nil || !strings.Contains(err.Error(), "deadline exceeded") || !strings.Contains(err.Error(), "last seen") {
		t.Errorf("want a deadline error with what was last seen, got %v", err)
	}
	if err != nil && !strings.Contains(err.Error(), "the caller's deadline") {
		t.Errorf("the error does not say it was the caller's deadline: %v", err)
	}
}
