package renderers_test

import (
	"testing"

	"underlay.dev/underlay/internal/load"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/platform"
	"underlay.dev/underlay/internal/render/renderers"
)

// TestRenderedFilesAreTheDescriptors: every platform has a renderer, and
// every file a renderer emits for the four-platform example is one its
// descriptor names (the keys the driver consumes).
func TestRenderedFilesAreTheDescriptors(t *testing.T) {
	for _, p := range model.Platforms {
		if r, err := renderers.For(p); err != nil || r.Platform() != p {
			t.Errorf("renderers.For(%s) = %v, %v", p, r, err)
		}
	}
	if _, err := renderers.For("junos"); err == nil {
		t.Errorf("renderers.For(junos) found a renderer")
	}
	file, err := load.File("../../../examples/unnumbered/fabric.yaml")
	if err != nil {
		t.Fatal(err)
	}
	f := file.Fabric
	for _, d := range f.Devices {
		r, _ := renderers.For(d.Platform)
		files, err := r.Render(f, d)
		if err != nil {
			t.Fatal(err)
		}
		desc := platform.MustGet(d.Platform)
		for _, file := range files {
			if !contains(desc.Files, file.Name) {
				t.Errorf("%s (%s) renders %s; the descriptor names %q", d.Name, d.Platform, file.Name, desc.Files)
			}
		}
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
