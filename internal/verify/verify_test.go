package verify

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/model/modeltest"
	"underlay.dev/underlay/internal/resolve"
)

func check(t *testing.T, r *Report, name string) CheckResult {
	t.Helper()
	for _, c := range r.Checks {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no check %s in %+v", name, r.Checks)
	return CheckResult{}
}

func TestSeedLabRIBs(t *testing.T) {
	g := NewGraph(modeltest.SeedLab())
	tests := []struct {
		device string
		want   []Route
	}{
		{"leaf1", []Route{
			{Prefix: "192.0.2.1/32", ASPath: []model.ASN{}},
			{Prefix: "192.0.2.2/32", Candidates: []NextHop{{Interface: "swp1", Peer: "spine", Address: "10.0.0.0", Best: true}}, Width: 1, ASPath: []model.ASN{65100, 65002}},
			{Prefix: "192.0.2.100/32", Candidates: []NextHop{{Interface: "swp1", Peer: "spine", Address: "10.0.0.0", Best: true}}, Width: 1, ASPath: []model.ASN{65100}},
		}},
		{"spine", []Route{
			{Prefix: "192.0.2.1/32", Candidates: []NextHop{{Interface: "Ethernet0", Peer: "leaf1", Address: "10.0.0.1", Best: true}}, Width: 1, ASPath: []model.ASN{65001}},
			{Prefix: "192.0.2.2/32", Candidates: []NextHop{{Interface: "Ethernet4", Peer: "leaf2", Address: "10.0.0.3", Best: true}}, Width: 1, ASPath: []model.ASN{65002}},
			{Prefix: "192.0.2.100/32", ASPath: []model.ASN{}},
		}},
	}
	for _, tt := range tests {
		got, ok := g.RIB(tt.device)
		if !ok {
			t.Fatalf("no device %s", tt.device)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s RIB (-want +got):\n%s", tt.device, diff)
		}
	}
	r := Verify(modeltest.SeedLab(), Options{Failures: "all"})
	for _, c := range r.Checks {
		if c.Pass == (c.Name == CheckFailures) {
			t.Errorf("%s: pass=%v: %+v", c.Name, c.Pass, c.Findings)
		}
	}
	// One spine: each of its links, and the spine itself, cut the leaves apart.
	if c := check(t, r, CheckFailures); len(c.Findings) != 3 || r.Scenarios != 5 {
		t.Errorf("want 3 of 5 single failures to break the seed lab, got %d of %d", len(c.Findings), r.Scenarios)
	}
}

func TestUnnumberedECMPAndHostFilters(t *testing.T) {
	f := modeltest.Unnumbered()
	g := NewGraph(f)
	rib, _ := g.RIB("leaf1")
	byPrefix := map[string]Route{}
	for _, r := range rib {
		byPrefix[r.Prefix] = r
	}
	want := []NextHop{{Interface: "swp1", Peer: "spine1", LinkLocal: true, Best: true}, {Interface: "swp2", Peer: "spine2", LinkLocal: true}}
	for _, p := range []string{"10.255.0.12/32", "fd00:255::12/128", "10.1.2.0/24"} {
		if diff := cmp.Diff(want, byPrefix[p].Candidates); diff != "" || byPrefix[p].Width != 2 {
			t.Errorf("leaf1 → %s next hops, width %d (-want +got):\n%s", p, byPrefix[p].Width, diff)
		}
	}
	// The host's only next hop is its leaf; it has every fabric loopback.
	hostRIB, _ := g.RIB("host1")
	if len(hostRIB) != len(f.Devices)*2+2 {
		t.Errorf("host1 has %d routes, want %d: %+v", len(hostRIB), len(f.Devices)*2+2, hostRIB)
	}
	r := Verify(f, Options{})
	if !r.Pass() {
		t.Fatalf("unnumbered fixture fails: %+v", r.Checks)
	}
}

func TestBrokenFabrics(t *testing.T) {
	tests := []struct {
		name   string
		break_ func(f *model.Fabric)
		check  string
		want   string
	}{
		{"shared leaf ASN", func(f *model.Fabric) {
			leaf2 := f.Devices[1]
			leaf2.ASN = 65001
			for _, d := range f.Devices {
				for _, s := range d.Sessions() {
					if s.Peer == leaf2 {
						s.PeerASN = 65001
					}
				}
			}
		}, CheckLoopbacks, "192.0.2.1/32 from leaf1 fails on [leaf2]: AS-path loop"},
		{"filter drops a loopback", func(f *model.Fabric) {
			leaf1 := f.Devices[0]
			leaf1.Policies[0].Rules = nil
		}, CheckLoopbacks, "192.0.2.1/32 from leaf1 fails on [leaf2]: no neighbour has a route; upstream, spine has none either: not announced: the export policy of the neighbour (e.g. leaf1) filters it"},
		{"half-configured session", func(f *model.Fabric) {
			spine := f.Devices[2]
			spine.Default().Sessions = spine.Sessions()[:1]
		}, CheckSessions, "leaf2:swp1 → spine: half-configured: spine has no session from 10.0.0.2 to 10.0.0.3"},
		{"wrong remote-as", func(f *model.Fabric) {
			f.Devices[0].Sessions()[0].PeerASN = 65200
		}, CheckSessions, "leaf1:swp1 → spine: configured remote-as 65200 but spine has ASN 65100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := modeltest.SeedLab()
			tt.break_(f)
			resolve.Derive(f) // the instances from the broken sessions and ASNs
			c := check(t, Verify(f, Options{}), tt.check)
			if c.Pass {
				t.Fatalf("%s passes on a broken fabric", tt.check)
			}
			var got []string
			for _, fd := range c.Findings {
				got = append(got, fd.Prefix+" from "+fd.Origin+" fails on "+strings.Join([]string{"["}, "")+strings.Join(fd.Devices, " ")+"]: "+fd.Detail)
				got = append(got, fd.Detail)
			}
			if !strings.Contains(strings.Join(got, "\n"), tt.want) {
				t.Errorf("findings lack %q:\n%s", tt.want, strings.Join(got, "\n"))
			}
		})
	}
}

func TestFailureAnalysisFindsSinglePointOfFailure(t *testing.T) {
	f := modeltest.Unnumbered()
	// leaf2 loses its link to spine2: spine1 becomes a single point of failure.
	var keep []*model.Link
	for _, l := range f.Links {
		if l.A.Device.Name != "spine2" || l.B.Device.Name != "leaf2" {
			keep = append(keep, l)
		}
	}
	f.Links = keep
	for _, d := range f.Devices {
		var ss []*model.Session
		for _, s := range d.Sessions() {
			if (d.Name != "spine2" || s.Peer.Name != "leaf2") && (d.Name != "leaf2" || s.Peer.Name != "spine2") {
				ss = append(ss, s)
			}
		}
		d.Default().Sessions = ss
	}
	resolve.Derive(f)
	r := Verify(f, Options{Failures: "devices"})
	c := check(t, r, CheckFailures)
	if c.Pass || len(c.Findings) == 0 || !strings.Contains(c.Findings[0].Detail+c.Findings[len(c.Findings)-1].Detail, "device spine1 down") {
		t.Fatalf("want spine1 reported as a single point of failure, got %+v", c)
	}
	trace, err := NewGraph(f).Trace("leaf1", netip.MustParsePrefix("10.255.0.12/32"))
	if err != nil || !strings.Contains(trace, "leaf1: AS path 65100 4200000002") || !strings.Contains(trace, "via swp1 → spine1") {
		t.Errorf("trace:\n%s (err %v)", trace, err)
	}
}
