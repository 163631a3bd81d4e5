package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"underlay.dev/underlay/internal/intent"
)

func newValidate() *cobra.Command {
	return &cobra.Command{
		Use:   "validate FABRIC",
		Short: "Check an intent and report every error with file:line",
		Long: "validate loads FABRIC and its lock file, checks every device, link, pool and setting,\n" +
			"allocates what is left open and renders every device in memory, writing nothing: what\n" +
			"validate passes, render renders. Exit 0 when valid; exit 1 with every error on stderr as\n" +
			"file:line: field: message.",
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			l, _, err := loadTree(args[0])
			if err != nil {
				return reportErrors(cmd, err)
			}
			f := l.Fabric
			fmt.Fprintf(cmd.OutOrStdout(), "%s: fabric %s is valid: %d devices, %d links\n",
				args[0], f.Name, len(f.Devices), len(f.Links))
			return nil
		},
	}
}

// reportErrors prints intent errors one per line and exits 1 without
// repeating them.
func reportErrors(cmd *cobra.Command, err error) error {
	var list intent.Errors
	if !errors.As(err, &list) {
		return err
	}
	fmt.Fprintln(cmd.ErrOrStderr(), list.Error()) // the first intent.MaxListed, then "… and N more"
	fmt.Fprintf(cmd.ErrOrStderr(), "%s error(s)\n", intent.Thousands(len(list)))
	return &exitError{code: ExitFailed}
}
