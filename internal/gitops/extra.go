package gitops

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	"underlay.dev/underlay/internal/bundle"
	"underlay.dev/underlay/internal/render"
)

// Extra is a directory of the tree that is not a device's: the artefacts
// of something else the fabric deploys (a Kubernetes cluster's, for one).
// Its files are Kustomize resources; the tree gives the directory its own
// kustomization, which lists them, and lists the directory in the root
// kustomization beside the device directories.
type Extra struct {
	// Dir is the directory's path: DNS-1123 labels joined by "/" (so it
	// cannot leave the tree), whose first is not a device's name.
	Dir string
	// Unlisted: the root kustomization does not list the directory, for
	// artefacts another Flux applies (a Kubernetes cluster's own): the
	// fabric's Flux must not apply them, nor give them its namespace.
	Unlisted bool
	// Files are the directory's files, each a plain file name
	// (bundle.ValidFileName); kustomization.yaml is the tree's.
	Files []render.File
}

// AddExtra puts e into the tree, written by the same writer as the device
// directories and compared by `render --check`. It refuses a directory
// name that is not one path segment, that a device or another extra has,
// and file names that are not plain or that repeat.
func (t *Tree) AddExtra(e Extra) error {
	if err := t.checkExtra(e); err != nil {
		return err
	}
	e.Files = append([]render.File(nil), e.Files...)
	sort.Slice(e.Files, func(i, j int) bool { return e.Files[i].Name < e.Files[j].Name })
	t.extras = append(t.extras, e)
	sort.Slice(t.extras, func(i, j int) bool { return t.extras[i].Dir < t.extras[j].Dir })
	return nil
}

// Extras returns the tree's extra directories, sorted by name.
func (t *Tree) Extras() []Extra { return t.extras }

func (t *Tree) checkExtra(e Extra) error {
	for _, seg := range strings.Split(e.Dir, "/") {
		if errs := validation.IsDNS1123Label(seg); len(errs) > 0 {
			return fmt.Errorf("extra directory %q: %s", e.Dir, strings.Join(errs, "; "))
		}
	}
	if i := t.deviceIndex(topDir(e.Dir)); i >= 0 {
		return fmt.Errorf("extra directory %q: the tree has a device of that name (its directory)", e.Dir)
	}
	for _, x := range t.extras {
		if x.Dir == e.Dir {
			return fmt.Errorf("extra directory %q: added twice", e.Dir)
		}
	}
	seen := map[string]bool{}
	for _, f := range e.Files {
		if err := bundle.CheckFileName(f.Name); err != nil {
			return fmt.Errorf("extra directory %q: %w", e.Dir, err)
		}
		if f.Name == KustomizationFile {
			return fmt.Errorf("extra directory %q: %s is the one the tree writes", e.Dir, KustomizationFile)
		}
		if seen[f.Name] {
			return fmt.Errorf("extra directory %q: file %q added twice", e.Dir, f.Name)
		}
		seen[f.Name] = true
	}
	return nil
}

// topDir is the first segment of an extra's path: the tree's directory
// that must not be a device's.
func topDir(dir string) string {
	top, _, _ := strings.Cut(dir, "/")
	return top
}

// deviceIndex finds a device directory of the tree by name, or -1 (a
// scan: extras are few, and it assumes no order of Devices).
func (t *Tree) deviceIndex(name string) int {
	for i, d := range t.Devices {
		if d.Name == name {
			return i
		}
	}
	return -1
}

// extraFiles adds the extra directories' files and kustomizations to out
// and returns their names.
func (t *Tree) extraFiles(out map[string][]byte) ([]string, error) {
	var dirs []string
	for _, e := range t.extras {
		// Devices could have changed since AddExtra: the tree's layout
		// is checked where it is laid out.
		if t.deviceIndex(topDir(e.Dir)) >= 0 {
			return nil, fmt.Errorf("extra directory %q: the tree has a device of that name (its directory)", e.Dir)
		}
		k := kustomization{APIVersion: kustAPIVersion, Kind: "Kustomization"}
		for _, f := range e.Files {
			out[path.Join(e.Dir, f.Name)] = f.Content
			k.Resources = append(k.Resources, f.Name)
		}
		b, err := marshal(k)
		if err != nil {
			return nil, err
		}
		out[path.Join(e.Dir, KustomizationFile)] = b
		if !e.Unlisted {
			dirs = append(dirs, e.Dir)
		}
	}
	return dirs, nil
}

// rootResources lists the device directories and the extra ones by name;
// the sort is stable so that the devices keep their order (the tree's
// order, already by name) whatever the comparator.
func rootResources(devices, extras []string) []string {
	names := append(append([]string(nil), devices...), extras...)
	if len(extras) > 0 {
		sort.SliceStable(names, func(i, j int) bool { return names[i] < names[j] })
	}
	res := make([]string, len(names))
	for i, n := range names {
		res[i] = n + "/"
	}
	return res
}
