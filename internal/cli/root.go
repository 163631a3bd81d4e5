// Package cli implements the underlay command line: one file per verb.
//
// Exit codes are part of the contract: 0 ok, 1 invalid input or a failed
// check, 2 a usage error.
package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// Exit codes.
const (
	ExitOK      = 0
	ExitFailed  = 1
	ExitUsage   = 2
	programName = "underlay"
)

// exitError carries an exit code up to Main; its message (if any) has
// already been printed or is printed once there.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// failed marks an error as invalid input or a failed check (exit 1).
func failed(err error) error { return &exitError{code: ExitFailed, err: err} }

// usage marks an error as wrong usage (exit 2).
func usage(err error) error { return &exitError{code: ExitUsage, err: err} }

// Main runs the command line and returns the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return ExitOK
	}
	code := ExitFailed
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
		if ee.err == nil {
			return code
		}
	}
	fmt.Fprintf(stderr, "%s: %v\n", programName, err)
	if code == ExitUsage {
		fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", root.CommandPath())
	}
	return code
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   programName,
		Short: "GitOps for bare-metal data-centre fabrics",
		Long: "underlay turns one fabric intent (fabric.yaml) into the exact native configuration of every\n" +
			"device (Cumulus/FRR + ifupdown2, NVUE, SONiC, Linux hosts with FRR), laid out as a Kustomize tree\n" +
			"that Flux applies as one ConfigMap per device.",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usage(err) })
	root.AddCommand(newValidate(), newRender(), newDiff(), newVerify(), newStatus(), newGraph(), newServe(), newGen(), newLab(), newVersion())
	for _, c := range root.Commands() {
		c.SetFlagErrorFunc(root.FlagErrorFunc())
	}
	groupCommands(root)
	return root
}

// groupCommands makes every command that only groups subcommands (the
// root, gen, lab) reject an unknown subcommand as wrong usage (exit 2)
// and print its help when called alone. Cobra itself returns a plain error
// for an unknown verb under the root (exit 1 here) and prints help with
// exit 0 under any other group, so `underlay gen bogus` looked like success.
func groupCommands(c *cobra.Command) {
	for _, sub := range c.Commands() {
		groupCommands(sub)
	}
	if !c.HasSubCommands() || c.Runnable() {
		return
	}
	c.SuggestionsMinimumDistance = 2 // cobra's default, which it sets only on its own path
	c.Args = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return nil
		}
		msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
		if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
			msg += "\n\nDid you mean this?\n\t" + strings.Join(s, "\n\t") + "\n"
		}
		return usage(errors.New(msg))
	}
	c.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
}

// exactArgs is cobra.ExactArgs with a usage exit code.
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.ExactArgs(n)(cmd, args); err != nil {
			return usage(err)
		}
		return nil
	}
}
