package verify

import (
	"fmt"
	"net/netip"
	"strings"
)

// Trace explains how device reaches prefix: each hop with its next hops,
// the AS path it chose and why, following every ECMP branch once, in the
// default routing instance or, for a prefix only a VRF has, in the
// device's VRF. device may name a stub ("device/neighbour"): how the route
// reaches that external neighbour or group.
func (g *Graph) Trace(device string, prefix netip.Prefix) (string, error) {
	v, ok := g.byName[device]
	if !ok {
		return "", fmt.Errorf("no device %q in the fabric", device)
	}
	c := g.classOf(g.inst[v], prefix)
	if c == nil && g.stub[v] == nil {
		// Not in the default table: the device's VRFs, in order.
		for ii := 1; ii < len(g.insts) && c == nil; ii++ {
			if x, ok := g.insts[ii].nodes[g.dev[v]]; ok {
				v, c = x, g.classOf(int32(ii), prefix)
			}
		}
	}
	if c == nil {
		return "", fmt.Errorf("no device originates %s", prefix)
	}
	s := newSim(g)
	s.run(c)
	var b strings.Builder
	in := ""
	if vrf := vrfLabel(g.insts[c.inst].name); vrf != "" {
		in = " in vrf " + vrf
	}
	if c.external {
		var names []string
		for _, o := range c.origins {
			names = append(names, fmt.Sprintf("%s (%s)", g.name(o), stubKind(g.stub[o])))
		}
		fmt.Fprintf(&b, "%s is announced by %s%s\n", prefix, strings.Join(names, ", "), in)
	} else {
		o := g.dev[c.origin()]
		fmt.Fprintf(&b, "%s is originated by %s (%s)%s\n", prefix, o.Name, o.Role, in)
	}
	seen := map[int32]bool{}
	s.traceHop(&b, v, 0, seen)
	return b.String(), nil
}

func (s *sim) traceHop(b *strings.Builder, v int32, depth int, seen map[int32]bool) {
	g := s.g
	pad := strings.Repeat("  ", depth)
	name := g.name(v)
	switch {
	case s.dist[v] == 0 && g.stub[v] != nil:
		fmt.Fprintf(b, "%s%s: announces it\n", pad, name)
		return
	case s.dist[v] == 0:
		fmt.Fprintf(b, "%s%s: originates it\n", pad, name)
		return
	case s.dist[v] < 0:
		fmt.Fprintf(b, "%s%s: no route: %s\n", pad, name, s.explain(v))
		return
	case seen[v]:
		fmt.Fprintf(b, "%s%s: (see above)\n", pad, name)
		return
	}
	seen[v] = true
	path := s.asPath(v)
	parts := make([]string, len(path))
	for i, a := range path {
		parts[i] = a.String()
	}
	hops := s.hops(v)
	why := fmt.Sprintf("shortest AS path (%d hops), best via %s", len(path), g.name(s.rep[v]))
	switch {
	case g.edges[s.nextHops(v)[0]].overlay:
		why = fmt.Sprintf("imported from %s's EVPN type-5 route, AS path as the EVPN sessions carried it", g.name(s.rep[v]))
	case g.stub[s.rep[v]] == nil:
		why += " (lowest router ID)" // a stub's is not in the intent
	}
	switch w := s.width(v); {
	case w < len(hops):
		why += fmt.Sprintf(", ECMP over %d of these %d equal paths (maximum-paths %d; which ones besides the best "+
			"depends on next-hop order and arrival order)", w, len(hops), g.dev[v].BGP.MaximumPaths)
	case w > 1:
		why += fmt.Sprintf(", ECMP over %d equal paths", w)
	}
	shown := strings.Join(parts, " ")
	if len(parts) == 0 {
		shown = "empty (iBGP)" // from a per-rack group's members
	}
	fmt.Fprintf(b, "%s%s: AS path %s; %s\n", pad, name, shown, why)
	for _, h := range hops {
		via := strings.TrimSpace(h.Interface + " " + h.Address) // a stub's own interface is not known
		ll := ""
		switch {
		case h.LinkLocal:
			ll = " (its link-local address)"
		case h.EVPN:
			via = fmt.Sprintf("EVPN type-5, VXLAN to the VTEP %s (L3VNI %d) over %d underlay path(s)", h.Address, g.in[v].VRF.VNI, h.UnderlayPaths)
		}
		fmt.Fprintf(b, "%s  via %s → %s%s\n", pad, via, h.Peer, ll)
		s.traceHop(b, h.to, depth+2, seen)
	}
}
