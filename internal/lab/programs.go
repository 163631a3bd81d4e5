package lab

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"underlay.dev/underlay/internal/model"
)

// The helper programs the lab runs.
const (
	progUnderlay  = "underlay"
	progAgent     = "underlay-agent"
	progAPIServer = "kube-apiserver"
	progEtcd      = "etcd"
)

// place is a directory the lab looks in for a helper program, and why.
type place struct{ dir, why string }

// Program finds one of the lab's helper programs: underlay and
// underlay-agent in Bin, next to the running executable, then on $PATH;
// kube-apiserver and etcd in assets (--k8s-bins or $KUBEBUILDER_ASSETS),
// in the cache hack/k8s-bins.sh fills, in envtest's default directory,
// then on $PATH. The error names the program and every place looked in.
func (l *Lab) Program(name, assets string) (string, error) {
	var looked []string
	for _, p := range l.places(name, assets) {
		if p.dir == "" {
			looked = append(looked, p.why+" (not set)")
			continue
		}
		path := filepath.Join(p.dir, name)
		if st, err := os.Stat(path); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
			return path, nil
		}
		looked = append(looked, path+" ("+p.why+")")
	}
	hint := "make build builds underlay and underlay-agent into bin/; keep them side by side"
	if name == progAPIServer || name == progEtcd {
		hint = "hack/k8s-bins.sh builds etcd and kube-apiserver into its cache, where lab up finds them; or pass --k8s-bins DIR"
	}
	return "", fmt.Errorf("cannot find %s; looked in: %s (%s)", name, strings.Join(looked, ", "), hint)
}

func (l *Lab) places(name, assets string) []place {
	var ps []place
	switch name {
	case progAPIServer, progEtcd:
		ps = append(ps, place{assets, "--k8s-bins or $KUBEBUILDER_ASSETS"})
		ps = append(ps, k8sBinsCache()...)
		ps = append(ps, place{"/usr/local/kubebuilder/bin", "envtest's default"})
	default:
		if l.Bin != "" {
			ps = append(ps, place{l.Bin, "the lab's binary directory"})
		}
		if exe, err := os.Executable(); err == nil {
			ps = append(ps, place{filepath.Dir(exe), "next to " + exe})
		}
	}
	path := os.Getenv("PATH")
	if path == "" {
		return append(ps, place{"", "$PATH"})
	}
	for _, d := range filepath.SplitList(path) {
		ps = append(ps, place{d, "$PATH"})
	}
	return ps
}

// k8sBinsCache lists the directories hack/k8s-bins.sh builds into:
// $UNDERLAY_K8S_BINS, else ${XDG_CACHE_HOME:-$HOME/.cache}/underlay/k8s-*,
// newest version first.
func k8sBinsCache() []place {
	if d := os.Getenv("UNDERLAY_K8S_BINS"); d != "" {
		return []place{{d, "$UNDERLAY_K8S_BINS (hack/k8s-bins.sh)"}}
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return []place{{"", "hack/k8s-bins.sh's cache ($HOME and $XDG_CACHE_HOME)"}}
	}
	pattern := filepath.Join(cache, "underlay", "k8s-*")
	dirs, _ := filepath.Glob(pattern)
	if len(dirs) == 0 {
		return []place{{filepath.Join(cache, "underlay", "k8s-VERSION"), "hack/k8s-bins.sh's cache"}}
	}
	slices.SortFunc(dirs, func(a, b string) int {
		switch {
		case model.NaturalLess(b, a):
			return -1
		case model.NaturalLess(a, b):
			return 1
		}
		return 0
	})
	ps := make([]place, len(dirs))
	for i, d := range dirs {
		ps[i] = place{d, "hack/k8s-bins.sh's cache"}
	}
	return ps
}

// K8sBins finds the directory with both etcd and kube-apiserver (see
// Program): the directory of the kube-apiserver found, which must also
// hold etcd, as hack/k8s-bins.sh and envtest lay them out.
func (l *Lab) K8sBins(assets string) (string, error) {
	api, err := l.Program(progAPIServer, assets)
	if err != nil {
		return "", err
	}
	dir := filepath.Dir(api)
	etcd, err := l.Program(progEtcd, dir)
	if err != nil {
		return "", err
	}
	if filepath.Dir(etcd) != dir {
		return "", fmt.Errorf("found %s but no etcd beside it (etcd at %s): keep both in one directory (hack/k8s-bins.sh does)", api, etcd)
	}
	return dir, nil
}
