package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"underlay.dev/underlay/internal/gen"
	"underlay.dev/underlay/internal/intent"
	"underlay.dev/underlay/internal/load"
	"underlay.dev/underlay/internal/output"
)

// benchRender measures the whole of `underlay render` on a generated
// fabric: parse, validate, allocate, render every device and, with
// write, write the tree and the lock into a directory under $UNDERLAY_BENCH_DIR (default
// the system temp dir; file creation speed depends on that file system).
func benchRender(b *testing.B, c gen.Clos, write bool) {
	var src bytes.Buffer
	if err := c.Write(&src); err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	if d := os.Getenv("UNDERLAY_BENCH_DIR"); d != "" {
		var err error
		if dir, err = os.MkdirTemp(d, "bench-"); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { os.RemoveAll(dir) })
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		f, err := load.Bytes("gen.yaml", src.Bytes(), nil)
		if err != nil {
			b.Fatal(err)
		}
		tree, err := load.Tree(f)
		if err != nil {
			b.Fatal(err)
		}
		files, err := tree.Files()
		if err != nil {
			b.Fatal(err)
		}
		if !write {
			continue
		}
		lock, err := intent.MarshalLock(f.Lock)
		if err != nil {
			b.Fatal(err)
		}
		// The path `underlay render` takes: tree and lock as one transaction.
		if err := output.Write(filepath.Join(dir, "out"), files, filepath.Join(dir, "gen.lock.yaml"), lock); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRender200 is the fabric size where netlab create takes 40 s
// here: 8 spines x 192 leaves, 1,536 links. Target: under 0.2 s.
func BenchmarkRender200(b *testing.B) { benchRender(b, gen.Clos{Spines: 8, Leaves: 192}, false) }

// BenchmarkRender200Write adds writing the 601 files to disk.
func BenchmarkRender200Write(b *testing.B) { benchRender(b, gen.Clos{Spines: 8, Leaves: 192}, true) }

// BenchmarkRender10000 is the 5-stage 10,000-device fabric. Target: under
// 5 s and 2 GiB.
func BenchmarkRender10000(b *testing.B) {
	benchRender(b, gen.Clos{Superspines: 16, Pods: 64, Spines: 4, Leaves: 152}, false)
}

// BenchmarkRender10000Write adds writing the 30,001 files to disk.
func BenchmarkRender10000Write(b *testing.B) {
	benchRender(b, gen.Clos{Superspines: 16, Pods: 64, Spines: 4, Leaves: 152}, true)
}

// benchResolve measures parse, validate and allocate (what `underlay
// validate` does before it renders) of a generated fabric.
func benchResolve(b *testing.B, c gen.Clos) {
	var src bytes.Buffer
	if err := c.Write(&src); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := load.Bytes("gen.yaml", src.Bytes(), nil); err != nil {
			b.Fatal(err)
		}
	}
}

// servers200 is #11's benchmark fabric: 8 spines x 192 leaves with 40
// servers per leaf (7,680, half bonded) on six networks.
var servers200 = gen.Clos{Spines: 8, Leaves: 192, ServersPerLeaf: 40}

// BenchmarkResolve200Servers validates servers200. Target (with
// rendering): under 0.5 s.
func BenchmarkResolve200Servers(b *testing.B) { benchResolve(b, servers200) }

// BenchmarkResolve200 is the same fabric without servers, for comparison.
func BenchmarkResolve200(b *testing.B) { benchResolve(b, gen.Clos{Spines: 8, Leaves: 192}) }

// BenchmarkRender200Servers validates and renders servers200. Target:
// under 0.5 s. It skips while a renderer cannot render servers yet.
func BenchmarkRender200Servers(b *testing.B) { benchRenderServers(b, servers200) }

// BenchmarkRender200ServersNVUE and ...SONiC are servers200 on one
// platform.
func BenchmarkRender200ServersNVUE(b *testing.B) {
	c := servers200
	c.Platform = "nvue"
	benchRenderServers(b, c)
}

func BenchmarkRender200ServersSONiC(b *testing.B) {
	c := servers200
	c.Platform = "sonic"
	benchRenderServers(b, c)
}

func benchRenderServers(b *testing.B, c gen.Clos) {
	var src bytes.Buffer
	if err := c.Write(&src); err != nil {
		b.Fatal(err)
	}
	f, err := load.Bytes("gen.yaml", src.Bytes(), nil)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := load.Tree(f); err != nil && strings.Contains(err.Error(), "is not rendered") {
		b.Skip("a renderer does not render servers yet (#11)")
	}
	benchRender(b, c, false)
}
