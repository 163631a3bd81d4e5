package cli

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"

	"github.com/go-logr/logr"
	"github.com/spf13/cobra"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"underlay.dev/underlay/internal/serve"
)

type serveOptions struct {
	listen, kubeconfig string
}

func newServe() *cobra.Command {
	var o serveOptions
	cmd := &cobra.Command{
		Use:   "serve FABRIC [--listen 127.0.0.1:8080] [--kubeconfig FILE]",
		Short: "Serve a read-only live page of the topology and what the agents report",
		Long: "serve draws FABRIC (an intent file, or a Git checkout holding fabric.yaml) by tier and pod\n" +
			"and overlays the NetworkDevices of its namespace, watched with your kubeconfig (Kubernetes RBAC\n" +
			"decides what you see): state, desired vs applied revision, sessions expected vs reported per\n" +
			"link, and per device its rendered files and last error. The page follows changes live.\n" +
			"It listens on loopback unless --listen names another address.",
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runServe(cmd, args[0], o) },
	}
	cmd.Flags().StringVar(&o.listen, "listen", "127.0.0.1:8080", "address to listen on (loopback unless given)")
	cmd.Flags().StringVar(&o.kubeconfig, "kubeconfig", "", "kubeconfig file (default: as kubectl finds it)")
	return cmd
}

func runServe(cmd *cobra.Command, path string, o serveOptions) error {
	loopback, err := isLoopback(o.listen)
	if err != nil {
		return usage(err)
	}
	if !loopback {
		if !cmd.Flags().Changed("listen") {
			return usage(fmt.Errorf("refusing to listen on %s, not a loopback address, unless --listen says so", o.listen))
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "warning: listening on %s, not loopback: whoever reaches it sees the fabric "+
			"and what your kubeconfig may read\n", o.listen)
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		path = filepath.Join(path, "fabric.yaml") // a Git checkout
	}
	_, tree, err := loadTree(path)
	if err != nil {
		return reportErrors(cmd, err)
	}
	cfg, err := serveConfig(o.kubeconfig)
	if err != nil {
		return failed(err)
	}
	// The watch's informer logs through controller-runtime's global logger,
	// which, never set, prints a stack trace when the page stops: only its
	// warnings and errors, to stderr (the page shows the watch's errors).
	ctrllog.SetLogger(logr.FromSlogHandler(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: slog.LevelWarn})))
	s, err := serve.New(serve.Options{Tree: tree, Config: cfg, Loopback: loopback, Log: cmd.ErrOrStderr()})
	if err != nil {
		return failed(err)
	}
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return failed(fmt.Errorf("--listen %s: %w", o.listen, err))
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "serving fabric %s (%d devices, namespace %s) on http://%s/\n",
		tree.Fabric.Name, len(tree.Fabric.Devices), tree.Fabric.Namespace, ln.Addr())
	ctx, stop := signalContext()
	defer stop()
	if err := s.Run(ctx, ln); err != nil {
		return failed(err)
	}
	return nil
}

// isLoopback reports whether addr (host:port) listens on loopback only; an
// empty host listens everywhere.
func isLoopback(addr string) (bool, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false, fmt.Errorf("--listen %q: want host:port, e.g. 127.0.0.1:8080: %w", addr, err)
	}
	if host == "localhost" {
		return true, nil
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback(), nil
}

// serveConfig is the API server config: --kubeconfig, else as kubectl
// finds it.
func serveConfig(path string) (*rest.Config, error) {
	if path == "" {
		cfg, err := restConfig()
		if err != nil {
			return nil, fmt.Errorf("kubernetes config: %w (give --kubeconfig)", err)
		}
		return cfg, nil
	}
	rules := &clientcmd.ClientConfigLoadingRules{ExplicitPath: path}
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{}).ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("--kubeconfig %s: %w", path, err)
	}
	if cfg == nil {
		return nil, errors.New("--kubeconfig " + path + ": no cluster")
	}
	return cfg, nil
}
