package verify

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/model/modeltest"
	"underlay.dev/underlay/internal/resolve"
)

var pfx = netip.MustParsePrefix

func device(f *model.Fabric, name string) *model.Device {
	for _, d := range f.Devices {
		if d.Name == name {
			return d
		}
	}
	panic("no device " + name)
}

func policy(d *model.Device, name string, rules ...model.PrefixRule) *model.Policy {
	p := &model.Policy{Name: name, Rules: rules}
	d.Policies = append(d.Policies, p)
	return p
}

// withPeers is the unnumbered fixture with neighbours outside the fabric,
// as resolve builds them from `peers:` and `groups:`:
//   - leaf2 peers with the firewall fw1 at 192.168.10.2 (its subnet on
//     swp20), which announces a default route and 198.51.100.0/24; the
//     import policy accepts only the default route, and leaf2's uplinks
//     announce it to the spines;
//   - leaf1 has the group k8s-rack1 listening in its server subnet, whose
//     members announce a /26 and a /24 of 10.244.0.0/16; the import policy
//     takes only /26s (ge 26 le 26), and leaf1's uplinks announce those;
//   - host1 accepts only fabric prefixes, so no default route.
func withPeers(t *testing.T) *model.Fabric {
	t.Helper()
	f := modeltest.Unnumbered()
	leaf1, leaf2 := device(f, "leaf1"), device(f, "leaf2")
	leaf2.Subnets = append(leaf2.Subnets, model.Subnet{Prefix: pfx("192.168.10.0/30"), Port: "swp20", Gateway: pfx("192.168.10.1/30")})
	leaf2.Default().Originated = append(leaf2.Default().Originated, pfx("192.168.10.0/30"))
	model.SortPrefixes(leaf2.Default().Originated)
	resolve.ApplyPolicies(f)
	resolve.Derive(f)

	uplink := func(d *model.Device) *model.Policy {
		for _, p := range d.Policies {
			if p.Name == resolve.PolicyExportUplink {
				return p
			}
		}
		t.Fatalf("%s has no uplink policy", d.Name)
		return nil
	}
	advertise := []model.PrefixRule{{Prefix: pfx("10.255.0.0/24"), Le: 32}, {Prefix: pfx("10.1.1.0/24")}, {Prefix: pfx("10.1.2.0/24")}}

	fw1 := &model.External{Name: "fw1", ASN: 65500, Address: netip.MustParseAddr("192.168.10.2"),
		Announces: []netip.Prefix{pfx("0.0.0.0/0"), pfx("198.51.100.0/24")}}
	leaf2.Default().Sessions = append(leaf2.Default().Sessions, &model.Session{Local: leaf2, External: fw1, PeerASN: 65500,
		LocalAddr: netip.MustParseAddr("192.168.10.1"), PeerAddr: fw1.Address, Families: []model.Family{model.IPv4},
		Import: policy(leaf2, "UNDERLAY-IMPORT-fw1", model.PrefixRule{Prefix: pfx("0.0.0.0/0")}),
		Export: policy(leaf2, "UNDERLAY-EXPORT-fw1", advertise...)})
	up2 := uplink(leaf2)
	up2.Rules = append([]model.PrefixRule{{Prefix: pfx("0.0.0.0/0")}}, up2.Rules...)

	k8s := &model.Group{Name: "k8s-rack1", Listen: []netip.Prefix{pfx("10.1.1.0/26")},
		Announces: []netip.Prefix{pfx("10.244.1.0/26"), pfx("10.244.2.0/24")}}
	rule := model.PrefixRule{Prefix: pfx("10.244.0.0/16"), Ge: 26, Le: 26}
	leaf1.Default().Sessions = append(leaf1.Default().Sessions, &model.Session{Local: leaf1, Group: k8s,
		Families: []model.Family{model.IPv4}, Import: policy(leaf1, "UNDERLAY-IMPORT-k8s-rack1", rule),
		Export: policy(leaf1, "UNDERLAY-EXPORT-k8s-rack1", advertise...)})
	up1 := uplink(leaf1)
	up1.Rules = append(up1.Rules, rule)
	return f
}

// ribOf maps prefix → route.
func ribOf(t *testing.T, g *Graph, name string) map[string]Route {
	t.Helper()
	rib, ok := g.RIB(name)
	if !ok {
		t.Fatalf("no RIB for %s", name)
	}
	out := map[string]Route{}
	for _, r := range rib {
		out[r.Prefix] = r
	}
	return out
}

