package kube

import (
	"fmt"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// RequestTimeout bounds every request to the API server that the agent
// and the lab make. Without it a request to a server that accepts the
// connection and never answers (frozen, overloaded, a half-open
// management link) waits forever, and every wait built on it with it.
// Clients that only read and write use it as rest.Config.Timeout
// (Bounded); the agent's manager, whose informers hold watches open, as a
// deadline for the response headers (Watchable).
const RequestTimeout = 30 * time.Second

// Bounded returns a copy of cfg whose every request ends within timeout
// (RequestTimeout when 0): rest.Config.Timeout is the HTTP client's
// overall deadline (dial, TLS handshake, headers and body). A shorter
// timeout already set is kept.
func Bounded(cfg *rest.Config, timeout time.Duration) *rest.Config {
	if timeout <= 0 {
		timeout = RequestTimeout
	}
	c := rest.CopyConfig(cfg)
	if c.Timeout == 0 || c.Timeout > timeout {
		c.Timeout = timeout
	}
	return c
}

// LoadConfig reads a kubeconfig file and bounds it (see Bounded).
func LoadConfig(kubeconfig string, timeout time.Duration) (*rest.Config, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return nil, fmt.Errorf("kubeconfig %s: %w", kubeconfig, err)
	}
	return Bounded(cfg, timeout), nil
}

// NewClient is a client of NetworkDevices and core types whose every
// request is bounded (see Bounded). qps raises client-go's default of 5
// requests per second where the server is local (0 keeps it).
func NewClient(cfg *rest.Config, timeout time.Duration, qps float32) (client.Client, error) {
	cfg = Bounded(cfg, timeout)
	if qps > 0 {
		cfg.QPS, cfg.Burst = qps, int(2*qps)
	}
	scheme, err := Scheme()
	if err != nil {
		return nil, err
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		return nil, fmt.Errorf("client of %s: %w", cfg.Host, err)
	}
	return c, nil
}
