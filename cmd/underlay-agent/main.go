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
	"time"

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
	var (
		device     = flag.String("device", os.Getenv("NODE_NAME"), "device name (default: $NODE_NAME)")
		namespace  = flag.String("namespace", os.Getenv("POD_NAMESPACE"), "namespace of the device's ConfigMap")
		fabric     = flag.String("fabric", "", "fabric name, recorded in the NetworkDevice")
		platform   = flag.String("platform", "cumulus", "device platform: cumulus, linux-frr, nvue or sonic")
		stateDir   = flag.String("state-dir", "/var/lib/underlay-agent", "where the last-known-good config is kept")
		timeout    = flag.Duration("health-timeout", 60*time.Second, "how long sessions and prefixes may take after an apply")
		metrics    = flag.String("metrics-addr", ":9469", "serve /metrics here (0 disables)")
		health     = flag.String("health-addr", ":9470", "serve /healthz here (0 disables)")
		pathspace  = flag.String("frr-pathspace", "", "FRR pathspace (vtysh -N), for namespaced FRR")
		nvueURL    = flag.String("nvue-url", "", "NVUE REST base URL (default: the local unix socket)")
		nvueSocket = flag.String("nvue-socket", "", "NVUE REST unix socket (default /var/run/nvue/nvue.sock)")
		netns      = flag.String("netns", "", "run ifreload in this network namespace (the lab)")
		ifaces     = flag.String("interfaces", "", "interfaces file ifreload applies (default /etc/network/interfaces)")
		sonicDir   = flag.String("sonic-dir", "", "SONiC: directory for config_db.json and frr/frr.conf (default /etc/sonic)")
		sonicCLI   []string
		nvueCreds  = flag.String("nvue-credentials", "", "file holding NVUE user:password (from a Secret)")
		nvueCA     = flag.String("nvue-ca", "", "CA file to verify the NVUE certificate")
		nvueHTTP   = flag.Bool("nvue-insecure-http", false, "NVUE: allow sending the credentials to an http:// --nvue-url, in the clear")
		sonicLoad  = flag.Bool("sonic-config-reload", false, "SONiC: use config reload (disruptive) instead of apply-patch")
		configDir  = flag.String("config-dir", "", "read the config from this mounted ConfigMap directory instead of watching the API")
		driftEvery = flag.Duration("drift-interval", 5*time.Minute, "compare the running config with the applied one this often (0 disables)")
		driftPol   = flag.String("drift-policy", "correct", "on drift: correct (re-apply) or report")
	)
	flag.Func("sonic-cli", "SONiC: run SONiC commands through this program (repeat for each argument; the lab's emulation)",
		func(v string) error { sonicCLI = append(sonicCLI, v); return nil })
	flag.Parse()
	if !agent.DriftPolicy(*driftPol).IsValid() {
		return fmt.Errorf("--drift-policy %q: want correct or report", *driftPol)
	}
	if *device == "" {
		return fmt.Errorf("--device is required (or $NODE_NAME)")
	}
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	drv, prober, err := driver.For(model.Platform(*platform), driver.Options{FRRPathspace: *pathspace,
		Netns: *netns, InterfacesPath: *ifaces, NVUESocket: *nvueSocket,
		NVUEURL: *nvueURL, NVUECredentials: *nvueCreds, NVUECA: *nvueCA, NVUEInsecureHTTP: *nvueHTTP,
		SONiCReload: *sonicLoad, SONiCCLI: sonicCLI, SONiCDir: *sonicDir})
	if err != nil {
		return err
	}
	st, err := store.Open(*stateDir)
	if err != nil {
		return err
	}
	cfg, err := restConfig(*configDir, *namespace, log)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	log.Info("starting", "device", *device, "namespace", *namespace, "platform", *platform)
	return kube.Run(ctx, kube.Config{Rest: cfg, Device: *device, Namespace: *namespace, Fabric: *fabric, Platform: *platform,
		Engine:      &agent.Engine{Driver: drv, Prober: prober, Store: st, HealthTimeout: *timeout, Log: log, Device: *device},
		MetricsAddr: *metrics, HealthAddr: *health, Log: log,
		ConfigDir: *configDir, DriftInterval: *driftEvery, DriftPolicy: agent.DriftPolicy(*driftPol)})
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
