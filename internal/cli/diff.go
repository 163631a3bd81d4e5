package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"underlay.dev/underlay/internal/diff"
)

func newDiff() *cobra.Command {
	var exitCode bool
	cmd := &cobra.Command{
		Use:   "diff OLD_FABRIC NEW_FABRIC",
		Short: "Show, per device, how the native config changes between two intents",
		Long: "diff renders both intents (each with the lock file beside it, writing nothing) and prints a\n" +
			"unified diff of every device's native files. With --exit-code, exit 1 when anything differs.",
		Args: exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			changed, err := runDiff(cmd.OutOrStdout(), args[0], args[1])
			if err != nil {
				return reportErrors(cmd, err)
			}
			if changed && exitCode {
				return &exitError{code: ExitFailed}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&exitCode, "exit-code", false, "exit 1 when the configs differ")
	return cmd
}

// runDiff prints the unified diff of every native file that differs
// between the two intents and reports whether any does.
func runDiff(w io.Writer, oldPath, newPath string) (bool, error) {
	var native [2]map[string][]byte
	for i, p := range []string{oldPath, newPath} {
		_, tree, err := loadTree(p)
		if err != nil {
			return false, err
		}
		native[i] = diff.Native(tree)
	}
	d := diff.Compare(native[0], native[1])
	fmt.Fprint(w, d.Unified())
	return !d.Empty(), nil
}
