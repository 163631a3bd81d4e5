package kube

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"k8s.io/client-go/rest"
)

// Watchable returns a copy of cfg for a manager whose informers hold
// watches open: every request must have its response headers within
// timeout (RequestTimeout when 0), from dial through TLS to the first
// byte, so a frozen or silent server fails the request; a response's body
// then streams as long as the server sends it. Bounded's
// rest.Config.Timeout cuts the body too, so every watch would end after
// timeout and each of a thousand agents re-watch twice a minute.
// Non-streaming reads and writes also carry their caller's context.
func Watchable(cfg *rest.Config, timeout time.Duration) *rest.Config {
	if timeout <= 0 {
		timeout = RequestTimeout
	}
	c := rest.CopyConfig(cfg)
	c.Timeout = 0
	wrap := c.WrapTransport
	c.WrapTransport = func(rt http.RoundTripper) http.RoundTripper {
		if wrap != nil {
			rt = wrap(rt)
		}
		return &headerDeadline{next: rt, timeout: timeout}
	}
	return c
}

// headerDeadline fails a round trip whose response headers do not arrive
// within timeout.
type headerDeadline struct {
	next    http.RoundTripper
	timeout time.Duration
}

func (h *headerDeadline) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancel(req.Context())
	timer := time.AfterFunc(h.timeout, cancel)
	resp, err := h.next.RoundTrip(req.WithContext(ctx))
	if !timer.Stop() {
		if err == nil {
			resp.Body.Close()
		}
		cancel()
		return nil, fmt.Errorf("%s %s: no response within %s: %w", req.Method, req.URL.Redacted(), h.timeout, context.DeadlineExceeded)
	}
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// cancelOnClose releases the round trip's context with its body.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}
