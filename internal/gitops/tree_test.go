package gitops_test

import (
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"underlay.dev/underlay/internal/bundle"
	"underlay.dev/underlay/internal/gitops"
	"underlay.dev/underlay/internal/load"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/render"
	"underlay.dev/underlay/internal/render/renderers"
)

// badNames renders a file name the agent would refuse.
type badNames struct{ render.Renderer }

func (b badNames) Render(f *model.Fabric, d *model.Device) ([]render.File, error) {
	files, err := b.Renderer.Render(f, d)
	return append(files, render.File{Name: "../escape"}), err
}

// TestBuildRefusesBadFileName: a renderer's file name that is no bundle
// file name fails the render of that device, not the agent's apply.
func TestBuildRefusesBadFileName(t *testing.T) {
	l, err := load.File(filepath.Join("..", "..", "examples", "seed-lab", "fabric.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	lookup := func(p model.Platform) (render.Renderer, error) {
		r, err := renderers.For(p)
		return badNames{r}, err
	}
	_, err = gitops.Build(l.Fabric, lookup)
	if err == nil || !strings.Contains(err.Error(), `device leaf1: rendering`) ||
		!strings.Contains(err.Error(), `"../escape" is not a bundle file name`) {
		t.Errorf("got %v", err)
	}
}

// bigFile renders one file of n bytes more.
type bigFile struct {
	render.Renderer
	n int
}

func (b bigFile) Render(f *model.Fabric, d *model.Device) ([]render.File, error) {
	files, err := b.Renderer.Render(f, d)
	return append(files, render.File{Name: "big", Content: make([]byte, b.n)}), err
}

// TestBuildRefusesOversizeBundle: a bundle is refused at render time when
// its contents exceed what the API server lets a ConfigMap hold, and only
// then (the limit is the API server's own).
func TestBuildRefusesOversizeBundle(t *testing.T) {
	if bundle.MaxBytes != corev1.MaxSecretSize {
		t.Fatalf("bundle.MaxBytes %d, the API server's limit is %d", bundle.MaxBytes, corev1.MaxSecretSize)
	}
	l, err := load.File(filepath.Join("..", "..", "examples", "seed-lab", "fabric.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tree, err := gitops.Build(l.Fabric, renderers.For)
	if err != nil {
		t.Fatal(err)
	}
	largest := 0
	for _, d := range tree.Devices {
		size := 0
		for _, f := range d.Files {
			size += len(f.Content)
		}
		largest = max(largest, size)
	}
	for _, tt := range []struct {
		n    int
		fail bool
	}{{bundle.MaxBytes - largest, false}, {bundle.MaxBytes - largest + 1, true}} {
		lookup := func(p model.Platform) (render.Renderer, error) {
			r, err := renderers.For(p)
			return bigFile{r, tt.n}, err
		}
		_, err := gitops.Build(l.Fabric, lookup)
		if got := err != nil && strings.Contains(err.Error(), "more than the 1048576 a ConfigMap holds"); got != tt.fail {
			t.Errorf("%d bytes more than the largest bundle: %v", tt.n, err)
		}
	}
}
