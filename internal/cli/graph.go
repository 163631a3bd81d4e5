package cli

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"underlay.dev/underlay/internal/topo"
)

func newGraph() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "graph FABRIC [-o dot|mermaid|json]",
		Short: "Print the fabric's topology as DOT, Mermaid or JSON",
		Long: "graph prints the devices, servers and clusters of FABRIC grouped by tier and pod, one edge per\n" +
			"pair with its ports and the BGP sessions the intent configures on it. The same intent prints\n" +
			"the same bytes, so a diagram kept in Git diffs with the intent. `underlay serve` draws the same.",
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(topo.Formats, format) {
				return usage(fmt.Errorf("-o %q: want %s", format, strings.Join(topo.Formats, ", ")))
			}
			f, err := loadFile(args[0])
			if err != nil {
				return reportErrors(cmd, err)
			}
			b, err := topo.Build(f.Fabric).Write(format)
			if err != nil {
				return failed(err)
			}
			_, err = cmd.OutOrStdout().Write(b)
			return err
		},
	}
	cmd.Flags().StringVarP(&format, "output", "o", "dot", "dot, mermaid or json")
	return cmd
}
