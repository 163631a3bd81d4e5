package lab

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func executable(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("#!/bin/true\n"), 0o755); err != nil {
		t.Fatal(err)
	}
}

// TestProgramNamesEveryPlace: a missing helper program is named, with
// every place looked in.
func TestProgramNamesEveryPlace(t *testing.T) {
	bin, path1, path2 := t.TempDir(), t.TempDir(), t.TempDir()
	t.Setenv("PATH", path1+string(os.PathListSeparator)+path2)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("UNDERLAY_K8S_BINS", "")
	l := &Lab{Bin: bin}
	exe, _ := os.Executable()
	for _, tt := range []struct {
		name, assets string
		want         []string
	}{
		{progAgent, "", []string{"cannot find underlay-agent", filepath.Join(bin, progAgent), filepath.Join(filepath.Dir(exe), progAgent),
			filepath.Join(path1, progAgent), filepath.Join(path2, progAgent), "make build"}},
		{progAPIServer, "", []string{"cannot find kube-apiserver", "--k8s-bins or $KUBEBUILDER_ASSETS (not set)",
			"hack/k8s-bins.sh's cache", "/usr/local/kubebuilder/bin/kube-apiserver", filepath.Join(path2, progAPIServer)}},
		{progEtcd, "/nonexistent", []string{"cannot find etcd", "/nonexistent/etcd (--k8s-bins"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := l.Program(tt.name, tt.assets)
			if err == nil {
				t.Fatalf("found %s in empty directories", tt.name)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

// TestProgramFindsEachPlace: each place is used, in order.
func TestProgramFindsEachPlace(t *testing.T) {
	bin, onPath := t.TempDir(), t.TempDir()
	t.Setenv("PATH", onPath)
	l := &Lab{Bin: bin}
	executable(t, filepath.Join(onPath, progAgent))
	if got, err := l.Program(progAgent, ""); err != nil || got != filepath.Join(onPath, progAgent) {
		t.Errorf("on $PATH: %q, %v", got, err)
	}
	executable(t, filepath.Join(bin, progAgent))
	if got, err := l.Program(progAgent, ""); err != nil || got != filepath.Join(bin, progAgent) {
		t.Errorf("in Bin (before $PATH): %q, %v", got, err)
	}
}

// TestK8sBinsFromCache: without --k8s-bins or $KUBEBUILDER_ASSETS, lab up
// finds the binaries hack/k8s-bins.sh built into its cache (the newest
// version when there are several).
func TestK8sBinsFromCache(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	t.Setenv("UNDERLAY_K8S_BINS", "")
	t.Setenv("PATH", t.TempDir())
	l := &Lab{}
	old := filepath.Join(cache, "underlay", "k8s-v1.9.0-etcd-v3.5.0")
	newer := filepath.Join(cache, "underlay", "k8s-v1.36.3-etcd-v3.6.8")
	half := filepath.Join(cache, "underlay", "k8s-v1.40.0-etcd-v3.7.0") // a build that failed half-way
	for _, d := range []string{old, newer} {
		executable(t, filepath.Join(d, progAPIServer))
		executable(t, filepath.Join(d, progEtcd))
	}
	if err := os.MkdirAll(half, 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := l.K8sBins("")
	if err != nil || got != newer {
		t.Errorf("K8sBins() = %q, %v; want %s", got, err, newer)
	}
	explicit := t.TempDir()
	executable(t, filepath.Join(explicit, progAPIServer))
	executable(t, filepath.Join(explicit, progEtcd))
	if got, err := l.K8sBins(explicit); err != nil || got != explicit {
		t.Errorf("K8sBins(%s) = %q, %v", explicit, got, err)
	}
	t.Setenv("UNDERLAY_K8S_BINS", explicit)
	if got, err := l.K8sBins(""); err != nil || got != explicit {
		t.Errorf("K8sBins with $UNDERLAY_K8S_BINS = %q, %v", got, err)
	}
}
