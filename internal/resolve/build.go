package resolve

import (
	"net/netip"
	"sort"

	"underlay.dev/underlay/internal/model"
)

// build fills ports, sessions, originated prefixes and policies, and sorts
// everything so renderers can iterate without sorting again.
func (r *resolver) build() {
	r.buildNetworks()
	v6 := false
	for _, d := range r.order {
		for _, lo := range d.m.Loopbacks {
			v6 = v6 || lo.Addr().Is6()
		}
		for _, s := range d.m.Subnets {
			v6 = v6 || s.Prefix.Addr().Is6()
		}
		for _, sn := range d.m.Networks {
			v6 = v6 || sn.Prefix.Addr().Is6() || sn.PrefixV6.IsValid()
		}
	}
	for _, c := range r.clus { // IPv6 pods need the fabric to carry IPv6
		v6 = v6 || c.m.HasV6()
	}
	for _, l := range r.links {
		addressEnds(l.m)
		addSide(l.m, &l.m.A, &l.m.B, v6)
		addSide(l.m, &l.m.B, &l.m.A, v6)
	}
	r.clusterOutsiders()
	vrfs := vrfsByName(r.out)
	for _, d := range sortedDevices(r.order) {
		m := d.m
		sort.SliceStable(m.Loopbacks, func(i, j int) bool { return m.Loopbacks[i].Addr().Is4() && !m.Loopbacks[j].Addr().Is4() })
		m.RouterID = m.Loopbacks[0].Addr() // allocation guarantees an IPv4 loopback
		sort.Slice(m.Ports, func(i, j int) bool { return model.NaturalLess(m.Ports[i].Name, m.Ports[j].Name) })
		for i, p := range m.Ports {
			p.Index = i
		}
		sort.SliceStable(m.Default().Sessions, func(i, j int) bool {
			a, b := m.Default().Sessions[i], m.Default().Sessions[j]
			if a.Port != b.Port {
				return model.NaturalLess(a.Port, b.Port)
			}
			return a.Families[0] < b.Families[0]
		})
		outsideSessions(d, v6)
		r.checkListenLimit(d)
		m.Default().Originated = append(append(append([]netip.Prefix(nil), m.Loopbacks...), subnetPrefixes(m)...),
			networkPrefixes(m, model.DefaultInstance)...)
		model.SortPrefixes(m.Default().Originated)
		derive(m, vrfs)
		r.out.Devices = append(r.out.Devices, m)
	}
	linkClusterSessions(r.out)
	markEVPN(r.out)
	ApplyPolicies(r.out)
}

func subnetPrefixes(d *model.Device) []netip.Prefix {
	var out []netip.Prefix
	for _, s := range d.Subnets {
		out = append(out, s.Prefix)
	}
	return out
}

// addressEnds gives endpoint A the lower address of each link prefix.
func addressEnds(l *model.Link) {
	if l.V4.IsValid() {
		l.A.V4 = l.V4
		l.B.V4 = netip.PrefixFrom(l.V4.Addr().Next(), l.V4.Bits())
	}
	if l.V6.IsValid() {
		l.A.V6 = l.V6
		l.B.V6 = netip.PrefixFrom(l.V6.Addr().Next(), l.V6.Bits())
	}
}

// addSide adds me's port and its BGP sessions to me's device. Numbered
// links get one session per family with an address; unnumbered ones one
// session carrying IPv4 (extended next hop) and IPv6 when the fabric has
// IPv6 prefixes.
func addSide(l *model.Link, me, peer *model.Endpoint, v6 bool) {
	d := me.Device
	p := &model.Port{Name: me.Port, MTU: l.MTU, Unnumbered: l.Unnumbered, Link: l, Peer: peer.Device, PeerPort: peer.Port}
	d.Ports = append(d.Ports, p)
	base := model.Session{Local: d, Port: me.Port, Peer: peer.Device, PeerPort: peer.Port, PeerASN: peer.Device.ASN}
	if l.Unnumbered {
		s := base
		s.Unnumbered = true
		s.Families = []model.Family{model.IPv4}
		if v6 {
			s.Families = append(s.Families, model.IPv6)
		}
		d.Default().Sessions = append(d.Default().Sessions, &s)
		return
	}
	for _, pair := range [][2]netip.Prefix{{me.V4, peer.V4}, {me.V6, peer.V6}} {
		if !pair[0].IsValid() {
			continue
		}
		p.Addrs = append(p.Addrs, pair[0])
		s := base
		s.LocalAddr, s.PeerAddr = pair[0].Addr(), pair[1].Addr()
		s.Families = model.Families(pair[:1])
		d.Default().Sessions = append(d.Default().Sessions, &s)
	}
}