func TestExternalDefaultRoute(t *testing.T) {
	f := withPeers(t)
	g := NewGraph(f)
	// The default route reaches every device but host1, whose import
	// policy takes only fabric prefixes; nothing else fw1 announces gets
	// past leaf2's import policy.
	var reached []string
	for _, d := range f.Devices {
		rib := ribOf(t, g, d.Name)
		if _, ok := rib["0.0.0.0/0"]; ok {
			reached = append(reached, d.Name)
		}
		if r, ok := rib["198.51.100.0/24"]; ok {
			t.Errorf("%s has %s, which leaf2's import policy refuses: %+v", d.Name, r.Prefix, r)
		}
	}
	if want := []string{"leaf1", "leaf2", "spine1", "spine2"}; !slices.Equal(reached, want) {
		t.Errorf("0.0.0.0/0 reaches %v, want %v", reached, want)
	}
	want := Route{Prefix: "0.0.0.0/0", Width: 1, ASPath: []model.ASN{65500},
		Candidates: []NextHop{{Interface: "swp20", Peer: "fw1", Address: "192.168.10.2", Best: true}}}
	if diff := cmp.Diff(want, ribOf(t, g, "leaf2")["0.0.0.0/0"]); diff != "" {
		t.Errorf("leaf2's default route (-want +got):\n%s", diff)
	}
	want = Route{Prefix: "0.0.0.0/0", Width: 2, ASPath: []model.ASN{65100, 4200000002, 65500},
		Candidates: []NextHop{{Interface: "swp1", Peer: "spine1", LinkLocal: true, Best: true}, {Interface: "swp2", Peer: "spine2", LinkLocal: true}}}
	if diff := cmp.Diff(want, ribOf(t, g, "leaf1")["0.0.0.0/0"]); diff != "" {
		t.Errorf("leaf1's default route (-want +got):\n%s", diff)
	}
	trace, err := g.Trace("host1", pfx("0.0.0.0/0"))
	if err != nil || !strings.HasPrefix(trace, "0.0.0.0/0 is announced by leaf2/fw1 (external neighbour, AS 65500)\n") ||
		!strings.Contains(trace, "host1: no route: dropped by this device's import policy (offered by leaf1)") {
		t.Errorf("trace (err %v):\n%s", err, trace)
	}
	trace, _ = g.Trace("leaf2", pfx("198.51.100.0/24"))
	if !strings.Contains(trace, "leaf2: no route: dropped by this device's import policy (offered by leaf2/fw1)") {
		t.Errorf("trace of the refused announce:\n%s", trace)
	}
	trace, _ = g.Trace("spine1", pfx("0.0.0.0/0"))
	if !strings.Contains(trace, "leaf2: AS path 65500; shortest AS path (1 hops), best via leaf2/fw1\n") ||
		!strings.Contains(trace, "via swp20 192.168.10.2 → fw1\n        leaf2/fw1: announces it\n") {
		t.Errorf("trace from spine1:\n%s", trace)
	}
	// Nothing in the standard checks is about what externals announce,
	// and their sessions count but are no broken sessions.
	r := Verify(f, Options{})
	for _, c := range r.Checks {
		if !c.Pass {
			t.Errorf("%s fails: %+v", c.Name, c.Findings)
		}
	}
	if r.Sessions != len(f.Links)+2 {
		t.Errorf("%d sessions, want %d", r.Sessions, len(f.Links)+2)
	}
}

// TestExternalReceivesExports: the stub sees what the device advertises to
// it, through the session's export policy, and passes nothing on.
func TestExternalReceivesExports(t *testing.T) {
	g := NewGraph(withPeers(t))
	rib := ribOf(t, g, "leaf2/fw1")
	var got []string
	for p := range rib {
		got = append(got, p)
	}
	slices.Sort(got)
	want := []string{"0.0.0.0/0", "10.1.1.0/24", "10.1.2.0/24", "10.255.0.1/32", "10.255.0.101/32", "10.255.0.11/32",
		"10.255.0.12/32", "10.255.0.2/32", "198.51.100.0/24"}
	if !slices.Equal(got, want) {
		t.Errorf("fw1 has %v, want %v (its own announces, and what the export policy passes)", got, want)
	}
	if r := rib["10.255.0.11/32"]; len(r.Candidates) != 1 || r.Candidates[0] != (NextHop{Peer: "leaf2", Address: "192.168.10.1", Best: true}) ||
		!slices.Equal(r.ASPath, []model.ASN{4200000002, 65100, 4200000001}) {
		t.Errorf("fw1's route to leaf1's loopback: %+v", r)
	}
	// A stub is never transit: k8s-rack1's /26 reaches leaf2 but leaf2's
	// export policy to fw1 does not pass it, and fw1 does not pass its
	// routes to anyone but leaf2.
	if _, ok := rib["10.244.1.0/26"]; ok {
		t.Error("fw1 receives the group's /26 through an export policy that does not pass it")
	}
	if _, ok := g.RIB("leaf9/fw1"); ok {
		t.Error("a RIB for a stub that does not exist")
	}
}

