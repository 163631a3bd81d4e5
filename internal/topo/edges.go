package topo

import (
	"sort"

	"underlay.dev/underlay/internal/model"
)

// pairKey is an unordered pair of node IDs, stored in node order.
type pairKey struct{ a, b string }

// edgeSet collects edges by pair, in node order.
type edgeSet struct {
	pos   map[string]int
	edges map[pairKey]*Edge
}

// add returns the edge of x and y (created with kind if new) and whether x
// is its A end.
func (s *edgeSet) add(x, y, kind string) (*Edge, bool) {
	k, xIsA := pairKey{x, y}, true
	if s.pos[y] < s.pos[x] {
		k, xIsA = pairKey{y, x}, false
	}
	e := s.edges[k]
	if e == nil {
		e = &Edge{A: k.a, B: k.b, Kind: kind, Ports: []Port{}}
		s.edges[k] = e
	}
	return e, xIsA
}

func (s *edgeSet) port(x, y, kind, px, py string) *Edge {
	e, xIsA := s.add(x, y, kind)
	if xIsA {
		e.Ports = append(e.Ports, Port{A: px, B: py})
	} else {
		e.Ports = append(e.Ports, Port{A: py, B: px})
	}
	return e
}

// edges collapses links, server ports and cluster racks per pair and counts
// the sessions the model configures on each.
func edges(f *model.Fabric, pos map[string]int) []Edge {
	s := &edgeSet{pos: pos, edges: map[pairKey]*Edge{}}
	for _, l := range f.Links {
		s.port(l.A.Device.Name, l.B.Device.Name, "fabric", l.A.Port, l.B.Port)
	}
	for _, d := range f.Devices {
		for _, ss := range d.Sessions() {
			// Counted on the A end only: each session is configured on both.
			if ss.Fabric() && pos[d.Name] < pos[ss.Peer.Name] {
				e, _ := s.add(d.Name, ss.Peer.Name, "fabric")
				e.Sessions++
			}
		}
	}
	for _, sv := range f.Servers {
		for _, p := range sv.Ports {
			s.port(sv.Leaf.Name, ServerID(sv.Name), "server", p, "")
		}
	}
	for _, c := range f.Clusters {
		for _, r := range c.Racks {
			e, _ := s.add(r.Leaf.Name, ClusterID(c.Name), "cluster")
			e.Sessions += len(r.Nodes)
			for _, n := range r.Nodes {
				e.Ports = append(e.Ports, Port{A: n.Port, B: n.Name})
			}
		}
	}
	out := make([]Edge, 0, len(s.edges))
	for _, e := range s.edges {
		out = append(out, *e)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if pos[a.A] != pos[b.A] {
			return pos[a.A] < pos[b.A]
		}
		return pos[a.B] < pos[b.B]
	})
	return out
}
