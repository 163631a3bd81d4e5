package frr

import (
	"context"
	"strings"
	"testing"

	"underlay.dev/underlay/internal/checker"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/model/modeltest"
	"underlay.dev/underlay/internal/testutil/golden"
)

// TestGolden renders every FRR-routed device of the fixtures and checks
// each file with the real vtysh.
func TestGolden(t *testing.T) {
	for name, f := range map[string]*model.Fabric{"seedlab": modeltest.SeedLab(), "unnumbered": modeltest.Unnumbered()} {
		for _, d := range f.Devices {
			got, err := Render(f, d, Options{OwnAddresses: d.Platform == model.PlatformLinuxFRR})
			if err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, "TestGolden/"+name+"-"+d.Name+".conf", got)
			golden.Checked(t, name+"/"+d.Name, checker.FRR(context.Background(), got))
		}
	}
}

// TestSeedLeaf1MatchesReference: the reference leaf1 frr.conf peers with
// 10.0.0.0 (remote-as external) and announces 192.0.2.1/32 with
// multipath-relax; ours says the same with the peer's ASN pinned.
func TestSeedLeaf1MatchesReference(t *testing.T) {
	f := modeltest.SeedLab()
	got, _ := Render(f, f.Devices[0], Options{})
	for _, want := range []string{"hostname leaf1", "router bgp 65001", " neighbor 10.0.0.0 remote-as 65100",
		"  network 192.0.2.1/32", " bgp bestpath as-path multipath-relax", "  neighbor 10.0.0.0 activate"} {
		if !strings.Contains(string(got), want+"\n") {
			t.Errorf("missing %q", want)
		}
	}
}