// TestGroupAnnouncesGeLe: an import rule "10.244.0.0/16 ge 26 le 26"
// accepts a member's /26 and refuses its /24.
func TestGroupAnnouncesGeLe(t *testing.T) {
	f := withPeers(t)
	g := NewGraph(f)
	for _, d := range f.Devices {
		rib := ribOf(t, g, d.Name)
		_, has26 := rib["10.244.1.0/26"]
		if want := d.Name != "host1"; has26 != want {
			t.Errorf("%s has 10.244.1.0/26: %v, want %v", d.Name, has26, want)
		}
		if _, ok := rib["10.244.2.0/24"]; ok {
			t.Errorf("%s has 10.244.2.0/24, which the ge 26 le 26 rule refuses", d.Name)
		}
	}
	// A group member's AS is open (remote-as external): 0 in the path;
	// its address is known only once it connects.
	want := Route{Prefix: "10.244.1.0/26", Width: 1, ASPath: []model.ASN{0},
		Candidates: []NextHop{{Interface: "swp10", Peer: "k8s-rack1", Best: true}}}
	if diff := cmp.Diff(want, ribOf(t, g, "leaf1")["10.244.1.0/26"]); diff != "" {
		t.Errorf("leaf1's route to the group's /26 (-want +got):\n%s", diff)
	}
	trace, _ := g.Trace("leaf2", pfx("10.244.1.0/26"))
	if !strings.HasPrefix(trace, "10.244.1.0/26 is announced by leaf1/k8s-rack1 (group, any external AS)\n") ||
		!strings.Contains(trace, "leaf2: AS path 65100 4200000001 0;") {
		t.Errorf("trace:\n%s", trace)
	}
}

// TestExternalsAnnouncingOnePrefix: two firewalls announcing the default
// route are one class with two origins, and the spines multipath across
// the two leaves as BGP would.
func TestExternalsAnnouncingOnePrefix(t *testing.T) {
	f := withPeers(t)
	leaf1 := device(f, "leaf1")
	fw2 := &model.External{Name: "fw2", ASN: 65501, Address: netip.MustParseAddr("10.1.1.2"), Announces: []netip.Prefix{pfx("0.0.0.0/0")}}
	leaf1.Default().Sessions = append(leaf1.Default().Sessions, &model.Session{Local: leaf1, External: fw2, PeerASN: 65501,
		LocalAddr: netip.MustParseAddr("10.1.1.1"), PeerAddr: fw2.Address, Families: []model.Family{model.IPv4}})
	for _, p := range leaf1.Policies {
		if p.Name == resolve.PolicyExportUplink {
			p.Rules = append([]model.PrefixRule{{Prefix: pfx("0.0.0.0/0")}}, p.Rules...)
		}
	}
	g := NewGraph(f)
	var defaults int
	for _, c := range g.classes() {
		if slices.Contains(c.prefixes, pfx("0.0.0.0/0")) {
			defaults++
			if got := g.originName(c); got != "leaf1/fw2, leaf2/fw1" {
				t.Errorf("origins %q", got)
			}
		}
	}
	if defaults != 1 {
		t.Errorf("0.0.0.0/0 is in %d classes, want 1", defaults)
	}
	r := ribOf(t, g, "spine2")["0.0.0.0/0"]
	if r.Width != 2 || len(r.Candidates) != 2 || r.Candidates[0].Peer != "leaf1" || r.Candidates[1].Peer != "leaf2" {
		t.Errorf("spine2's default route: %+v", r)
	}
	// leaf1 prefers its own firewall (one AS hop) to leaf2's (three).
	if r := ribOf(t, g, "leaf1")["0.0.0.0/0"]; !slices.Equal(r.ASPath, []model.ASN{65501}) || r.Candidates[0].Address != "10.1.1.2" {
		t.Errorf("leaf1's default route: %+v", r)
	}
}

