// Package diff compares rendered trees: which devices and which of their
// files a change adds, removes or changes, with the unified text of a file
// as one rendering of that structure. It answers `underlay diff` (two
// intents), `underlay render --check` (a rendered tree against the one on
// disk) and any caller that wants the changes as data, such as a server
// commenting on a pull request.
package diff

import (
	"sort"
	"strings"

	"github.com/pmezard/go-difflib/difflib"

	"underlay.dev/underlay/internal/expect"
	"underlay.dev/underlay/internal/gitops"
)

// Kind is how a file or a device differs.
type Kind string

// Kinds of difference, seen from the old tree to the new one.
const (
	Added   Kind = "added"   // only in the new tree
	Removed Kind = "removed" // only in the old tree
	Changed Kind = "changed" // in both, with other content (a device: other files)
)

// File is one file that differs between the two trees.
type File struct {
	Path string // slash-separated path in the tree: device/name, or name at its root
	Kind Kind
	Old  []byte // nil when Added
	New  []byte // nil when Removed
}

// Device is one device directory whose files differ.
type Device struct {
	// Name is the top-level directory of the files: the device's name,
	// "" for the files at the root of the tree (the root kustomization).
	Name string
	// Kind is Added when the old tree has no file of the device, Removed
	// when the new one has none, Changed otherwise.
	Kind  Kind
	Files []File // sorted by path
}

// Diff is every difference between two trees, device by device. The zero
// Diff is two identical trees.
type Diff struct {
	Devices []Device // sorted by name; only devices with a difference
}

// Compare lists how the tree newer differs from the tree older; both map
// slash-separated paths (as gitops.Tree.Files returns them) to contents.
func Compare(older, newer map[string][]byte) *Diff {
	var files []File
	for p, a := range older {
		b, ok := newer[p]
		switch {
		case !ok:
			files = append(files, File{Path: p, Kind: Removed, Old: a})
		case string(a) != string(b):
			files = append(files, File{Path: p, Kind: Changed, Old: a, New: b})
		}
	}
	for p, b := range newer {
		if _, ok := older[p]; !ok {
			files = append(files, File{Path: p, Kind: Added, New: b})
		}
	}
	return group(files, devices(older), devices(newer))
}

// Native returns the native configs of a rendered tree by path
// (device/name): what a device runs, without the expectations and the
// Kustomize files that follow from them, so a diff shows only what
// changes on the devices; and the files of the extra directories (a
// cluster's resources, dir/name), without their kustomizations.
func Native(t *gitops.Tree) map[string][]byte {
	out := map[string][]byte{}
	for _, d := range t.Devices {
		for _, f := range d.Files {
			if f.Name != expect.FileName {
				out[d.Name+"/"+f.Name] = f.Content
			}
		}
	}
	for _, e := range t.Extras() {
		for _, f := range e.Files {
			out[e.Dir+"/"+f.Name] = f.Content
		}
	}
	return out
}

// Empty reports whether the two trees are identical.
func (d *Diff) Empty() bool { return len(d.Devices) == 0 }

// Files returns every differing file sorted by path, across devices
// (leaf-a/x sorts before leaf/x, as the paths do).
func (d *Diff) Files() []File {
	var out []File
	for _, dev := range d.Devices {
		out = append(out, dev.Files...)
	}
	sortFiles(out)
	return out
}

// Unified renders every differing file as a unified diff, in path order.
func (d *Diff) Unified() string {
	var b strings.Builder
	for _, f := range d.Files() {
		b.WriteString(f.Unified())
	}
	return b.String()
}

// Unified renders the file as a unified diff with 3 lines of context,
// from a/PATH to b/PATH.
func (f File) Unified() string {
	s, _ := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A: difflib.SplitLines(string(f.Old)), B: difflib.SplitLines(string(f.New)),
		FromFile: "a/" + f.Path, ToFile: "b/" + f.Path, Context: 3,
	})
	return s
}

// devices is the set of top-level directories that hold a file of tree.
func devices(tree map[string][]byte) map[string]bool {
	out := map[string]bool{}
	for p := range tree {
		out[gitops.DeviceOf(p)] = true
	}
	return out
}

// group sorts files into their devices; inOld and inNew say which device
// directories hold any file in each tree.
func group(files []File, inOld, inNew map[string]bool) *Diff {
	sortFiles(files)
	byName := map[string]int{}
	d := &Diff{}
	for _, f := range files {
		name := gitops.DeviceOf(f.Path)
		i, ok := byName[name]
		if !ok {
			kind := Changed
			switch {
			case !inOld[name]:
				kind = Added
			case !inNew[name]:
				kind = Removed
			}
			i = len(d.Devices)
			byName[name] = i
			d.Devices = append(d.Devices, Device{Name: name, Kind: kind})
		}
		d.Devices[i].Files = append(d.Devices[i].Files, f)
	}
	sort.Slice(d.Devices, func(i, j int) bool { return d.Devices[i].Name < d.Devices[j].Name })
	return d
}

func sortFiles(files []File) {
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
}
