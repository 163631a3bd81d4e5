package verify

import (
	"fmt"
	"net/netip"
	"strings"
)

// Trace explains how device reaches prefix: each hop with its next hops,
// the AS path it chose and why, following every ECMP branch once.
func (g *Graph) Trace(device string, prefix netip.Prefix) (string, error) {
	d, ok := g.byName[device]
	if !ok {
		return "", fmt.Errorf("no device %q in the fabric", device)
	}
	c := g.classOf(prefix)
	if c == nil {
		return "", fmt.Errorf("no device originates %s", prefix)
	}
	s := newSim(g)
	s.run(c)
	var b strings.Builder
	fmt.Fprintf(&b, "%s is originated by %s (%s)\n", prefix, g.Devs[c.origin].Name, g.Devs[c.origin].Role)
	seen := map[int32]bool{}
	s.traceHop(&b, g.index[d], 0, seen)
	return b.String(), nil
}

func (s *sim) traceHop(b *strings.Builder, v int32, depth int, seen map[int32]bool) {
	g := s.g
	pad := strings.Repeat("  ", depth)
	name := g.Devs[v].Name
	switch {
	case v == s.origin:
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
	nhs := s.routeNextHops(v)
	why := fmt.Sprintf("shortest AS path (%d hops), best via %s (lowest router ID)", len(path), g.Devs[s.rep[v]].Name)
	switch w := s.width(v); {
	case w < len(nhs):
		why += fmt.Sprintf(", ECMP over %d of these %d equal paths (maximum-paths %d; which ones besides the best "+
			"depends on next-hop order and arrival order)", w, len(nhs), g.Devs[v].BGP.MaximumPaths)
	case w > 1:
		why += fmt.Sprintf(", ECMP over %d equal paths", w)
	}
	fmt.Fprintf(b, "%s%s: AS path %s; %s\n", pad, name, strings.Join(parts, " "), why)
	for _, nh := range nhs {
		via := nh.Interface
		if nh.Address != "" {
			via += " " + nh.Address
		}
		ll := ""
		if nh.LinkLocal {
			ll = " (its link-local address)"
		}
		fmt.Fprintf(b, "%s  via %s → %s%s\n", pad, via, nh.Peer, ll)
		s.traceHop(b, g.index[g.byName[nh.Peer]], depth+2, seen)
	}
}
