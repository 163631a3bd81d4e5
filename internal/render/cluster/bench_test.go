package cluster_test

import (
	"bytes"
	"testing"

	"underlay.dev/underlay/internal/gen"
	"underlay.dev/underlay/internal/load"
	"underlay.dev/underlay/internal/render/cluster"
)

// BenchmarkRender5000 renders only the cluster side of #12's benchmark
// fabric (5,000 nodes over 100 racks, an AS per rack) for each CNI: the
// share of `underlay render` that clusters/<name>/ costs.
func BenchmarkRender5000(b *testing.B) {
	for _, cni := range []string{"calico", "cilium", "frr-k8s"} {
		b.Run(cni, func(b *testing.B) {
			var src bytes.Buffer
			if err := (gen.Clos{Spines: 4, Leaves: 100, ServersPerLeaf: 50, Cluster: cni}).Write(&src); err != nil {
				b.Fatal(err)
			}
			f, err := load.Bytes("gen.yaml", src.Bytes(), nil)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				for _, c := range f.Fabric.Clusters {
					if _, err := cluster.Render(c); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
