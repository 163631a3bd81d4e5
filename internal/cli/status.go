package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/agent/kube"
	"underlay.dev/underlay/internal/bundle"
)

// restConfig is how status reaches the cluster; tests replace it.
var restConfig = func() (*rest.Config, error) { return ctrl.GetConfig() }

func newStatus() *cobra.Command {
	var namespace, fabric, output string
	cmd := &cobra.Command{
		Use:   "status [-n NAMESPACE] [--fabric NAME] [-o table|json|yaml]",
		Short: "Show every device's desired vs applied revision, health and sessions",
		Long: "status lists the NetworkDevices the agents report to (kubeconfig as kubectl finds it):\n" +
			"desired and applied revision, Ready/Degraded with the reason, BGP sessions up/expected,\n" +
			"last apply duration, rollbacks and the last error.",
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if output != "table" && output != "json" && output != "yaml" {
				return usage(fmt.Errorf("-o %q: want table, json or yaml", output))
			}
			devs, err := listDevices(cmd.Context(), namespace, fabric)
			if err != nil {
				return failed(err)
			}
			return printStatus(cmd.OutOrStdout(), devs, output)
		},
	}
	cmd.Flags().StringVarP(&namespace, "namespace", "n", "", "namespace (default: all)")
	cmd.Flags().StringVar(&fabric, "fabric", "", "only devices of this fabric")
	cmd.Flags().StringVarP(&output, "output", "o", "table", "table, json or yaml")
	return cmd
}

func listDevices(ctx context.Context, namespace, fabric string) ([]v1alpha1.NetworkDevice, error) {
	cfg, err := restConfig()
	if err != nil {
		return nil, fmt.Errorf("kubernetes config: %w", err)
	}
	scheme, err := kube.Scheme()
	if err != nil {
		return nil, err
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	if err != nil {
		return nil, err
	}
	opts := []client.ListOption{client.InNamespace(namespace)}
	if fabric != "" {
		opts = append(opts, client.MatchingLabels{bundle.LabelFabric: fabric})
	}
	var list v1alpha1.NetworkDeviceList
	if err := c.List(ctx, &list, opts...); err != nil {
		return nil, fmt.Errorf("listing NetworkDevices: %w", err)
	}
	sort.Slice(list.Items, func(i, j int) bool {
		a, b := list.Items[i], list.Items[j]
		if a.Namespace != b.Namespace {
			return a.Namespace < b.Namespace
		}
		return a.Name < b.Name
	})
	return list.Items, nil
}

func printStatus(w io.Writer, devs []v1alpha1.NetworkDevice, output string) error {
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
	for _, d := range devs {
		s := d.Status
		ready, reason := "Unknown", ""
		if c := meta.FindStatusCondition(s.Conditions, v1alpha1.ConditionReady); c != nil {
			ready, reason = string(c.Status), c.Reason
		}
		if c := meta.FindStatusCondition(s.Conditions, v1alpha1.ConditionDegraded); c != nil && c.Status == "True" {
			reason = c.Reason
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", d.Namespace, d.Name, d.Spec.Platform, ready, reason,
			dash(s.Sessions), short(s.DesiredRevision), short(s.AppliedRevision), dash(s.LastApplyDuration), s.RollbackCount, truncate(s.LastError, 60))
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func short(rev string) string { return dash(bundle.ShortHash(rev)) }

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}
