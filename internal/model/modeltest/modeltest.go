// Package modeltest builds small, hand-written resolved fabrics for the
// renderer tests, so each renderer can be tested without the resolver.
package modeltest

import (
	"net/netip"
	"sort"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/resolve"
)

var defaultBGP = model.BGP{MultipathRelax: true, MaximumPaths: 64, Keepalive: 3, Hold: 9}

func dev(name string, role model.Role, pf model.Platform, asn model.ASN, lo ...string) *model.Device {
	d := &model.Device{Name: name, Role: role, Platform: pf, ASN: asn, BGP: defaultBGP}
	for _, s := range lo {
		d.Loopbacks = append(d.Loopbacks, netip.MustParsePrefix(s))
	}
	d.RouterID = d.LoopbacksOf(model.IPv4)[0].Addr()
	d.Originated = append(d.Originated, d.Loopbacks...)
	if pf == model.PlatformSONiC {
		d.Sonic = model.SonicSettings{HWSKU: "Force10-S6000", Platform: "x86_64-kvm_x86_64-r0", MAC: "52:54:00:12:34:56"}
	}
	return d
}

// connect adds a link between a:ap and b:bp. With v4 == "" the link is
// unnumbered; otherwise v4 is the /31, a takes the lower address.
func connect(f *model.Fabric, a *model.Device, ap string, b *model.Device, bp string, v4 string) {
	l := &model.Link{A: model.Endpoint{Device: a, Port: ap}, B: model.Endpoint{Device: b, Port: bp}, MTU: 9216}
	if v4 == "" {
		l.Unnumbered = true
	} else {
		l.V4 = netip.MustParsePrefix(v4)
		l.A.V4 = netip.PrefixFrom(l.V4.Addr(), 31)
		l.B.V4 = netip.PrefixFrom(l.V4.Addr().Next(), 31)
	}
	f.Links = append(f.Links, l)
	addSide(a, ap, l.A, b, bp, l.B, l)
	addSide(b, bp, l.B, a, ap, l.A, l)
}

func addSide(d *model.Device, port string, me model.Endpoint, peer *model.Device, peerPort string, them model.Endpoint, l *model.Link) {
	p := &model.Port{Name: port, MTU: l.MTU, Unnumbered: l.Unnumbered, Link: l, Peer: peer, PeerPort: peerPort, Index: len(d.Ports)}
	s := &model.Session{Local: d, Port: port, Peer: peer, PeerPort: peerPort, PeerASN: peer.ASN, Unnumbered: l.Unnumbered}
	if l.Unnumbered {
		s.Families = model.Families(append(append([]netip.Prefix{}, d.Loopbacks...), peer.Loopbacks...))
	} else {
		p.Addrs = []netip.Prefix{me.V4}
		s.LocalAddr, s.PeerAddr = me.V4.Addr(), them.V4.Addr()
		s.Families = []model.Family{model.IPv4}
	}
	d.Ports = append(d.Ports, p)
	d.Sessions = append(d.Sessions, s)
}

// SeedLab is the original demo: leaf1 cumulus, leaf2 nvue, spine sonic,
// numbered /31s, no host.
func SeedLab() *model.Fabric {
	f := &model.Fabric{Name: "dc1", Namespace: "dc1", BGP: defaultBGP,
		LoopbackPools: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}}
	leaf1 := dev("leaf1", model.RoleLeaf, model.PlatformCumulus, 65001, "192.0.2.1/32")
	leaf2 := dev("leaf2", model.RoleLeaf, model.PlatformNVUE, 65002, "192.0.2.2/32")
	spine := dev("spine", model.RoleSpine, model.PlatformSONiC, 65100, "192.0.2.100/32")
	f.Devices = []*model.Device{leaf1, leaf2, spine}
	connect(f, spine, "Ethernet0", leaf1, "swp1", "10.0.0.0/31")
	connect(f, spine, "Ethernet4", leaf2, "swp1", "10.0.0.2/31")
	finish(f)
	return f
}

// Unnumbered is a small dual-stack unnumbered fabric with every platform:
// spine1 (sonic) and spine2 (cumulus), leaf1 (cumulus) with host1
// (linux-frr) and a server subnet on swp10, leaf2 (nvue) with a blackhole-
// anchored subnet, 4-byte ASNs on the host.
func Unnumbered() *model.Fabric {
	f := &model.Fabric{Name: "lab", Namespace: "underlay-system", BGP: defaultBGP,
		LoopbackPools: []netip.Prefix{netip.MustParsePrefix("10.255.0.0/24"), netip.MustParsePrefix("fd00:255::/64")}}
	spine1 := dev("spine1", model.RoleSpine, model.PlatformSONiC, 65100, "10.255.0.1/32", "fd00:255::1/128")
	spine2 := dev("spine2", model.RoleSpine, model.PlatformCumulus, 65100, "10.255.0.2/32", "fd00:255::2/128")
	leaf1 := dev("leaf1", model.RoleLeaf, model.PlatformCumulus, 4200000001, "10.255.0.11/32", "fd00:255::11/128")
	leaf2 := dev("leaf2", model.RoleLeaf, model.PlatformNVUE, 4200000002, "10.255.0.12/32", "fd00:255::12/128")
	host1 := dev("host1", model.RoleHost, model.PlatformLinuxFRR, 4210000001, "10.255.0.101/32", "fd00:255::101/128")
	leaf1.Subnets = []model.Subnet{{Prefix: netip.MustParsePrefix("10.1.1.0/24"), Port: "swp10", Gateway: netip.MustParsePrefix("10.1.1.1/24")}}
	leaf2.Subnets = []model.Subnet{{Prefix: netip.MustParsePrefix("10.1.2.0/24")}}
	leaf1.Originated = append(leaf1.Originated, leaf1.Subnets[0].Prefix)
	leaf2.Originated = append(leaf2.Originated, leaf2.Subnets[0].Prefix)
	f.Devices = []*model.Device{host1, leaf1, leaf2, spine1, spine2}
	connect(f, spine1, "Ethernet0", leaf1, "swp1", "")
	connect(f, spine1, "Ethernet4", leaf2, "swp1", "")
	connect(f, spine2, "swp1", leaf1, "swp2", "")
	connect(f, spine2, "swp2", leaf2, "swp2", "")
	connect(f, leaf1, "swp3", host1, "eth0", "")
	finish(f)
	return f
}

// finish sorts what resolve would sort and adds the standard policies.
func finish(f *model.Fabric) {
	for _, d := range f.Devices {
		sort.Slice(d.Originated, func(i, j int) bool {
			a, b := d.Originated[i], d.Originated[j]
			if c := a.Addr().Compare(b.Addr()); c != 0 {
				return c < 0
			}
			return a.Bits() < b.Bits()
		})
	}
	resolve.ApplyPolicies(f)
	resolve.Derive(f)
}
