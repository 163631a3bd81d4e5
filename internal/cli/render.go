package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"underlay.dev/underlay/internal/atomicfile"
	"underlay.dev/underlay/internal/gitops"
	"underlay.dev/underlay/internal/intent"
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
	l, err := load(path)
	if err != nil {
		return reportErrors(cmd, err)
	}
	tree, err := buildTree(l)
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
		return checkRendered(cmd.OutOrStdout(), o.out, files, l.LockPath, lock)
	}
	if err := commitRender(o.out, files, l.LockPath, lock); err != nil {
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

// checkRendered reports every out-of-date file with a diff and exits 1.
func checkRendered(w io.Writer, dir string, files map[string][]byte, lockPath string, lock []byte) error {
	diffs, err := gitops.Compare(dir, files)
	if err != nil {
		return failed(err)
	}
	onDisk, err := os.ReadFile(lockPath)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return failed(err)
	}
	for _, d := range diffs {
		fmt.Fprintf(w, "%s: %s\n", filepath.Join(dir, d.Path), d.Kind)
		if d.Kind == "changed" {
			fmt.Fprint(w, unified(d.Path, d.Got, d.Want))
		}
	}
	stale := !bytes.Equal(onDisk, lock)
	if stale {
		fmt.Fprintf(w, "%s: out of date\n", lockPath)
	}
	if len(diffs) > 0 || stale {
		return failed(fmt.Errorf("%d file(s) out of date; run: underlay render %s -o %s",
			len(diffs)+btoi(stale), strings.TrimSuffix(lockPath, ".lock.yaml")+".yaml", dir))
	}
	fmt.Fprintf(w, "%s is up to date\n", dir)
	return nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// commitRender replaces the tree and the lock as one transaction: both
// change or neither does. Everything that can fail for want of space or
// permission happens first (the lock's temporary file beside it, the tree
// in a staging directory beside DIR); then the tree is swapped in, then the
// lock renamed over the old one. When that rename fails, the old tree is
// swapped back; when only a directory sync fails, the change is in place
// and stays.
func commitRender(out string, files map[string][]byte, lockPath string, lock []byte) error {
	lockTmp, err := stageLock(lockPath, lock)
	if err != nil {
		return err
	}
	if lockTmp != nil {
		defer lockTmp.Discard()
	}
	tree, err := gitops.Stage(out, files)
	if err != nil {
		return fmt.Errorf("%w (nothing was changed: neither %s nor %s)", err, out, lockPath)
	}
	defer tree.Close()
	// A sync that fails leaves its part in place: the lock follows the
	// tree all the same, and the sync errors are the result.
	unsynced := tree.Commit()
	if unsynced != nil && !errors.Is(unsynced, atomicfile.ErrNotSynced) {
		return fmt.Errorf("%w (nothing was changed: neither %s nor %s)", unsynced, out, lockPath)
	}
	if lockTmp == nil {
		return unsynced
	}
	if err := lockTmp.Commit(); err != nil && !errors.Is(err, atomicfile.ErrNotSynced) {
		if rerr := tree.Revert(); rerr != nil {
			return fmt.Errorf("%w; putting the old tree back in %s failed too: %w", err, out, rerr)
		}
		return fmt.Errorf("%w (the old tree is back in %s: nothing was changed)", err, out)
	} else if err != nil {
		unsynced = errors.Join(unsynced, err)
	}
	return unsynced
}

// stageLock writes content to a temporary file beside path, or returns
// nil when path already holds it.
func stageLock(path string, content []byte) (*atomicfile.Temp, error) {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, content) {
		return nil, nil
	}
	t, err := atomicfile.Stage(path, content, 0o644)
	if err != nil {
		return nil, fmt.Errorf("%w (nothing was changed)", err)
	}
	return t, nil
}
