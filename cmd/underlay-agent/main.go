// Command underlay-agent runs on a switch or host: it watches the device's
// ConfigMap and applies it safely (pre-check, apply, health gate, commit
// or roll back), reporting to the device's NetworkDevice status. With
// --config-dir and no API server it runs offline: the directory is the
// source and the log is the status.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"

	"underlay.dev/underlay/internal/agent"
	"underlay.dev/underlay/internal/agent/driver"
	"underlay.dev/underlay/internal/agent/kube"
	"underlay.dev/underlay/internal/agent/store"
	"underlay.dev/underlay/internal/model"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "underlay-agent:", err)
		os.Exit(1)
	}
}

func run() error {
	o := newFlags(flag.CommandLine)
	flag.Parse()
	if !agent.DriftPolicy(*o.driftPol).IsValid() {
		return fmt.Errorf("--drift-policy %q: want correct or report", *o.driftPol)
	}
	if *o.device == "" {
		return fmt.Errorf("--device is required (or $NODE_NAME)")
	}
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	drv, prober, err := driver.For(model.Platform(*o.platform), o.driverOptions())
	if err != nil {
		return err
	}
	st, err := store.Open(*o.stateDir)
	if err != nil {
		return err
	}
	cfg, err := restConfig(*o.configDir, *o.namespace, log)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	log.Info("starting", "device", *o.device, "namespace", *o.namespace, "platform", *o.platform)
	return kube.Run(ctx, kube.Config{Rest: cfg, Device: *o.device, Namespace: *o.namespace, Fabric: *o.fabric, Platform: *o.platform,
		Engine:      &agent.Engine{Driver: drv, Prober: prober, Store: st, HealthTimeout: *o.timeout, Log: log, Device: *o.device},
		MetricsAddr: *o.metrics, HealthAddr: *o.health, Log: log,
		ConfigDir: *o.configDir, DriftInterval: *o.driftEvery, DriftPolicy: agent.DriftPolicy(*o.driftPol)})
}

// restConfig finds the API server. With --config-dir and none configured
// (no --kubeconfig, $KUBECONFIG, in-cluster environment or
// ~/.kube/config) the agent runs offline: nil, status only logged.
func restConfig(configDir, namespace string, log *slog.Logger) (*rest.Config, error) {
	cfg, err := ctrl.GetConfig()
	if err != nil && configDir != "" {
		log.Warn("no API server configured: offline mode, status is only logged", "configDir", configDir, "reason", err.Error())
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("kubernetes client config: %w (or run offline with --config-dir)", err)
	}
	if namespace == "" {
		return nil, fmt.Errorf("--namespace is required with an API server (or $POD_NAMESPACE)")
	}
	return cfg, nil
}
