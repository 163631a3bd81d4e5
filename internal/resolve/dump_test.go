package resolve_test

import (
	"path/filepath"
	"testing"

	"underlay.dev/underlay/internal/intent"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/resolve"
	"underlay.dev/underlay/internal/testutil/golden"
)

// TestExamplesModel pins each example's resolved model (intent → model),
// between the intent and the native files the renderers' goldens pin.
func TestExamplesModel(t *testing.T) {
	paths, _ := filepath.Glob("../../examples/*/fabric.yaml")
	if len(paths) == 0 {
		t.Fatal("no examples found")
	}
	for _, p := range paths {
		name := filepath.Base(filepath.Dir(p))
		t.Run(name, func(t *testing.T) {
			doc, err := intent.Load(p)
			if err != nil {
				t.Fatal(err)
			}
			lock, err := intent.LoadLock(intent.LockPath(p))
			if err != nil {
				t.Fatal(err)
			}
			res, errs := resolve.Resolve(doc.Fabric, lock)
			if len(errs) > 0 {
				t.Fatal(doc.Locate(errs))
			}
			golden.Assert(t, "model/"+name+".txt", model.Dump(res.Fabric))
		})
	}
}
