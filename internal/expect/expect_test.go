package expect

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/model/modeltest"
)

func TestFor(t *testing.T) {
	f := modeltest.Unnumbered()
	byName := map[string]Expectations{}
	for _, d := range f.Devices {
		byName[d.Name] = For(d)
	}
	// A host expects its leaf's own prefixes (filtered by its import
	// policy), not the prefixes the leaf merely passes on.
	want := Expectations{Device: "host1",
		Sessions: []Session{{Neighbor: "eth0", Peer: "leaf1", Families: []string{"ipv4", "ipv6"}}},
		Prefixes: []string{"10.1.1.0/24", "10.255.0.11/32", "fd00:255::11/128"}}
	if diff := cmp.Diff(want, byName["host1"]); diff != "" {
		t.Errorf("host1 (-want +got):\n%s", diff)
	}
	// A spine expects each leaf's own prefixes, not those of the hosts
	// behind it: a host's fault must not fail the spine's health gate.
	got := byName["spine1"].Prefixes
	for _, p := range []string{"10.1.1.0/24", "10.255.0.12/32", "fd00:255::11/128"} {
		if !contains(got, p) {
			t.Errorf("spine1 does not expect %s: %v", p, got)
		}
	}
	if contains(got, "10.255.0.101/32") {
		t.Errorf("spine1 expects a host prefix: %v", got)
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// TestExternalsAndGroupsDoNotGate: sessions to an external neighbour and a
// group are listed under ungated, never under sessions, and what they
// announce is not expected; the fabric sessions and prefixes are as
// without them. The file decodes strictly.
func TestExternalsAndGroupsDoNotGate(t *testing.T) {
	f := modeltest.Unnumbered()
	var leaf1 *model.Device
	for _, d := range f.Devices {
		if d.Name == "leaf1" {
			leaf1 = d
		}
	}
	before := For(leaf1)
	fw1 := &model.External{Name: "fw1", ASN: 65500, Address: netip.MustParseAddr("10.1.1.2"),
		Announces: []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0")}}
	rtr := &model.External{Name: "rtr1", ASN: 65501, Interface: "swp30", Announces: []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0")}}
	k8s := &model.Group{Name: "k8s-rack1", Listen: []netip.Prefix{netip.MustParsePrefix("10.1.1.0/26")}}
	in := leaf1.Default()
	in.Sessions = append(in.Sessions,
		&model.Session{Local: leaf1, External: fw1, PeerASN: 65500, LocalAddr: netip.MustParseAddr("10.1.1.1"),
			PeerAddr: fw1.Address, Families: []model.Family{model.IPv4}},
		&model.Session{Local: leaf1, External: rtr, Port: "swp30", PeerASN: 65501, Unnumbered: true,
			Families: []model.Family{model.IPv4, model.IPv6}},
		&model.Session{Local: leaf1, Group: k8s, Families: []model.Family{model.IPv4}})
	got := For(leaf1)
	want := before
	want.Ungated = []Session{
		{Neighbor: "10.1.1.2", Peer: "fw1", Families: []string{"ipv4"}, Kind: KindExternal},
		{Neighbor: "swp30", Peer: "rtr1", Families: []string{"ipv4", "ipv6"}, Kind: KindExternal},
		{Neighbor: "k8s-rack1", Peer: "k8s-rack1", Families: []string{"ipv4"}, Kind: KindGroup},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("leaf1 (-want +got):\n%s", diff)
	}
	file, err := File(leaf1)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(file.Content), `"ungated": [`) || !strings.Contains(string(file.Content), `"kind": "group"`) {
		t.Errorf("expect.json:\n%s", file.Content)
	}
	dec, err := Decode(file.Content, "leaf1")
	if err != nil {
		t.Fatalf("the agent's decoder refuses it: %v", err)
	}
	if diff := cmp.Diff(got, dec); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	// Without externals or groups the file has no ungated key at all:
	// today's expect.json files are unchanged.
	plain, _ := File(f.Devices[0])
	if strings.Contains(string(plain.Content), "ungated") || strings.Contains(string(plain.Content), "kind") {
		t.Errorf("a device without externals:\n%s", plain.Content)
	}
}
