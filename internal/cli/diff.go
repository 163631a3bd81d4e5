package cli

import (
	"fmt"
	"io"
	"sort"

	"github.com/pmezard/go-difflib/difflib"
	"github.com/spf13/cobra"

	"underlay.dev/underlay/internal/expect"
	"underlay.dev/underlay/internal/gitops"
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

// nativeFiles renders an intent and returns device → file → content:
// the native configs (expectations and kustomizations follow from them).
func nativeFiles(path string) (map[string]map[string][]byte, error) {
	l, err := load(path)
	if err != nil {
		return nil, err
	}
	tree, err := buildTree(l)
	if err != nil {
		return nil, failed(err)
	}
	out := map[string]map[string][]byte{}
	for _, d := range tree.Devices {
		out[d.Name] = map[string][]byte{}
		for _, f := range d.Files {
			if f.Name != expect.FileName {
				out[d.Name][f.Name] = f.Content
			}
		}
	}
	return out, nil
}

func runDiff(w io.Writer, oldPath, newPath string) (bool, error) {
	older, err := nativeFiles(oldPath)
	if err != nil {
		return false, err
	}
	newer, err := nativeFiles(newPath)
	if err != nil {
		return false, err
	}
	paths := map[string]bool{}
	for _, tree := range []map[string]map[string][]byte{older, newer} {
		for dev, files := range tree {
			for name := range files {
				paths[dev+"/"+name] = true
			}
		}
	}
	sorted := make([]string, 0, len(paths))
	for p := range paths {
		sorted = append(sorted, p)
	}
	sort.Strings(sorted)
	changed := false
	for _, p := range sorted {
		dev, name := gitops.DeviceOf(p), p[len(gitops.DeviceOf(p))+1:]
		a, b := older[dev][name], newer[dev][name]
		if string(a) == string(b) {
			continue
		}
		changed = true
		fmt.Fprint(w, unified(p, a, b))
	}
	return changed, nil
}

// unified is a unified diff of one file with 3 lines of context.
func unified(name string, a, b []byte) string {
	s, _ := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A: difflib.SplitLines(string(a)), B: difflib.SplitLines(string(b)),
		FromFile: "a/" + name, ToFile: "b/" + name, Context: 3,
	})
	return s
}
