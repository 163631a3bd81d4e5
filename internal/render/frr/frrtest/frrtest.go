// Package frrtest builds, by hand, the model constructs resolve does not
// build from any intent yet, so the FRR renderer and the agent's FRR
// admission can be tested on them: external neighbours, groups, and a
// second routing instance; and it resolves issue #11's bare-metal example
// (Baremetal), whose VRFs and EVPN the same tests need.
package frrtest

import (
	"net/netip"
	"sort"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/model/modeltest"
	"underlay.dev/underlay/internal/resolve"
)

// VRF is the name of the hand-built second instance.
const VRF = "blue"

// Peers is modeltest.Unnumbered with, on leaf1, everything the FRR
// renderer says beyond fabric sessions:
//   - fw1, an external neighbour at 192.168.10.2 (in a subnet on swp20),
//     with its own import and export policies;
//   - fw2, an external neighbour over swp22 (unnumbered, both families);
//   - k8s-rack1, a group with "remote-as external" listening on
//     10.1.0.0/24 (a subnet on swp21), with a listen limit, a maximum
//     prefix count and an import policy with ge and le;
//   - instance "blue", with its own external neighbour and a group of a
//     fixed ASN listening in both families.
func Peers() (*model.Fabric, *model.Device) {
	f := modeltest.Unnumbered()
	leaf1 := device(f, "leaf1")
	for _, s := range []struct{ prefix, port, gw string }{
		{"192.168.10.0/30", "swp20", "192.168.10.1/30"}, {"10.1.0.0/24", "swp21", "10.1.0.1/24"},
	} {
		leaf1.Subnets = append(leaf1.Subnets, model.Subnet{Prefix: pfx(s.prefix), Port: s.port, Gateway: pfx(s.gw)})
		leaf1.Default().Originated = append(leaf1.Default().Originated, pfx(s.prefix))
	}
	model.SortPrefixes(leaf1.Default().Originated)
	advertise := &model.Policy{Name: "UNDERLAY-EXPORT-fw1", Rules: []model.PrefixRule{
		{Prefix: pfx("10.255.0.0/24"), Le: 32}, {Prefix: pfx("fd00:255::/64"), Le: 128}}}
	fw1 := &model.External{Name: "fw1", ASN: 65500, Address: netip.MustParseAddr("192.168.10.2"),
		Announces: []netip.Prefix{pfx("0.0.0.0/0")}}
	fw2 := &model.External{Name: "fw2", ASN: 65501, Interface: "swp22", Announces: []netip.Prefix{pfx("198.51.100.0/24")}}
	rack := &model.Group{Name: "k8s-rack1", Listen: []netip.Prefix{pfx("10.1.0.0/24")}, ListenLimit: 200,
		MaxPrefixes: 50, Announces: []netip.Prefix{pfx("10.244.0.0/16")}}
	imports := map[string]*model.Policy{
		"fw1":       {Name: "UNDERLAY-IMPORT-fw1", Rules: []model.PrefixRule{{Prefix: pfx("0.0.0.0/0")}}},
		"fw2":       {Name: "UNDERLAY-IMPORT-fw2", Rules: []model.PrefixRule{{Prefix: pfx("198.51.100.0/24"), Le: 26}}},
		"k8s-rack1": {Name: "UNDERLAY-IMPORT-k8s-rack1", Rules: []model.PrefixRule{{Prefix: pfx("10.244.0.0/16"), Ge: 26, Le: 26}}},
	}
	leaf1.Policies = append(leaf1.Policies, advertise, imports["fw1"], imports["fw2"], imports["k8s-rack1"])
	sort.Slice(leaf1.Policies, func(i, j int) bool { return leaf1.Policies[i].Name < leaf1.Policies[j].Name })
	leaf1.Default().Sessions = append(leaf1.Default().Sessions,
		&model.Session{Local: leaf1, External: fw1, PeerASN: fw1.ASN, PeerAddr: fw1.Address,
			LocalAddr: netip.MustParseAddr("192.168.10.1"), Families: []model.Family{model.IPv4},
			Import: imports["fw1"], Export: advertise},
		&model.Session{Local: leaf1, Port: "swp22", External: fw2, PeerASN: fw2.ASN, Unnumbered: true,
			Families: []model.Family{model.IPv4, model.IPv6}, Import: imports["fw2"], Export: advertise},
		&model.Session{Local: leaf1, Group: rack, Families: []model.Family{model.IPv4},
			Import: imports["k8s-rack1"], Export: advertise})
	resolve.Derive(f)
	leaf1.Instances = append(leaf1.Instances, blue(leaf1))
	return f, leaf1
}

// blue is a second instance, as a VRF of leaf1 would be: what resolve
// will build when intents can ask for one.
func blue(d *model.Device) *model.Instance {
	in := &model.Instance{Name: VRF, ASN: d.ASN, RouterID: d.RouterID,
		Originated: []netip.Prefix{pfx("10.9.0.0/24"), pfx("fd00:9::/64")}}
	lb := &model.External{Name: "lb1", ASN: 65510, Address: netip.MustParseAddr("10.9.0.2")}
	rack := &model.Group{Name: "rack2", ASN: 65010, Listen: []netip.Prefix{pfx("10.2.0.0/24"), pfx("fd00:2::/64")}}
	in.Sessions = []*model.Session{
		{Local: d, External: lb, PeerASN: lb.ASN, PeerAddr: lb.Address, LocalAddr: netip.MustParseAddr("10.9.0.1"),
			Families: []model.Family{model.IPv4}},
		{Local: d, Group: rack, PeerASN: rack.ASN, Families: []model.Family{model.IPv4, model.IPv6}},
	}
	return in
}

func device(f *model.Fabric, name string) *model.Device {
	for _, d := range f.Devices {
		if d.Name == name {
			return d
		}
	}
	panic("frrtest: no device " + name)
}

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }
