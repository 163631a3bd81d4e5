package cli

import (
	"testing"

	"underlay.dev/underlay/internal/testutil/golden"
)

// TestGraphGolden prints each example in each format; the goldens are the
// diagrams a reviewer reads (update with -update).
func TestGraphGolden(t *testing.T) {
	for _, ex := range []string{"seed-lab", "baremetal", "k8s-calico"} {
		for _, format := range []string{"dot", "mermaid", "json"} {
			t.Run(ex+"/"+format, func(t *testing.T) {
				code, out, stderr := run(t, "graph", "../../examples/"+ex+"/fabric.yaml", "-o", format)
				if code != ExitOK {
					t.Fatalf("exit %d: %s", code, stderr)
				}
				_, again, _ := run(t, "graph", "../../examples/"+ex+"/fabric.yaml", "-o", format)
				if again != out {
					t.Fatal("two runs on the same intent printed different bytes")
				}
				golden.Assert(t, "graph/"+ex+"."+format, []byte(out))
			})
		}
	}
}

func TestGraphUsage(t *testing.T) {
	if code, _, stderr := run(t, "graph", "../../examples/seed-lab/fabric.yaml", "-o", "png"); code != ExitUsage {
		t.Fatalf("-o png: exit %d, want %d: %s", code, ExitUsage, stderr)
	}
}
