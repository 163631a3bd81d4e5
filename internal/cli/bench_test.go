package cli

import (
	"bytes"
	"path/filepath"
	"testing"

	"underlay.dev/underlay/internal/gen"
	"underlay.dev/underlay/internal/gitops"
	"underlay.dev/underlay/internal/intent"
	"underlay.dev/underlay/internal/platform"
	"underlay.dev/underlay/internal/resolve"
)

// benchRender measures the whole of `underlay render` on a generated
// fabric: parse, validate, allocate, render every device, write the tree.
func benchRender(b *testing.B, c gen.Clos) {
	var src bytes.Buffer
	if err := c.Write(&src); err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		doc, err := intent.Parse("gen.yaml", src.Bytes())
		if err != nil {
			b.Fatal(err)
		}
		res, errs := resolve.Resolve(doc.Fabric, nil)
		if len(errs) > 0 {
			b.Fatal(errs)
		}
		tree, err := gitops.Build(res.Fabric, platform.Renderer)
		if err != nil {
			b.Fatal(err)
		}
		files, err := tree.Files()
		if err != nil {
			b.Fatal(err)
		}
		if err := gitops.Write(filepath.Join(dir, "out"), files); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRender200 is the fabric size where netlab create takes 40 s
// here: 8 spines x 192 leaves, 1,536 links. Target: under 0.2 s.
func BenchmarkRender200(b *testing.B) {
	benchRender(b, gen.Clos{Spines: 8, Leaves: 192})
}

// BenchmarkRender10000 is the 5-stage 10,000-device fabric. Target: under
// 5 s and 2 GiB.
func BenchmarkRender10000(b *testing.B) {
	benchRender(b, gen.Clos{Superspines: 16, Pods: 64, Spines: 4, Leaves: 152})
}
