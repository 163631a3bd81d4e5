package verify

import (
	"net/netip"
	"sort"
	"sync"

	"underlay.dev/underlay/internal/model"
)

// NextHop is one multipath candidate: the local interface and the
// neighbour behind it. Interface is what FRR's `show ip route json` reports
// as interfaceName, so predictions compare with a real RIB directly.
type NextHop struct {
	Interface string `json:"interface"`
	Peer      string `json:"peer"`
	// Address is the gateway FRR installs when it is known before the
	// fact: the peer's IPv4 address for an IPv4 route over a numbered link.
	Address string `json:"address,omitempty"`
	// LinkLocal: FRR installs the peer's IPv6 link-local address on
	// Interface, which only the running kernel knows. That is the case on
	// unnumbered links, and for IPv6 routes over numbered links too: an
	// eBGP peer on a shared subnet sends its link-local next hop beside the
	// global one, and bgpd hands zebra the link-local one.
	LinkLocal bool `json:"linkLocal,omitempty"`
	// Best marks the best path's next hop, which FRR always installs.
	Best bool `json:"best,omitempty"`
}

// Route is one RIB entry of a device: FRR installs Width of Candidates,
// the best one always. When Width < len(Candidates) (more equal paths than
// maximum-paths) which of the others FRR picks depends on next-hop order
// and arrival order, so no exact set is claimed.
type Route struct {
	Prefix     string      `json:"prefix"`
	Candidates []NextHop   `json:"candidates,omitempty"` // empty: originated here
	Width      int         `json:"width"`                // 0 when originated here
	ASPath     []model.ASN `json:"asPath"`
}

// Exact reports whether the prediction names the one installed set.
func (r Route) Exact() bool { return r.Width == len(r.Candidates) }

// RIB predicts the BGP-derived RIB of one device: every prefix it reaches
// and through which neighbours. Unreachable prefixes are absent.
func (g *Graph) RIB(device string) ([]Route, bool) {
	d, ok := g.byName[device]
	if !ok {
		return nil, false
	}
	v := g.index[d]
	var mu sync.Mutex
	var routes []Route
	g.forEachClass(g.classes(), 1, nil, -1, func(s *sim, c *class) {
		if s.dist[v] < 0 {
			return
		}
		nhs, width := s.routeNextHops(v), s.width(v) // 0 and 0 at the origin
		path := s.asPath(v)
		mu.Lock()
		for _, p := range c.prefixes {
			routes = append(routes, Route{Prefix: p.String(), Candidates: nhs, Width: width, ASPath: path})
		}
		mu.Unlock()
	})
	sort.Slice(routes, func(i, j int) bool { return prefixLess(routes[i].Prefix, routes[j].Prefix) })
	return routes, true
}

// routeNextHops lists v's multipath candidates for the last run, sorted by
// interface.
func (s *sim) routeNextHops(v int32) []NextHop {
	var out []NextHop
	for i, ei := range s.nextHops(v) {
		e := &s.g.edges[ei]
		nh := NextHop{Interface: e.sess.Port, Peer: e.sess.Peer.Name, Best: i == 0}
		if !e.sess.Unnumbered && e.sess.PeerAddr.Is4() {
			nh.Address = e.sess.PeerAddr.String()
		} else {
			nh.LinkLocal = true
		}
		out = append(out, nh)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Interface < out[j].Interface })
	return out
}

// asPath is the AS path of v's best route.
func (s *sim) asPath(v int32) []model.ASN {
	path := []model.ASN{}
	for x := s.rep[v]; x >= 0; x = s.rep[x] {
		path = append(path, s.g.asn[x])
	}
	return path
}

// classOf finds the class of a prefix.
func (g *Graph) classOf(p netip.Prefix) *class {
	for _, c := range g.classes() {
		for _, q := range c.prefixes {
			if q == p {
				return c
			}
		}
	}
	return nil
}
