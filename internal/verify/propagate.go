package verify

import (
	"underlay.dev/underlay/internal/model"
)

// Reasons a route offer is rejected, kept for explanations.
type reason uint8

const (
	reasonNone   reason = iota
	reasonExport        // the sender's export policy does not announce it
	reasonImport        // the receiver's import policy does not accept it
	reasonLoop          // the receiver's ASN is already in the AS path
	reasonVNI           // overlay: the two VRFs' L3VNIs differ
	reasonEVPN          // overlay: the sender's type-5 routes do not arrive
	reasonVTEP          // overlay: the sender's VTEP does not resolve in the underlay
)

func (r reason) String() string {
	return [...]string{"", "export policy", "import policy", "AS-path loop", "L3VNI", "EVPN", "VTEP"}[r]
}

// sim is the scratch state of one class's simulation; a worker reuses it.
type sim struct {
	g     *Graph
	down  []bool // by link index; nil when nothing failed
	dead  int32  // failed device (index in Graph.Devs), -1 if none
	dist  []int16
	rep   []int32 // the peer whose path is the best (advertised) one
	nhOff []int32 // next hops of v: nh[nhOff[v] : nhOff[v]+nhLen[v]]
	nhLen []uint16
	nh    []int32 // edge indices on the receiving side
	why   []reason
	whyBy []int32 // the neighbour whose offer was rejected
	cand  [][]int32
	front []int32
	next  []int32
	reach int
}

func newSim(g *Graph) *sim {
	n := len(g.dev)
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
	s.reach = 0
	s.front = s.front[:0]
	for _, o := range c.origins {
		if !s.isDead(o) {
			s.dist[o] = 0
			s.reach++
			s.front = append(s.front, o)
		}
	}
	for level := int16(1); len(s.front) > 0; level++ {
		s.next = s.next[:0]
		for _, u := range s.front {
			if level > 1 && g.stub[u] != nil {
				continue // a stub is never transit
			}
			lo, hi := g.edgesOf(u)
			// A route imported from EVPN is not advertised into EVPN again.
			fromOverlay := level > 1 && g.ov != nil && g.edges[s.nextHops(u)[0]].overlay
			for ei := lo; ei < hi; ei++ {
				if fromOverlay && g.edges[ei].overlay {
					continue
				}
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
	if e.fams&c.fam == 0 || (s.down != nil && e.link >= 0 && s.down[e.link]) || s.isDead(v) || (c.evpn && !e.evpn) {
		return
	}
	r := reasonNone
	switch {
	case e.overlay:
		r = s.g.ov.admit(s.g, u, v)
	case c.evpn:
		// The l2vpn evpn family has no prefix policy: only loops stop it.
		if s.inPath(u, s.g.asn[v]) {
			r = reasonLoop
		}
	case !c.permitted(e.exp):
		r = reasonExport
	case !c.permitted(e.imp):
		r = reasonImport
	case s.loops(u, v):
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

// loops reports whether v finds its own ASN in the path u sends it, as
// BGP sees it: iBGP (a cluster's per-rack group, whose members share the
// leaf's AS) adds no AS to the path, so towards such a member the leaf
// does not prepend its own and a member's route enters with an empty
// path; as-override replaces the member's AS with the leaf's in what the
// leaf sends it; a group open to any external AS (0) has members whose
// ASNs the intent leaves open, each its own, so none loops. The
// simulation's levels still count the member → leaf hop as one: all racks
// of a cluster have one AS model, so its announcements' paths stay
// equally long against each other, and no fabric device originates them.
func (s *sim) loops(u, v int32) bool {
	g := s.g
	asn := g.asn[v]
	if asn == 0 || g.override[v] {
		return false
	}
	x := u
	if g.ibgp[v] {
		x = s.rep[u]
	}
	for ; x >= 0; x = s.rep[x] {
		if !g.ibgp[x] && g.asn[x] == asn {
			return true
		}
	}
	return false
}

// settle picks v's best path and its multipath candidates as FRR 8.4's
// bgp_best_selection does for these designs (every path is eBGP with the
// same weight, local preference, origin and MED, so the AS-path length
// decides, and that is the BFS level):
//   - best: the lowest peer router ID (rendered configs set `bgp bestpath
//     compare-routerid`, so route age never decides);
//   - multipath candidates: every equal-length path with
//     `bgp bestpath as-path multipath-relax`; without it, bgp_path_info_cmp
//     step 11 sets paths_eq for eBGP paths only when `new->peer->as ==
//     exist->peer->as`: paths from neighbours in the best path's neighbour
//     AS, whatever the rest of their AS paths (not "identical AS paths");
//   - of those, bgp_path_info_mpath_update installs the best and then walks
//     the list sorted by bgp_path_info_mpath_cmp until maximum-paths: for
//     link-local next hops on different interfaces that comparison is not
//     an order (it returns 1 both ways), so which ones are kept depends on
//     arrival order (numbered IPv4 next hops sort by address: on the lab
//     FRR 8.4.4 kept the best and the lowest addresses). The candidates
//     are therefore all kept, and width says how many of them FRR
//     installs.
func (s *sim) settle(v int32) {
	g := s.g
	cand := s.cand[v]
	relax := g.dev[v] == nil || g.dev[v].BGP.MultipathRelax // a stub has one session
	bi := 0
	for i := 1; i < len(cand); i++ {
		if g.rank[g.edges[cand[i]].to] < g.rank[g.edges[cand[bi]].to] {
			bi = i
		}
	}
	cand[0], cand[bi] = cand[bi], cand[0]
	best := g.edges[cand[0]].to
	s.rep[v] = best
	s.nhOff[v] = int32(len(s.nh))
	for _, ei := range cand {
		if !relax && g.asn[g.edges[ei].to] != g.asn[best] {
			continue
		}
		s.nh = append(s.nh, ei)
		s.nhLen[v]++
	}
	s.reach++
}

// width is how many of v's candidates FRR installs: all of them, or
// maximum-paths when there are more.
func (s *sim) width(v int32) int {
	if s.g.dev[v] == nil {
		return int(s.nhLen[v]) // a stub: what the device advertises to it
	}
	return min(int(s.nhLen[v]), s.g.dev[v].BGP.MaximumPaths)
}

// isDead reports whether node v is on the failed device.
func (s *sim) isDead(v int32) bool { return s.dead >= 0 && s.g.devIx[v] == s.dead }

// nextHops returns v's multipath candidates (edges on v's side) for the
// last run, the best path's first.
func (s *sim) nextHops(v int32) []int32 {
	return s.nh[s.nhOff[v] : s.nhOff[v]+int32(s.nhLen[v])]
}
