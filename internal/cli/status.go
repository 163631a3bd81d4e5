package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/yaml"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/bundle"
	"underlay.dev/underlay/internal/fleet"
)

// restConfig is how status reaches the cluster; tests replace it.
var restConfig = func() (*rest.Config, error) { return ctrl.GetConfig() }

func newStatus() *cobra.Command {
	var namespace, fabric, output, sortBy string
	cmd := &cobra.Command{
		Use:   "status [-n NAMESPACE] [--fabric NAME] [--sort-by KEY] [-o table|json|yaml]",
		Short: "Show every device's desired vs applied revision, health and sessions",
		Long: "status lists the NetworkDevices the agents report to (kubeconfig as kubectl finds it):\n" +
			"desired and applied revision, Ready/Degraded with the reason, BGP sessions up/expected,\n" +
			"last apply duration, rollbacks and the last error. --sort-by orders the table: name (default),\n" +
			"reason (degraded first), sessions (most sessions down first) or applied (oldest first).",
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if output != "table" && output != "json" && output != "yaml" {
				return usage(fmt.Errorf("-o %q: want table, json or yaml", output))
			}
			if err := fleet.SortBy(nil, sortBy); err != nil {
				return usage(fmt.Errorf("--sort-by: %w", err))
			}
			devs, err := listDevices(cmd.Context(), fleet.Selector{Namespace: namespace, Fabric: fabric})
			if err != nil {
				return failed(err)
			}
			return printStatus(cmd.OutOrStdout(), devs, output, sortBy)
		},
	}
	cmd.Flags().StringVar(&sortBy, "sort-by", fleet.SortName, "table order: "+strings.Join(fleet.SortKeys, ", "))
	cmd.Flags().StringVarP(&namespace, "namespace", "n", "", "namespace (default: all)")
	cmd.Flags().StringVar(&fabric, "fabric", "", "only devices of this fabric")
	cmd.Flags().StringVarP(&output, "output", "o", "table", "table, json or yaml")
	return cmd
}

// listDevices reaches the cluster as kubectl would and lists the devices.
func listDevices(ctx context.Context, sel fleet.Selector) ([]v1alpha1.NetworkDevice, error) {
	cfg, err := restConfig()
	if err != nil {
		return nil, fmt.Errorf("kubernetes config: %w", err)
	}
	c, err := fleet.Client(cfg)
	if err != nil {
		return nil, err
	}
	return fleet.List(ctx, c, sel)
}

func printStatus(w io.Writer, devs []v1alpha1.NetworkDevice, output, sortBy string) error {
	rows := fleet.Summaries(devs)
	if err := fleet.SortBy(rows, sortBy); err != nil {
		return err
	}
	switch output {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(devs)
	case "yaml":
		b, err := yaml.Marshal(devs)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAMESPACE\tDEVICE\tPLATFORM\tREADY\tREASON\tSESSIONS\tDESIRED\tAPPLIED\tLAST APPLY\tROLLBACKS\tLAST ERROR")
	for _, d := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", d.Namespace, d.Name, d.Platform, d.Ready, d.Reason,
			sessions(d), short(d.DesiredRevision), short(d.AppliedRevision), duration(d.LastApplyDuration), d.RollbackCount, truncate(d.LastError, 60))
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// sessions is "established/expected", "-" before the agent reported any.
func sessions(d fleet.Device) string {
	if !d.SessionsReported {
		return "-"
	}
	return fmt.Sprintf("%d/%d", d.SessionsEstablished, d.SessionsExpected)
}

// duration prints a duration as the status records it (milliseconds), "-"
// for none.
func duration(d time.Duration) string {
	if d == 0 {
		return "-"
	}
	return d.Round(time.Millisecond).String()
}

func short(rev string) string { return dash(bundle.ShortHash(rev)) }

// truncate cuts s to n characters (runes, so a multi-byte character in an
// error is never split into invalid UTF-8), the last one an ellipsis.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
