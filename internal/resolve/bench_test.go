package resolve_test

import (
	"bytes"
	"testing"

	"underlay.dev/underlay/internal/gen"
	"underlay.dev/underlay/internal/intent"
	"underlay.dev/underlay/internal/resolve"
)

// benchResolve measures Resolve alone on a generated fabric, parsed once:
// internal/cli's BenchmarkResolve200Servers adds the YAML parse.
func benchResolve(b *testing.B, c gen.Clos) {
	var src bytes.Buffer
	if err := c.Write(&src); err != nil {
		b.Fatal(err)
	}
	doc, err := intent.Parse("gen.yaml", src.Bytes())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, errs := resolve.Resolve(doc.Fabric, nil); len(errs) > 0 {
			b.Fatal(doc.Locate(errs))
		}
	}
}

// BenchmarkResolve200Servers: 8 spines x 192 leaves, 40 servers per leaf
// (7,680, half bonded) on six networks.
func BenchmarkResolve200Servers(b *testing.B) {
	benchResolve(b, gen.Clos{Spines: 8, Leaves: 192, ServersPerLeaf: 40})
}

// BenchmarkResolve200 is the same fabric without servers.
func BenchmarkResolve200(b *testing.B) { benchResolve(b, gen.Clos{Spines: 8, Leaves: 192}) }

// BenchmarkParse200Servers is the YAML parse of the fabric with servers
// (intent.Parse), the rest of `underlay validate`'s time before rendering.
func BenchmarkParse200Servers(b *testing.B) {
	benchParse(b, gen.Clos{Spines: 8, Leaves: 192, ServersPerLeaf: 40})
}

// BenchmarkParse200 is the parse of the fabric without servers.
func BenchmarkParse200(b *testing.B) { benchParse(b, gen.Clos{Spines: 8, Leaves: 192}) }

func benchParse(b *testing.B, c gen.Clos) {
	var src bytes.Buffer
	if err := c.Write(&src); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := intent.Parse("gen.yaml", src.Bytes()); err != nil {
			b.Fatal(err)
		}
	}
}
