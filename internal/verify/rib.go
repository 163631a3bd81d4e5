package verify

import (
	"net/netip"
	"sort"
	"sync"

	"underlay.dev/underlay/internal/model"
)

// NextHop is one ECMP member: the local interface and the neighbour behind
// it (with its address on numbered links). Interface is what FRR's
// `show ip route json` reports as interfaceName, so predictions compare
// with a real RIB directly.
type NextHop struct {
	Interface string `json:"interface"`
	Peer      string `json:"peer"`
	Address   string `json:"address,omitempty"`
}

// Route is one RIB entry of a device.
type Route struct {
	Prefix   string      `json:"prefix"`
	NextHops []NextHop   `json:"nexthops,omitempty"` // empty: originated here
	ASPath   []model.ASN `json:"asPath"`
}

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
		nhs := s.routeNextHops(v)
		path := s.asPath(v)
		mu.Lock()
		for _, p := range c.prefixes {
			routes = append(routes, Route{Prefix: p.String(), NextHops: nhs, ASPath: path})
		}
		mu.Unlock()
	})
	sort.Slice(routes, func(i, j int) bool { return prefixLess(routes[i].Prefix, routes[j].Prefix) })
	return routes, true
}

func (s *sim) routeNextHops(v int32) []NextHop {
	var out []NextHop
	for _, ei := range s.nextHops(v) {
		e := &s.g.edges[ei]
		nh := NextHop{Interface: e.sess.Port, Peer: e.sess.Peer.Name}
		if !e.sess.Unnumbered {
			nh.Address = e.sess.PeerAddr.String()
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

// originOf finds the class of a prefix.
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
