package cli

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"underlay.dev/underlay/internal/diff"
	"underlay.dev/underlay/internal/gitops"
	"underlay.dev/underlay/internal/intent"
	"underlay.dev/underlay/internal/output"
)

type renderOptions struct {
	out   string
	check bool
	quiet bool
}

func newRender() *cobra.Command {
	var o renderOptions
	cmd := &cobra.Command{
		Use:   "render FABRIC -o DIR",
		Short: "Write every device's native config as a Kustomize tree",
		Long: "render resolves FABRIC, allocates what is left open (recording it in the lock file next to\n" +
			"FABRIC), and replaces DIR atomically with one directory and ConfigMap per device. On invalid\n" +
			"input nothing is written. With --check nothing is written either: exit 1 when DIR or the lock\n" +
			"file differ from what FABRIC renders (for CI).",
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.out == "" {
				return usage(errors.New("render needs the output directory: -o DIR"))
			}
			return runRender(cmd, args[0], o)
		},
	}
	cmd.Flags().StringVarP(&o.out, "output", "o", "", "output directory (replaced as a whole)")
	cmd.Flags().BoolVar(&o.check, "check", false, "write nothing; exit 1 if DIR or the lock file are out of date")
	cmd.Flags().BoolVarP(&o.quiet, "quiet", "q", false, "print nothing on success")
	return cmd
}

func runRender(cmd *cobra.Command, path string, o renderOptions) error {
	start := time.Now()
	l, tree, err := loadTree(path)
	if err != nil {
		return reportErrors(cmd, err)
	}
	files, err := tree.Files()
	if err != nil {
		return failed(err)
	}
	lock, err := intent.MarshalLock(l.Lock)
	if err != nil {
		return failed(err)
	}
	if o.check {
		return checkRendered(cmd.OutOrStdout(), path, o.out, files, l.LockPath, lock)
	}
	if err := output.Write(o.out, files, l.LockPath, lock); err != nil {
		return failed(err)
	}
	if !o.quiet {
		printSummary(cmd.ErrOrStderr(), tree, o.out, len(files), time.Since(start))
	}
	return nil
}

func printSummary(w io.Writer, t *gitops.Tree, out string, nfiles int, took time.Duration) {
	count := map[string]int{}
	for _, d := range t.Fabric.Devices {
		count[string(d.Platform)]++
	}
	var parts []string
	for p, n := range count {
		parts = append(parts, fmt.Sprintf("%s %d", p, n))
	}
	sort.Strings(parts)
	fmt.Fprintf(w, "rendered fabric %s: %d devices (%s), %d links, %d files into %s in %s\n",
		t.Fabric.Name, len(t.Devices), strings.Join(parts, ", "), len(t.Fabric.Links), nfiles, out, took.Round(time.Millisecond))
}

// checkRendered reports every out-of-date file with a diff and exits 1,
// naming the command that brings them up to date.
func checkRendered(w io.Writer, intentPath, dir string, files map[string][]byte, lockPath string, lock []byte) error {
	c, err := diff.CheckDisk(dir, files, lockPath, lock)
	if err != nil {
		return failed(err)
	}
	for _, f := range c.Tree.Files() {
		fmt.Fprintf(w, "%s: %s\n", filepath.Join(dir, f.Path), onDisk[f.Kind])
		if f.Kind == diff.Changed {
			fmt.Fprint(w, f.Unified())
		}
	}
	if c.LockStale {
		fmt.Fprintf(w, "%s: out of date\n", lockPath)
	}
	if !c.UpToDate() {
		return failed(fmt.Errorf("%d file(s) out of date; run: underlay render %s -o %s",
			c.OutOfDate(), intentPath, dir))
	}
	fmt.Fprintf(w, "%s is up to date\n", dir)
	return nil
}

// onDisk words a difference as seen from the tree on disk.
var onDisk = map[diff.Kind]string{diff.Added: "missing", diff.Removed: "extra", diff.Changed: "changed"}
