package nvue

import (
	"os"
	"strings"
	"testing"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/testutil/fabrics"
)

// border is examples/border with the border leaf and leaf1 on NVUE: the
// firewall, the upstream router and the Kubernetes group as resolve
// builds them from the intent.
func border(t *testing.T) *model.Fabric {
	t.Helper()
	b, err := os.ReadFile("../../../examples/border/fabric.yaml")
	if err != nil {
		t.Fatal(err)
	}
	src := strings.NewReplacer("    role: leaf\n    platform: cumulus\n", "    role: leaf\n    platform: nvue\n").Replace(string(b))
	if strings.Count(src, "platform: nvue") != 2 {
		t.Fatalf("examples/border changed shape: %d NVUE devices", strings.Count(src, "platform: nvue"))
	}
	return fabrics.Parse(t, "border", []byte(src))
}
