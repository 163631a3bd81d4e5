package verify_test

import (
	"context"
	"os"
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
// verify predicts with FRR's: prefix → next hops of the selected BGP
// route. Any difference is a bug in one of the two.
func TestPredictionsMatchRealFRR(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real FRR routers")
	}
	for name, c := range map[string]gen.Clos{
		"3-stage with hosts": {Spines: 2, Leaves: 3, HostsPerLeaf: 1, Unnumbered: true},
		"5-stage":            {Superspines: 2, Pods: 2, Spines: 2, Leaves: 2, Unnumbered: true},
	} {
		t.Run(name, func(t *testing.T) {
			predictionsMatch(t, fabrics.Clos(t, c), ribdiff.Counts{Routes: 50, ECMP: 10})
		})
	}
}

// TestECMPAsFRRInstallsIt runs, on real FRR, the fabrics where FRR's
// multipath set is not "every equal path": maximum-paths below the number
// of spines (verify predicts k of n candidates), multipath-relax off with
// equal-length AS paths that differ, and numbered dual-stack (IPv6 routes
// via the peer's link-local address).
func TestECMPAsFRRInstallsIt(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real FRR routers")
	}
	for _, tt := range []struct {
		file  string
		least ribdiff.Counts
	}{
		// Each of 4 leaves reaches 3 leaves' loopbacks and 2 subnets over
		// 2 of 4 spines.
		{"kofn.yaml", ribdiff.Counts{Routes: 40, ECMP: 14, KofN: 14}},
		// leaf3 and leaf4 reach host1 over both spines.
		{"norelax.yaml", ribdiff.Counts{Routes: 25, ECMP: 2}},
		{"dualstack.yaml", ribdiff.Counts{Routes: 50, ECMP: 12}},
	} {
		t.Run(tt.file, func(t *testing.T) {
			src, err := os.ReadFile("testdata/frr/" + tt.file)
			if err != nil {
				t.Fatal(err)
			}
			predictionsMatch(t, fabrics.Parse(t, tt.file, src), tt.least)
		})
	}
}

// predictionsMatch runs f on real FRR, zebra owning every address (no
// ifupdown2 here), and compares every device's RIB with verify's.
func predictionsMatch(t *testing.T, f *model.Fabric, least ribdiff.Counts) {
	lab := frrlab.New(t)
	for _, d := range f.Devices {
		lab.AddRouter(d.Name)
	}
	for _, k := range f.Links {
		lab.Link(k.A.Device.Name, k.A.Port, k.B.Device.Name, k.B.Port)
	}
	ctx := context.Background()
	for _, d := range f.Devices {
		conf, err := frr.Render(f, d, frr.Options{OwnAddresses: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := (&driver.FRR{Pathspace: lab.Pathspace(d.Name)}).Apply(ctx, store.Files{"frr.conf": conf}); err != nil {
			t.Fatal(err)
		}
	}
	ribdiff.Assert(t, f, func(device string) (ribdiff.RIB, error) {
		return ribdiff.FRR(func(c string) (string, error) { return lab.Vtysh(device, c) })
	}, 90*time.Second, least)
}
