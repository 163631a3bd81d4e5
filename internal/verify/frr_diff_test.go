package verify_test

import (
	"context"
	"testing"
	"time"

	"underlay.dev/underlay/internal/agent/driver"
	"underlay.dev/underlay/internal/agent/store"
	"underlay.dev/underlay/internal/gen"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/render/frr"
	"underlay.dev/underlay/internal/testutil/fabrics"
	"underlay.dev/underlay/internal/testutil/frrlab"
	"underlay.dev/underlay/internal/testutil/ribdiff"
)

// TestPredictionsMatchRealFRR builds a generated unnumbered fabric with
// hosts out of real FRR routers and compares, device by device, the RIB
// verify predicts with FRR's: prefix → set of next-hop interfaces of the
// selected BGP route. Any difference is a bug in one of the two.
func TestPredictionsMatchRealFRR(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real FRR routers")
	}
	for name, c := range map[string]gen.Clos{
		"3-stage with hosts": {Spines: 2, Leaves: 3, HostsPerLeaf: 1, Unnumbered: true},
		"5-stage":            {Superspines: 2, Pods: 2, Spines: 2, Leaves: 2, Unnumbered: true},
	} {
		t.Run(name, func(t *testing.T) { predictionsMatch(t, c) })
	}
}

func predictionsMatch(t *testing.T, c gen.Clos) {
	lab := frrlab.New(t)
	f := fabrics.Clos(t, c)
	lab.AddFabric(f)
	ctx := context.Background()
	for _, d := range f.Devices {
		conf, err := frr.Render(f, d, frr.Options{OwnAddresses: d.Platform == model.PlatformLinuxFRR})
		if err != nil {
			t.Fatal(err)
		}
		if err := (&driver.FRR{Pathspace: lab.Pathspace(d.Name)}).Apply(ctx, store.Files{"frr.conf": conf}); err != nil {
			t.Fatal(err)
		}
	}
	ribdiff.Assert(t, f, func(device string) (ribdiff.RIB, error) {
		return ribdiff.FRR(func(c string) (string, error) { return lab.Vtysh(device, c) })
	}, 90*time.Second)
}