// TestRoutesStayInTheirInstance: a prefix originated in a VRF spreads over
// that VRF's sessions only, and the RIB says which VRF a route is in.
func TestRoutesStayInTheirInstance(t *testing.T) {
	f := modeltest.Unnumbered()
	leaf1, spine1 := device(f, "leaf1"), device(f, "spine1")
	l := &model.Link{A: model.Endpoint{Device: spine1, Port: "Ethernet8"}, B: model.Endpoint{Device: leaf1, Port: "swp5"}, MTU: 9216, Unnumbered: true}
	f.Links = append(f.Links, l)
	blue := func(d *model.Device, port string, peer *model.Device, peerPort string, originated ...netip.Prefix) {
		d.Interfaces = append(d.Interfaces, &model.Interface{Name: port, Kind: model.KindRouted, MTU: 9216, Unnumbered: true,
			Instance: "blue", Port: &model.Port{Name: port, MTU: 9216, Unnumbered: true, Link: l, Peer: peer, PeerPort: peerPort}})
		d.Instances = append(d.Instances, &model.Instance{Name: "blue", ASN: d.ASN, RouterID: d.RouterID, Originated: originated,
			Sessions: []*model.Session{{Local: d, Port: port, Peer: peer, PeerPort: peerPort, PeerASN: peer.ASN, Unnumbered: true,
				Families: []model.Family{model.IPv4}}}})
	}
	blue(leaf1, "swp5", spine1, "Ethernet8", pfx("10.99.0.0/24"))
	blue(spine1, "Ethernet8", leaf1, "swp5")
	g := NewGraph(f)
	want := Route{VRF: "blue", Prefix: "10.99.0.0/24", Width: 1, ASPath: []model.ASN{4200000001},
		Candidates: []NextHop{{Interface: "Ethernet8", Peer: "leaf1", LinkLocal: true, Best: true}}}
	if diff := cmp.Diff(want, ribOf(t, g, "spine1")["10.99.0.0/24"]); diff != "" {
		t.Errorf("spine1's route in vrf blue (-want +got):\n%s", diff)
	}
	for _, d := range []string{"leaf2", "spine2", "host1"} {
		if r, ok := ribOf(t, g, d)["10.99.0.0/24"]; ok {
			t.Errorf("%s, which has no vrf blue, has its route: %+v", d, r)
		}
	}
	// The default instance comes first in a RIB, its routes unchanged.
	rib, _ := g.RIB("spine1")
	if last := rib[len(rib)-1]; last.VRF != "blue" || rib[0].VRF != "" {
		t.Errorf("spine1's RIB order: first %+v, last %+v", rib[0], last)
	}
	if r := Verify(f, Options{}); !r.Pass() || r.Sessions != len(f.Links) {
		t.Errorf("pass=%v, %d sessions: %+v", r.Pass(), r.Sessions, r.Checks)
	}
	// A session whose peer has no such VRF cannot come up.
	spine1.Instances = spine1.Instances[:1]
	g = NewGraph(f)
	if len(g.Broken) != 1 || g.Broken[0].String() != "leaf1:swp5 → spine1 (vrf blue): spine1 has no routing instance blue" {
		t.Errorf("broken: %+v", g.Broken)
	}
}

// TestChecksOnExternalRoutes: spec.checks are how an intent says who must
// (or must not) have what external neighbours announce.
func TestChecksOnExternalRoutes(t *testing.T) {
	f := withPeers(t)
	f.Checks = []model.Check{
		{Name: "leaves-default", From: []*model.Device{device(f, "leaf1")}, To: []netip.Prefix{pfx("0.0.0.0/0")}, Reach: true, MinPaths: 2},
		{Name: "host-default", From: []*model.Device{device(f, "host1")}, To: []netip.Prefix{pfx("0.0.0.0/0")}, Reach: true, MinPaths: 1},
		{Name: "host-no-test-net", From: []*model.Device{device(f, "host1")}, To: []netip.Prefix{pfx("198.51.100.0/24")}},
		// The refused /24 is nowhere, but the default route covers it.
		{Name: "leaf-no-test-net", From: []*model.Device{device(f, "leaf1")}, To: []netip.Prefix{pfx("198.51.100.0/24")}},
	}
	r := Verify(f, Options{})
	if c := check(t, r, "check:leaves-default"); !c.Pass {
		t.Errorf("leaf1 lacks two paths to the default route: %+v", c.Findings)
	}
	if c := check(t, r, "check:host-no-test-net"); !c.Pass {
		t.Errorf("a refused announce is reachable: %+v", c.Findings)
	}
	if c := check(t, r, "check:leaf-no-test-net"); c.Pass || len(c.Findings) != 1 || !strings.Contains(c.Findings[0].Detail,
		"0.0.0.0/0 is a route here (from leaf2/fw1, it covers 198.51.100.0/24)") {
		t.Errorf("leaf1 isolated from 198.51.100.0/24 under a default route: %+v", c)
	}
	c := check(t, r, "check:host-default")
	if c.Pass || len(c.Findings) != 1 || c.Findings[0].Origin != "leaf2/fw1" ||
		c.Findings[0].Detail != "unreachable: dropped by this device's import policy (offered by leaf1)" {
		t.Errorf("host1's default route: %+v", c)
	}
}
