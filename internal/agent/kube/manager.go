package kube

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/agent"
	"underlay.dev/underlay/internal/bundle"
	"underlay.dev/underlay/internal/expect"
)

// Config is how one agent runs.
type Config struct {
	Rest      *rest.Config
	Device    string
	Namespace string
	Fabric    string
	Platform  string
	Engine    *agent.Engine
	// MetricsAddr and HealthAddr serve /metrics and /healthz ("0" disables).
	MetricsAddr string
	HealthAddr  string
	// ConfigDir, when set, reads the config from a mounted ConfigMap
	// directory (the kubelet's ..data swap) instead of watching the API;
	// with no Rest config it is the only source (offline mode).
	ConfigDir string
	// DriftInterval and DriftPolicy drive drift checks (0 disables).
	DriftInterval time.Duration
	DriftPolicy   agent.DriftPolicy
	Log           *slog.Logger
}

// Scheme knows core types and NetworkDevice.
func Scheme() (*runtime.Scheme, error) {
	s := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(s); err != nil {
		return nil, err
	}
	if err := v1alpha1.AddToScheme(s); err != nil {
		return nil, err
	}
	return s, nil
}

// CacheOptions limit the agent's watches to its own ConfigMap and
// NetworkDevice, by name: that is all its RBAC allows, and all it needs.
func CacheOptions(device, namespace string) cache.Options {
	byName := func(name string) cache.ByObject {
		return cache.ByObject{Field: fields.OneTermEqualSelector("metadata.name", name)}
	}
	return cache.Options{
		DefaultNamespaces: map[string]cache.Config{namespace: {}},
		ByObject: map[client.Object]cache.ByObject{
			&corev1.ConfigMap{}:       byName(bundle.ConfigMapName(device)),
			&v1alpha1.NetworkDevice{}: byName(device),
		},
	}
}

// Run runs the agent until ctx ends; without a REST config it runs
// offline (RunOffline).
func Run(ctx context.Context, cfg Config) error {
	if cfg.Rest == nil {
		return RunOffline(ctx, cfg)
	}
	scheme, err := Scheme()
	if err != nil {
		return err
	}
	log := cfg.Log
	if log == nil {
		log = slog.Default()
	}
	ctrl.SetLogger(logr.FromSlogHandler(log.Handler()))
	// Every request of the manager's client, API reader and informers must
	// get its answer within RequestTimeout, so no status write or read can
	// hang the agent; a watch then streams for as long as the server holds
	// it (Watchable).
	mgr, err := ctrl.NewManager(Watchable(cfg.Rest, RequestTimeout), ctrl.Options{
		Scheme:                 scheme,
		Cache:                  CacheOptions(cfg.Device, cfg.Namespace),
		Metrics:                metricsserver.Options{BindAddress: cfg.MetricsAddr},
		HealthProbeBindAddress: cfg.HealthAddr,
	})
	if err != nil {
		return fmt.Errorf("creating manager: %w", err)
	}
	if err := mgr.AddHealthzCheck("ping", healthz.Ping); err != nil {
		return err
	}
	rep := &Reporter{Client: mgr.GetClient(), Reader: mgr.GetAPIReader(), Device: cfg.Device, Namespace: cfg.Namespace, Fabric: cfg.Fabric,
		Platform: cfg.Platform, Events: mgr.GetEventRecorder("underlay-agent"), Log: cfg.Log}
	var settle settler
	runner := &agent.Runner{Engine: cfg.Engine, DriftInterval: cfg.DriftInterval, DriftPolicy: cfg.DriftPolicy,
		OnResult: func(res agent.Result) { report(ctx, rep, cfg.Engine, &settle, res) }}
	if err := mgr.Add(manager.RunnableFunc(func(ctx context.Context) error { runner.Run(ctx); return nil })); err != nil {
		return err
	}
	if err := mgr.Add(manager.RunnableFunc(func(ctx context.Context) error { rep.Resync(ctx, 2*time.Second); return nil })); err != nil {
		return err
	}
	if cfg.ConfigDir != "" {
		source := func(ctx context.Context) error { return watchDir(ctx, cfg.ConfigDir, rep, runner) }
		if err := mgr.Add(manager.RunnableFunc(source)); err != nil {
			return err
		}
		return mgr.Start(ctx)
	}
	c := &Controller{Client: mgr.GetClient(), Device: cfg.Device, Namespace: cfg.Namespace, Runner: runner, Status: rep}
	if err := c.SetupWithManager(mgr); err != nil {
		return err
	}
	return mgr.Start(ctx)
}

// report writes a result with the sessions read back from the device
// and the ones its last-known-good expect.json gates on; sessions not all
// up yet are followed up by s.
func report(ctx context.Context, rep reporter, e *agent.Engine, s *settler, res agent.Result) {
	agent.Observe(res)
	s.stop()
	var exp []expect.Session
	if _, files, err := e.Store.Good(); err == nil {
		exp = expect.Parse(files[expect.FileName]).Sessions
	}
	if e.Prober == nil {
		rep.Result(ctx, res, nil, exp)
		return
	}
	st, err := e.Prober.Probe(ctx)
	if err != nil {
		rep.Result(ctx, res, nil, exp)
		return
	}
	rep.Result(ctx, res, &st, exp)
	s.follow(ctx, rep, e.Prober, &st, exp)
}
