package verify_test

import (
	"net/netip"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/testutil/fabrics"
	"underlay.dev/underlay/internal/verify"
)

func load(t *testing.T, file string) *model.Fabric {
	t.Helper()
	src, err := os.ReadFile("testdata/frr/" + file)
	if err != nil {
		t.Fatal(err)
	}
	return fabrics.Parse(t, file, src)
}

// route returns device's predicted route to the i-th loopback of dest.
func route(t *testing.T, f *model.Fabric, device, dest string, i int) verify.Route {
	t.Helper()
	var prefix string
	for _, d := range f.Devices {
		if d.Name == dest {
			prefix = d.Loopbacks[i].String()
		}
	}
	rib, _ := verify.NewGraph(f).RIB(device)
	for _, r := range rib {
		if r.Prefix == prefix {
			return r
		}
	}
	t.Fatalf("%s has no route to %s (%s)", device, dest, prefix)
	return verify.Route{}
}

func TestECMPPredictions(t *testing.T) {
	ll := func(port, peer string, best bool) verify.NextHop {
		return verify.NextHop{Interface: port, Peer: peer, LinkLocal: true, Best: best}
	}
	tests := []struct {
		name, file, device, dest string
		loopback                 int
		want                     verify.Route
	}{
		// Four equal paths, maximum-paths 2: two of these four.
		{"k of n", "kofn.yaml", "leaf3", "leaf1", 0, verify.Route{Width: 2, Candidates: []verify.NextHop{
			{Interface: "swp1", Peer: "spine1", Address: "10.0.0.30", Best: true},
			{Interface: "swp2", Peer: "spine2", Address: "10.0.0.20"},
			{Interface: "swp3", Peer: "spine3", Address: "10.0.0.10"},
			{Interface: "swp4", Peer: "spine4", Address: "10.0.0.0"}}}},
		// Without multipath-relax: equal-length, different AS paths from
		// one neighbour AS are multipath...
		{"same neighbour AS", "norelax.yaml", "leaf3", "host1", 0, verify.Route{Width: 2, Candidates: []verify.NextHop{
			ll("swp49", "spine1", true), ll("swp50", "spine2", false)}}},
		// ...paths from different neighbour ASes are not.
		{"different neighbour AS", "norelax.yaml", "host1", "leaf3", 0, verify.Route{Width: 1, Candidates: []verify.NextHop{
			ll("eth0", "leaf1", true)}}},
		{"numbered IPv4", "dualstack.yaml", "leaf1", "leaf2", 0, verify.Route{Width: 2, Candidates: []verify.NextHop{
			{Interface: "swp49", Peer: "spine1", Address: "10.0.0.3", Best: true},
			{Interface: "swp50", Peer: "spine2", Address: "10.0.0.5"}}}},
		// IPv6 over a numbered link: FRR installs the peer's link-local.
		{"numbered IPv6", "dualstack.yaml", "leaf1", "leaf2", 1, verify.Route{Width: 2, Candidates: []verify.NextHop{
			ll("swp49", "spine1", true), ll("swp50", "spine2", false)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := route(t, load(t, tt.file), tt.device, tt.dest, tt.loopback)
			got.Prefix, got.ASPath = "", nil
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s → %s (-want +got):\n%s", tt.device, tt.dest, diff)
			}
		})
	}
}

// TestECMPChecksUseWidth: the leaf-ECMP check and minPaths count what FRR
// installs (the width), not the candidates.
func TestECMPChecksUseWidth(t *testing.T) {
	f := load(t, "kofn.yaml")
	var leaf3 *model.Device
	for _, d := range f.Devices {
		if d.Name == "leaf3" {
			leaf3 = d
		}
	}
	f.Checks = []model.Check{{Name: "wide", From: []*model.Device{leaf3}, To: []netip.Prefix{netip.MustParsePrefix("10.1.1.7/32")}, MinPaths: 3, Reach: true}}
	found := 0
	for _, c := range verify.Verify(f, verify.Options{}).Checks {
		switch c.Name {
		case verify.CheckECMP:
			found++
			if c.Pass || !strings.Contains(c.Findings[0].Detail, "2 of 4 usable spine paths in ECMP: maximum-paths 2 is too low") {
				t.Errorf("leaf-ecmp on kofn: %+v", c)
			}
		case "check:wide":
			found++
			if c.Pass || c.Findings[0].Detail != "2 ECMP path(s), want at least 3 (maximum-paths 2 installs 2 of 4 equal paths)" {
				t.Errorf("minPaths 3 on kofn: %+v", c)
			}
		}
	}
	if found != 2 {
		t.Fatalf("found %d of the 2 checks", found)
	}
}
