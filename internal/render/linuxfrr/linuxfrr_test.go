package linuxfrr

import (
	"context"
	"strings"
	"testing"

	"underlay.dev/underlay/internal/checker"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/model/modeltest"
	"underlay.dev/underlay/internal/testutil/golden"
)

// TestRender renders the linux-frr hosts of the fixtures, and SeedLab's
// leaf1 as if it were a host (the fixture has none; it covers numbered
// ports, whose addresses FRR must then own). Each frr.conf must pass vtysh.
func TestRender(t *testing.T) {
	if got := (Renderer{}).Platform(); got != model.PlatformLinuxFRR {
		t.Fatalf("Platform() = %q", got)
	}
	seed := modeltest.SeedLab()
	seed.Devices[0].Platform = model.PlatformLinuxFRR
	for _, fx := range []struct {
		name   string
		fabric *model.Fabric
	}{{"seedlab", seed}, {"unnumbered", modeltest.Unnumbered()}} {
		for _, d := range fx.fabric.Devices {
			if d.Platform != model.PlatformLinuxFRR {
				continue
			}
			t.Run(fx.name+"/"+d.Name, func(t *testing.T) {
				files, err := Renderer{}.Render(fx.fabric, d)
				if err != nil {
					t.Fatal(err)
				}
				if len(files) != 1 || files[0].Name != "frr.conf" {
					t.Fatalf("want one file frr.conf, got %d files", len(files))
				}
				conf := files[0].Content
				golden.Assert(t, "TestRender/"+fx.name+"-"+d.Name+".conf", conf)
				golden.Checked(t, "vtysh -C", checker.FRR(context.Background(), conf))
				// No other tool sets addresses on a host: FRR must.
				if !strings.Contains(string(conf), "\ninterface lo\n ip address "+d.Loopbacks[0].String()+"\n") {
					t.Error("frr.conf does not own the loopback address")
				}
			})
		}
	}
}
