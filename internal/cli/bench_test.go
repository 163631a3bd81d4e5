package cli

import (
	"bytes"
	"os"
	"path/filepath"
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
