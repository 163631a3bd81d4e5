package ifupdown2

import (
	"context"
	"testing"

	"underlay.dev/underlay/internal/checker"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/model/modeltest"
	"underlay.dev/underlay/internal/testutil/golden"
)

// TestGolden renders every cumulus device of the fixtures and checks each
// file with ifupdown2 in strict mode.
func TestGolden(t *testing.T) {
	for name, f := range map[string]*model.Fabric{"seedlab": modeltest.SeedLab(), "unnumbered": modeltest.Unnumbered()} {
		for _, d := range f.Devices {
			if d.Platform != model.PlatformCumulus {
				continue
			}
			got, err := Render(f, d)
			if err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, "TestGolden/"+name+"-"+d.Name, got)
			if !testing.Short() {
				golden.Checked(t, name+"/"+d.Name, checker.Ifupdown2(context.Background(), got))
			}
		}
	}
}
