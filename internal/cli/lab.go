package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"underlay.dev/underlay/internal/lab"
)

// newLab is `underlay lab`: the whole loop on one machine with real FRR.
func newLab() *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "lab",
		Short: "Run a fabric on this machine: namespaces, real FRR, a real API server and an agent per device (root)",
		Long: `lab builds the fabric on this machine: a network namespace per device with
veths named like its ports, real FRR in each, a real kube-apiserver, and one
underlay-agent per device. sync renders the intent and applies it with
server-side apply, as Flux does. cumulus and linux-frr devices run for real;
nvue and sonic devices are emulations (an NVUE REST API emulator and a SONiC
CONFIG_DB/CLI emulation that drive FRR and addresses in the namespace).`,
	}
	cmd.PersistentFlags().StringVar(&dir, "dir", lab.DefaultDir, "lab directory: state file, API server data, agent state and logs")
	get := func(c *cobra.Command) *lab.Lab { return &lab.Lab{Dir: dir, Out: c.ErrOrStderr()} }
	cmd.AddCommand(newLabUp(get), newLabSync(get), newLabStatus(get), newLabExec(get), newLabDown(get),
		newLabServe(get), newLabSONiCCLI(get), newLabDHCRelay(get), newLabGuard())
	return cmd
}

func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

func newLabUp(get func(*cobra.Command) *lab.Lab) *cobra.Command {
	var o lab.UpOptions
	cmd := &cobra.Command{
		Use:   "up FABRIC",
		Short: "Build the fabric and bring every device to its rendered config",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, stop := signalContext()
			defer stop()
			l := get(cmd)
			if err := l.Up(ctx, args[0], o); err != nil {
				if l.Exists() && !errors.Is(err, lab.ErrAlreadyUp) {
					err = fmt.Errorf("%w\nthe lab is left as it is for a look (underlay lab status, logs in %s); remove it with: underlay lab down", err, l.Dir)
				}
				return failed(err)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&o.ID, "id", "", "short lab id prefixing namespace names (default: the fabric name)")
	cmd.Flags().StringVar(&o.Assets, "k8s-bins", os.Getenv("KUBEBUILDER_ASSETS"), "directory with etcd and kube-apiserver (default: hack/k8s-bins.sh's cache, then $PATH)")
	return cmd
}

func newLabSync(get func(*cobra.Command) *lab.Lab) *cobra.Command {
	var wait time.Duration
	cmd := &cobra.Command{
		Use:   "sync FABRIC",
		Short: "Render FABRIC and apply it to the lab's API server (Flux's job), then wait for the agents",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, stop := signalContext()
			defer stop()
			l := get(cmd)
			start := time.Now()
			if err := l.Sync(ctx, args[0]); err != nil {
				return failed(err)
			}
			if wait == 0 {
				return nil
			}
			if err := l.WaitApplied(ctx, wait); err != nil {
				return failed(err)
			}
			fmt.Fprintf(l.Out, "every device applied it: %s after sync started\n", time.Since(start).Round(time.Millisecond))
			// The servers' OS follows: one moved to another network
			// boots on it.
			if err := l.BootServers(ctx); err != nil {
				return failed(err)
			}
			return nil
		},
	}
	cmd.Flags().DurationVar(&wait, "wait", 2*time.Minute, "wait this long for every agent to apply (0: do not wait)")
	return cmd
}

func newLabStatus(get func(*cobra.Command) *lab.Lab) *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "Show devices, agents, applied revisions and BGP sessions",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := get(cmd).Status(cmd.Context(), cmd.OutOrStdout()); err != nil {
				return failed(err)
			}
			return nil
		},
	}
}

func newLabExec(get func(*cobra.Command) *lab.Lab) *cobra.Command {
	return &cobra.Command{
		Use:     "exec DEVICE -- COMMAND [ARG...]",
		Short:   "Run a command inside a device (vtysh goes to its FRR)",
		Example: "  underlay lab exec leaf1 -- ping -c1 -I 192.0.2.1 192.0.2.2\n  underlay lab exec spine -- vtysh -c 'show bgp summary'",
		Args:    cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			err := get(cmd).Exec(cmd.Context(), args[0], args[1:], cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr())
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				return &exitError{code: ee.ExitCode()}
			}
			if err != nil {
				return failed(err)
			}
			return nil
		},
	}
}

func newLabDHCRelay(get func(*cobra.Command) *lab.Lab) *cobra.Command {
	var device string
	cmd := &cobra.Command{
		Use:    "dhcrelay --device NAME restart|stop",
		Short:  "What a lab leaf's agent runs instead of systemctl restart/stop dhcrelay.service (used by the lab)",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := get(cmd).RelayCommand(cmd.Context(), device, args[0]); err != nil {
				return failed(err)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&device, "device", "", "the leaf")
	return cmd
}

func newLabDown(get func(*cobra.Command) *lab.Lab) *cobra.Command {
	return &cobra.Command{
		Use:   "down",
		Short: "Remove every namespace, process and file the lab created (also after a crash)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := get(cmd).Down(); err != nil {
				return failed(err)
			}
			return nil
		},
	}
}

// newLabServe is the supervisor process lab up starts; not for people.
func newLabServe(get func(*cobra.Command) *lab.Lab) *cobra.Command {
	var assets string
	cmd := &cobra.Command{
		Use:    "serve",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, stop := signalContext()
			defer stop()
			if err := get(cmd).Serve(ctx, assets); err != nil {
				return failed(err)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&assets, "k8s-bins", "", "directory with etcd and kube-apiserver")
	return cmd
}

// newLabSONiCCLI is the SONiC CLI emulation the lab's SONiC agents call.
func newLabSONiCCLI(get func(*cobra.Command) *lab.Lab) *cobra.Command {
	var device string
	cmd := &cobra.Command{
		Use:    "sonic-cli --device NAME -- SONIC-COMMAND...",
		Hidden: true,
		Args:   cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := get(cmd).SONiCCLI(cmd.Context(), device, args, cmd.OutOrStdout()); err != nil {
				return failed(err)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&device, "device", "", "lab device")
	return cmd
}

// newLabGuard is the process lab.StartGuard starts for tests; not for
// people: it takes labs down when its parent dies.
func newLabGuard() *cobra.Command {
	return &cobra.Command{
		Use:    "guard",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := lab.RunGuard(cmd.InOrStdin(), cmd.ErrOrStderr()); err != nil {
				return failed(err)
			}
			return nil
		},
	}
}
