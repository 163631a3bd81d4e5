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
	want := ribdiff.Predicted(f)
	var diffs []string
	deadline := time.Now().Add(90 * time.Second)
	for {
		diffs = diffs[:0]
		for _, d := range f.Devices {
			got, err := ribdiff.FRR(func(c string) (string, error) { return lab.Vtysh(d.Name, c) })
			if err != nil {
				t.Fatalf("%s: %v", d.Name, err)
			}
			diffs = append(diffs, ribdiff.Compare(d.Name, want[d.Name], got)...)
		}
		if len(diffs) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Second)
	}
	for _, d := range diffs {
		t.Error(d)
	}
	routes, ecmp := ribdiff.Count(want)
	if routes < 50 || ecmp < 10 {
		t.Errorf("compared only %d routes (%d ECMP): the test proves too little", routes, ecmp)
	}
	t.Logf("%d devices, %d BGP routes (%d with ECMP) predicted exactly as FRR installs them", len(f.Devices), routes, ecmp)
}
