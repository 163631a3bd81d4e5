// Package fabrics builds resolved fabrics for tests and benchmarks from
// generated intents, through the same loader and resolver as the CLI.
package fabrics

import (
	"bytes"
	"testing"

	"underlay.dev/underlay/internal/gen"
	"underlay.dev/underlay/internal/intent"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/resolve"
)

// Clos generates, loads and resolves a Clos fabric, failing tb on any error.
func Clos(tb testing.TB, c gen.Clos) *model.Fabric {
	tb.Helper()
	var b bytes.Buffer
	if err := c.Write(&b); err != nil {
		tb.Fatal(err)
	}
	doc, err := intent.Parse("gen.yaml", b.Bytes())
	if err != nil {
		tb.Fatalf("generated intent does not parse: %v", err)
	}
	res, errs := resolve.Resolve(doc.Fabric, nil)
	if len(errs) > 0 {
		tb.Fatalf("generated intent is invalid:\n%v", doc.Locate(errs))
	}
	return res.Fabric
}
