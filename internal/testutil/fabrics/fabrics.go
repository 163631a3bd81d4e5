// Package fabrics builds resolved fabrics for tests and benchmarks from
// generated intents, through the same loader and resolver as the CLI.
package fabrics

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
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
	return Parse(tb, "gen.yaml", b.Bytes())
}

// Parse loads and resolves an intent (without a lock file), failing tb on
// any error.
func Parse(tb testing.TB, name string, src []byte) *model.Fabric {
	tb.Helper()
	doc, err := intent.Parse(name, src)
	if err != nil {
		tb.Fatalf("intent %s does not parse: %v", name, err)
	}
	res, errs := resolve.Resolve(doc.Fabric, nil)
	if len(errs) > 0 {
		tb.Fatalf("intent %s is invalid:\n%v", name, doc.Locate(errs))
	}
	return res.Fabric
}

// Example loads and resolves examples/<name>/fabric.yaml (without its
// lock file, as `underlay validate` would the first time), found from
// this file's directory so a test in any package reads the one copy.
func Example(tb testing.TB, name string) *model.Fabric {
	tb.Helper()
	_, self, _, _ := runtime.Caller(0)
	path := filepath.Join(filepath.Dir(self), "..", "..", "..", "examples", name, "fabric.yaml")
	src, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return Parse(tb, path, src)
}

// Device returns the named device of f, failing tb when there is none.
func Device(tb testing.TB, f *model.Fabric, name string) *model.Device {
	tb.Helper()
	for _, d := range f.Devices {
		if d.Name == name {
			return d
		}
	}
	tb.Fatalf("no device %s", name)
	return nil
}
