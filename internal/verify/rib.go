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
	// EVPN: a VRF route imported from the peer's type-5 route; Address is
	// its VTEP, reached over VXLAN (the L3VNI) across UnderlayPaths ECMP
	// paths of the default table.
	EVPN          bool `json:"evpn,omitempty"`
	UnderlayPaths int  `json:"underlayPaths,omitempty"`
}

// Route is one RIB entry of a device: FRR installs Width of Candidates,
// the best one always. When Width < len(Candidates) (more equal paths than
// maximum-paths) which of the others FRR picks depends on next-hop order
// and arrival order, so no exact set is claimed.
type Route struct {
	// VRF is the route's routing instance unless it is the default one.
	VRF        string      `json:"vrf,omitempty"`
	Prefix     string      `json:"prefix"`
	Candidates []NextHop   `json:"candidates,omitempty"` // empty: originated here
	Width      int         `json:"width"`                // 0 when originated here
	ASPath     []model.ASN `json:"asPath"`               // 0 stands for a group member's AS, which the intent leaves open
}

// Exact reports whether the prediction names the one installed set.
func (r Route) Exact() bool { return r.Width == len(r.Candidates) }

// RIB predicts the BGP-derived RIB of one device, every routing instance
// (the default one first): every prefix it reaches and through which
// neighbours. Unreachable prefixes are absent. Given a stub's name
// ("device/neighbour"), it lists what the device advertises to that
// external neighbour or group and what the stub announces itself.
func (g *Graph) RIB(name string) ([]Route, bool) {
	nodes, ok := g.nodesNamed(name)
	if !ok {
		return nil, false
	}
	var mu sync.Mutex
	var routes []Route
	g.forEachClass(g.classes(), 1, nil, -1, func(s *sim, c *class) {
		v := nodes[c.inst]
		if v < 0 || s.dist[v] < 0 {
			return
		}
		nhs, width := s.routeNextHops(v), s.width(v) // 0 and 0 at the origin
		path := s.asPath(v)
		vrf := vrfLabel(g.insts[c.inst].name)
		mu.Lock()
		for _, p := range c.prefixes {
			routes = append(routes, Route{VRF: vrf, Prefix: p.String(), Candidates: nhs, Width: width, ASPath: path})
		}
		mu.Unlock()
	})
	inst := map[string]int{}
	for i, in := range g.insts {
		inst[vrfLabel(in.name)] = i
	}
	sort.SliceStable(routes, func(i, j int) bool {
		if a, b := inst[routes[i].VRF], inst[routes[j].VRF]; a != b {
			return a < b
		}
		return prefixLess(routes[i].Prefix, routes[j].Prefix)
	})
	return routes, true
}

// nodesNamed returns the named device's node in each instance (-1 where
// it has none), or the stub's node in its own instance.
func (g *Graph) nodesNamed(name string) ([]int32, bool) {
	v, ok := g.byName[name]
	if !ok {
		return nil, false
	}
	nodes := make([]int32, len(g.insts))
	for i, in := range g.insts {
		nodes[i] = -1
		if g.stub[v] == nil {
			if x, ok := in.nodes[g.dev[v]]; ok {
				nodes[i] = x
			}
		}
	}
	if g.stub[v] != nil {
		nodes[g.inst[v]] = v
	}
	return nodes, true
}

// hop is one multipath candidate and the node it leads to.
type hop struct {
	NextHop
	to int32
}

// hops lists v's multipath candidates for the last run, sorted by
// interface.
func (s *sim) hops(v int32) []hop {
	var out []hop
	for i, ei := range s.nextHops(v) {
		e := &s.g.edges[ei]
		nh := s.g.nextHop(v, e)
		nh.Best = i == 0
		out = append(out, hop{nh, e.to})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Interface < out[j].Interface })
	return out
}

// routeNextHops lists v's multipath candidates for the last run, sorted by
// interface.
func (s *sim) routeNextHops(v int32) []NextHop {
	var out []NextHop
	for _, h := range s.hops(v) {
		out = append(out, h.NextHop)
	}
	return out
}

// asPath is the AS path of v's best route.
func (s *sim) asPath(v int32) []model.ASN {
	g := s.g
	path := []model.ASN{}
	for y, x := v, s.rep[v]; x >= 0; y, x = x, s.rep[x] {
		if g.ov != nil && g.edges[s.nextHops(y)[0]].overlay {
			path = g.ov.transit(g, x, y, path)
		}
		// iBGP members add no AS, and a leaf adds none towards them.
		if g.ibgp[x] || (y == v && g.ibgp[v]) {
			continue
		}
		path = append(path, g.asn[x])
	}
	if g.override[v] && len(path) > 0 {
		for i := range path {
			if path[i] == g.asn[v] {
				path[i] = g.asn[s.rep[v]] // as-override: the leaf's AS instead
			}
		}
	}
	return path
}

// classOf finds the class of a prefix in routing instance inst.
func (g *Graph) classOf(inst int32, p netip.Prefix) *class {
	for _, c := range g.classes() {
		if c.inst != inst {
			continue
		}
		for _, q := range c.prefixes {
			if q == p {
				return c
			}
		}
	}
	return nil
}
