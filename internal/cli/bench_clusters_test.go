package cli

import (
	"testing"

	"underlay.dev/underlay/internal/gen"
)

// cluster5000 is #12's benchmark fabric: one Calico cluster of 5,000
// nodes over 100 racks (4 spines x 100 leaves, 50 nodes per leaf on the
// servers network, half of them bonded), an AS per rack.
var cluster5000 = gen.Clos{Spines: 4, Leaves: 100, ServersPerLeaf: 50, Cluster: "calico"}

// BenchmarkResolveCluster5000 validates cluster5000. Target (with
// rendering and verify): under 2 s.
func BenchmarkResolveCluster5000(b *testing.B) { benchResolve(b, cluster5000) }

// BenchmarkRenderCluster5000 validates and renders cluster5000: the
// leaves' configs and the cluster's resources.
func BenchmarkRenderCluster5000(b *testing.B) { benchRender(b, cluster5000, false) }
