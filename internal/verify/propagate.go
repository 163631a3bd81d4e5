package verify

import (
	"cmp"
	"slices"

	"underlay.dev/underlay/internal/model"
)

// Reasons a route offer is rejected, kept for explanations.
type reason uint8

const (
	reasonNone       reason = iota
	reasonExport            // the sender's export policy does not announce it
	reasonImport            // the receiver's import policy does not accept it
	reasonLoop              // the receiver's ASN is already in the AS path
	reasonMaxPaths          // an equal path beyond maximum-paths
	reasonNotRelaxed        // an equal-length path through other ASNs, without multipath-relax
)

func (r reason) String() string {
	return [...]string{"", "export policy", "import policy", "AS-path loop", "maximum-paths", "no multipath-relax"}[r]
}

// sim is the scratch state of one class's simulation; a worker reuses it.
type sim struct {
	g      *Graph
	down   []bool // by link index; nil when nothing failed
	dead   int32  // failed device, -1 if none
	dist   []int16
	rep    []int32 // the peer whose path is the best (advertised) one
	nhOff  []int32 // next hops of v: nh[nhOff[v] : nhOff[v]+nhLen[v]]
	nhLen  []uint16
	nh     []int32 // edge indices on the receiving side
	why    []reason
	whyBy  []int32 // the neighbour whose offer was rejected
	cand   [][]int32
	front  []int32
	next   []int32
	reach  int
	origin int32
}

func newSim(g *Graph) *sim {
	n := len(g.Devs)
	return &sim{g: g, dead: -1, dist: make([]int16, n), rep: make([]int32, n), nhOff: make([]int32, n),
		nhLen: make([]uint16, n), why: make([]reason, n), whyBy: make([]int32, n), cand: make([][]int32, n)}
}

// run spreads class c through the graph.
func (s *sim) run(c *class) {
	g := s.g
	for i := range s.dist {
		s.dist[i], s.rep[i], s.nhLen[i], s.why[i] = -1, -1, 0, reasonNone
	}
	s.nh = s.nh[:0]
	s.origin = c.origin
	s.reach = 0
	if c.origin == s.dead {
		return
	}
	s.dist[c.origin] = 0
	s.reach = 1
	s.front = append(s.front[:0], c.origin)
	for level := int16(1); len(s.front) > 0; level++ {
		s.next = s.next[:0]
		for _, u := range s.front {
			lo, hi := g.edgesOf(u)
			for ei := lo; ei < hi; ei++ {
				s.offer(c, u, ei, level)
			}
		}
		for _, v := range s.next {
			s.settle(v)
		}
		s.front, s.next = s.next, s.front
	}
}

// offer is u announcing c over edge ei to its peer.
func (s *sim) offer(c *class, u, ei int32, level int16) {
	e := &s.g.edges[ei]
	v := e.to
	// Most offers reach devices settled at a lower level: test that first.
	if d := s.dist[v]; d >= 0 && d < level {
		return
	}
	if e.fams&c.fam == 0 || (s.down != nil && s.down[e.link]) || v == s.dead {
		return
	}
	r := reasonNone
	switch {
	case !c.permitted(e.exp):
		r = reasonExport
	case !c.permitted(e.imp):
		r = reasonImport
	case s.inPath(u, s.g.asn[v]):
		r = reasonLoop
	}
	if r != reasonNone {
		if s.dist[v] < 0 && s.why[v] == reasonNone {
			s.why[v], s.whyBy[v] = r, u
		}
		return
	}
	if s.dist[v] < 0 {
		s.dist[v] = level
		s.cand[v] = s.cand[v][:0]
		s.next = append(s.next, v)
	}
	s.cand[v] = append(s.cand[v], e.rev)
}

// inPath reports whether asn is in the AS path u advertises (u's own ASN
// followed by its best path).
func (s *sim) inPath(u int32, asn model.ASN) bool {
	for x := u; x >= 0; x = s.rep[x] {
		if s.g.asn[x] == asn {
			return true
		}
	}
	return false
}

// settle picks v's best path and its ECMP set as FRR does for these
// designs: equal AS-path length, best = lowest peer router ID (rendered
// configs set `bgp bestpath compare-routerid` so this is deterministic),
// multipath over equal-length paths (identical paths without
// multipath-relax), at most maximum-paths of them.
func (s *sim) settle(v int32) {
	g := s.g
	cand := s.cand[v]
	d := g.Devs[v]
	limit := d.BGP.MaximumPaths
	if len(cand) > 1 && (len(cand) > limit || !d.BGP.MultipathRelax) {
		// Order matters only when some candidates are dropped.
		slices.SortFunc(cand, func(a, b int32) int {
			if c := cmp.Compare(g.rank[g.edges[a].to], g.rank[g.edges[b].to]); c != 0 {
				return c
			}
			return cmp.Compare(a, b)
		})
	} else if len(cand) > 1 {
		// Only the best (lowest router ID) must come first.
		bi := 0
		for i := 1; i < len(cand); i++ {
			if g.rank[g.edges[cand[i]].to] < g.rank[g.edges[cand[bi]].to] {
				bi = i
			}
		}
		cand[0], cand[bi] = cand[bi], cand[0]
	}
	best := g.edges[cand[0]].to
	s.rep[v] = best
	s.nhOff[v] = int32(len(s.nh))
	for _, ei := range cand {
		peer := g.edges[ei].to
		if !d.BGP.MultipathRelax && !s.samePath(peer, best) {
			continue
		}
		if int(s.nhLen[v]) == limit {
			break
		}
		s.nh = append(s.nh, ei)
		s.nhLen[v]++
	}
	s.reach++
}

// samePath compares the AS paths advertised by a and b.
func (s *sim) samePath(a, b int32) bool {
	for a >= 0 && b >= 0 {
		if s.g.asn[a] != s.g.asn[b] {
			return false
		}
		a, b = s.rep[a], s.rep[b]
	}
	return a < 0 && b < 0
}

// nextHops returns v's next-hop edges (on v's side) for the last run.
func (s *sim) nextHops(v int32) []int32 {
	return s.nh[s.nhOff[v] : s.nhOff[v]+int32(s.nhLen[v])]
}
