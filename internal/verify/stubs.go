package verify

import (
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"underlay.dev/underlay/internal/model"
)

// instanceNames lists every routing instance of the fabric: the default
// one first, then the others by name.
func instanceNames(devs []*model.Device) []string {
	seen := map[string]bool{model.DefaultInstance: true}
	var others []string
	for _, d := range devs {
		for _, in := range d.Instances {
			if !seen[in.Name] {
				seen[in.Name] = true
				others = append(others, in.Name)
			}
		}
	}
	sort.Strings(others)
	return append([]string{model.DefaultInstance}, others...)
}

// vrfLabel is how reports name an instance: not at all for the default
// one, so their output is what it was before instances existed.
func vrfLabel(name string) string {
	if name == model.DefaultInstance {
		return ""
	}
	return name
}

// stubName names the stub at the far end of s: "device/neighbour", unique
// in the fabric (external and group names are unique on a device, not
// across devices). --rib and --trace take it.
func stubName(s *model.Session) string {
	if s == nil {
		return ""
	}
	return s.Local.Name + "/" + s.Description()
}

// stubASN is the stub's ASN; a group open to any external ASN has 0,
// which no device has, so it never causes an AS-path loop.
func stubASN(s *model.Session) model.ASN {
	if s.External != nil {
		return s.External.ASN
	}
	return s.Group.ASN
}

// stubKind describes a stub for traces.
func stubKind(s *model.Session) string {
	if s.External != nil {
		return "external neighbour, AS " + s.External.ASN.String()
	}
	switch {
	case s.Group.ASN == 0:
		return "group, any external AS"
	case s.Group.Options.Internal:
		return "group, AS " + s.Group.ASN.String() + ", iBGP"
	}
	return "group, AS " + s.Group.ASN.String()
}

// stubAnnounces is what the stub at the far end of s originates.
func stubAnnounces(s *model.Session) []netip.Prefix {
	if s.External != nil {
		return s.External.Announces
	}
	return s.Group.Announces
}

// stubClasses groups what the instance's stubs announce: a prefix that
// several stubs announce (a default route from two firewalls) is one
// class with every one of them as origin, so devices choose between them
// as BGP does. A prefix that a device of the fabric originates as well
// stays a class of its own beside the device's (its RIB entries then
// appear twice): intent validation is the place to refuse such announces.
func (g *Graph) stubClasses(ii int32) []*class {
	in := g.insts[ii]
	origins := map[netip.Prefix][]int32{}
	var ps []netip.Prefix
	for v := in.stubs; v < in.hi; v++ {
		for _, p := range stubAnnounces(g.stub[v]) {
			if len(origins[p]) == 0 {
				ps = append(ps, p)
			}
			if o := origins[p]; len(o) == 0 || o[len(o)-1] != v {
				origins[p] = append(o, v)
			}
		}
	}
	model.SortPrefixes(ps)
	byKey := map[string]*class{}
	var out []*class
	for _, p := range ps {
		permits := g.pols.permitting(p)
		var kb strings.Builder
		kb.WriteString(classKey(p, permits))
		for _, o := range origins[p] {
			kb.WriteString(";" + strconv.Itoa(int(o)))
		}
		c := byKey[kb.String()]
		if c == nil {
			c = &class{inst: ii, origins: origins[p], fam: famOf(p), permits: permits, external: true}
			byKey[kb.String()] = c
			out = append(out, c)
		}
		c.prefixes = append(c.prefixes, p)
	}
	return out
}

// stubInterface finds the device's interface a stub session runs over and
// the device's address there: the external's interface, or the one whose
// subnet holds the external's address or the group's listen range.
func stubInterface(s *model.Session) (string, netip.Addr) {
	if s.External != nil && s.External.Interface != "" {
		return s.External.Interface, netip.Addr{}
	}
	var a netip.Addr
	switch {
	case s.External != nil:
		a = s.External.Address
	case len(s.Group.Listen) > 0:
		a = s.Group.Listen[0].Addr()
	}
	for _, i := range s.Local.Interfaces {
		for _, p := range i.Addrs {
			if p.Contains(a) {
				return i.Name, p.Addr()
			}
		}
	}
	return "", netip.Addr{}
}

// nextHop is the next hop node v installs for a route it learned over its
// edge e (the edge from v to the sender).
func (g *Graph) nextHop(v int32, e *edge) NextHop {
	s := e.sess
	switch {
	case e.overlay:
		from := g.dev[e.to]
		return NextHop{Peer: from.Name, Address: from.RouterID.String(), EVPN: true, UnderlayPaths: g.ov.paths(g, e.to, v)}
	case g.stub[v] != nil:
		// What the device advertises to the stub: the stub's own port
		// is not in the intent, the device's address on the subnet is.
		nh := NextHop{Peer: g.name(e.to)}
		if _, gw := stubInterface(s); gw.Is4() {
			nh.Address = gw.String()
		} else {
			nh.LinkLocal = true
		}
		return nh
	case s.Fabric():
		nh := NextHop{Interface: s.Port, Peer: s.Peer.Name}
		if !s.Unnumbered && s.PeerAddr.Is4() {
			nh.Address = s.PeerAddr.String()
		} else {
			nh.LinkLocal = true
		}
		return nh
	}
	port, _ := stubInterface(s)
	nh := NextHop{Interface: port, Peer: s.Description()}
	switch {
	case s.Group != nil:
		// A group member's address is known only once it connects.
	case s.External.Interface == "" && s.External.Address.Is4():
		nh.Address = s.External.Address.String()
	default:
		nh.LinkLocal = true
	}
	return nh
}
