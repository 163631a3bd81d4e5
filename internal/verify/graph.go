// Package verify simulates the BGP control plane that the rendered configs
// produce and checks that the fabric routes the way it should.
//
// Data-centre route policies here are monotonic (prefix filters, eBGP
// everywhere, shortest AS path wins), so routes for one prefix spread as a
// breadth-first search over the session graph, level by level in AS-path
// length (FastPlane, VMCAI 2019). Prefixes that every policy treats alike
// and that share an origin form one class and are simulated once. Classes
// are independent, so they run in parallel and each is checked as soon as
// it converges; no full RIB of every device is held at once.
package verify

import (
	"fmt"
	"net/netip"
	"slices"

	"underlay.dev/underlay/internal/model"
)

// Graph is the fabric's BGP session graph in compact form.
type Graph struct {
	F      *model.Fabric
	Devs   []*model.Device
	index  map[*model.Device]int32
	byName map[string]*model.Device
	asn    []model.ASN
	rid    []netip.Addr
	rank   []int32 // position in router-ID order: the best-path tie-break
	// off[u]:off[u+1] are u's edges in edges.
	off     []int32
	edges   []edge
	pols    *policyTable
	uplinks [2][]int32 // per family: sessions to spines
	// Broken are sessions whose two ends do not match; they carry nothing.
	Broken []SessionProblem
}

// edge is one established BGP session seen from one end, u → to.
type edge struct {
	to   int32
	rev  int32 // index of the same session seen from to
	link int32 // index in F.Links, for failure analysis
	fams uint8 // family bits both ends carry
	exp  int32 // u's export policy id, -1 = announce all
	imp  int32 // to's import policy id for this session, -1 = accept all
	sess *model.Session
}

const (
	famV4 uint8 = 1 << iota
	famV6
)

func famBits(fs []model.Family) uint8 {
	var b uint8
	for _, f := range fs {
		if f == model.IPv4 {
			b |= famV4
		} else {
			b |= famV6
		}
	}
	return b
}

// SessionProblem is a session configured on one end that cannot come up.
type SessionProblem struct {
	Device, Port, Peer string
	Reason             string
}

func (p SessionProblem) String() string {
	return fmt.Sprintf("%s:%s → %s: %s", p.Device, p.Port, p.Peer, p.Reason)
}

// NewGraph matches every session with its other end and indexes the result.
func NewGraph(f *model.Fabric) *Graph {
	g := &Graph{F: f, Devs: f.Devices, index: make(map[*model.Device]int32, len(f.Devices)),
		byName: make(map[string]*model.Device, len(f.Devices))}
	for i, d := range f.Devices {
		g.index[d] = int32(i)
		g.byName[d.Name] = d
		g.asn = append(g.asn, d.ASN)
		g.rid = append(g.rid, d.RouterID)
	}
	g.rank = routerIDRanks(g.rid)
	g.pols = newPolicyTable(f)
	linkIdx := make(map[*model.Link]int32, len(f.Links))
	for i, l := range f.Links {
		linkIdx[l] = int32(i)
	}
	type key struct {
		s    *model.Session
		fams uint8
	}
	pos := map[key]int32{}
	for _, d := range f.Devices {
		g.off = append(g.off, int32(len(g.edges)))
		for _, s := range d.Sessions {
			peer, fams, why := g.match(s)
			if why != "" {
				g.Broken = append(g.Broken, SessionProblem{d.Name, s.Port, s.Peer.Name, why})
				continue
			}
			pos[key{s, fams}] = int32(len(g.edges))
			g.edges = append(g.edges, edge{to: g.index[s.Peer], link: linkIdx[d.Port(s.Port).Link], fams: fams,
				exp: g.pols.id(s.Export), imp: g.pols.id(peer.Import), sess: s, rev: -1})
		}
	}
	g.off = append(g.off, int32(len(g.edges)))
	defer g.countUplinks()
	for i := range g.edges {
		e := &g.edges[i]
		peer, fams, _ := g.match(e.sess)
		e.rev = pos[key{peer, fams}]
	}
	return g
}

// match finds the other end of s and the families both carry, or says why
// the session cannot establish.
func (g *Graph) match(s *model.Session) (*model.Session, uint8, string) {
	if _, ok := g.index[s.Peer]; !ok {
		return nil, 0, "peer is not a device of the fabric"
	}
	for _, o := range s.Peer.Sessions {
		if o.Peer != s.Local || o.Port != s.PeerPort || o.PeerPort != s.Port || o.Unnumbered != s.Unnumbered {
			continue
		}
		if !s.Unnumbered && (o.LocalAddr != s.PeerAddr || o.PeerAddr != s.LocalAddr) {
			continue
		}
		switch {
		case s.PeerASN != s.Peer.ASN:
			return nil, 0, fmt.Sprintf("configured remote-as %s but %s has ASN %s", s.PeerASN, s.Peer.Name, s.Peer.ASN)
		case o.PeerASN != s.Local.ASN:
			return nil, 0, fmt.Sprintf("%s expects remote-as %s but this device has ASN %s", s.Peer.Name, o.PeerASN, s.Local.ASN)
		case s.PeerASN == s.Local.ASN:
			return nil, 0, "both ends have ASN " + s.Local.ASN.String() + "; the fabric design is eBGP only"
		}
		fams := famBits(s.Families) & famBits(o.Families)
		if fams == 0 {
			return nil, 0, "the two ends share no address family"
		}
		return o, fams, ""
	}
	if s.Unnumbered {
		return nil, 0, fmt.Sprintf("half-configured: %s has no unnumbered session on %s back to this port", s.Peer.Name, s.PeerPort)
	}
	return nil, 0, fmt.Sprintf("half-configured: %s has no session from %s to %s", s.Peer.Name, s.PeerAddr, s.LocalAddr)
}

// edgesOf returns u's edge index range.
func (g *Graph) edgesOf(u int32) (int32, int32) { return g.off[u], g.off[u+1] }

func routerIDRanks(rids []netip.Addr) []int32 {
	order := make([]int32, len(rids))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int { return rids[a].Compare(rids[b]) })
	rank := make([]int32, len(rids))
	for pos, i := range order {
		rank[i] = int32(pos)
	}
	return rank
}

// spineUplinks counts v's sessions to spines carrying fam (cached).
func (g *Graph) spineUplinks(v int32, fam uint8) int {
	i := 0
	if fam == famV6 {
		i = 1
	}
	return int(g.uplinks[i][v])
}

func (g *Graph) countUplinks() {
	for i, fam := range []uint8{famV4, famV6} {
		g.uplinks[i] = make([]int32, len(g.Devs))
		for v := range int32(len(g.Devs)) {
			lo, hi := g.edgesOf(v)
			for ei := lo; ei < hi; ei++ {
				if e := &g.edges[ei]; e.fams&fam != 0 && g.Devs[e.to].Role == model.RoleSpine {
					g.uplinks[i][v]++
				}
			}
		}
	}
}
