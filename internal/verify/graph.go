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
//
// The graph's nodes are BGP speakers: each routing instance of each device,
// and a stub per session to an external neighbour or a group. Routes stay
// in the instance they are originated in. A stub originates exactly what
// the intent says it announces (the device's import policy for the session
// decides what enters the fabric), receives what the device exports to it,
// and is never transit. A VRF with an L3VNI reaches the same VRF on the
// other leaves over EVPN type-5 routes: overlay edges between them admit a
// route when the EVPN sessions carry it and the default table reaches the
// sender's VTEP (overlay.go), once the underlay has been simulated.
//
// With server networks, the network checks (networks.go, isolation.go)
// read every class's converged reach: gateways, reachability inside each
// network's VRF, isolation from every other VRF, and the DHCP relays.
//
// With Kubernetes clusters, the cluster checks (clusters.go) prove what
// nodes may announce by policy, over the prefix rules' ranges rather than
// a sample (clusters_policy.go): every pod block is accepted by its leaf
// and spreads to every other rack and node, nothing else gets past a
// leaf, and service ranges are ECMP on the spines. A per-rack group is
// iBGP: its members add no AS to a path and the leaf adds none towards
// them.
package verify

import (
	"fmt"
	"net/netip"
	"slices"

	"underlay.dev/underlay/internal/model"
)

// Graph is the fabric's BGP session graph in compact form.
type Graph struct {
	F    *model.Fabric
	Devs []*model.Device
	// insts are the routing instances, the default one first; each owns a
	// contiguous range of nodes.
	insts []instance
	// Per node: the device and its instance, or the session to a stub.
	dev      []*model.Device   // nil for a stub
	devIx    []int32           // index in Devs; -1 for a stub
	in       []*model.Instance // the device's instance; nil for a stub
	stub     []*model.Session  // the device's session to the stub; nil for a device
	inst     []int32           // index in insts
	byName   map[string]int32  // device names (their default-instance node) and stub names
	stubOf   map[*model.Session]int32
	devIndex map[*model.Device]int32
	asn      []model.ASN
	// ibgp marks a stub whose members share the device's AS (a cluster's
	// per-rack group): iBGP adds no AS to the path either way.
	// override marks a stub the device sends paths with the stub's AS
	// replaced by its own (as-override).
	ibgp, override []bool
	rid            []netip.Addr
	rank           []int32 // position in router-ID order: the best-path tie-break
	// off[u]:off[u+1] are u's edges in edges.
	off     []int32
	edges   []edge
	pols    *policyTable
	uplinks [2][]int32 // per family: sessions to spines
	// Broken are sessions whose two ends do not match; they carry nothing.
	Broken []SessionProblem
	// ov is what EVPN carries between leaves; nil without VRFs.
	ov *overlay
}

// instance is one routing instance (by name, across devices): device nodes
// [lo, stubs), then its stubs [stubs, hi).
type instance struct {
	name          string
	lo, stubs, hi int32
	nodes         map[*model.Device]int32
}

// edge is one established BGP session seen from one end, u → to.
type edge struct {
	to   int32
	rev  int32          // index of the same session seen from to
	link int32          // index in F.Links, for failure analysis; -1 for a stub's session
	fams uint8          // family bits both ends carry
	exp  int32          // u's export policy id, -1 = announce all
	imp  int32          // to's import policy id for this session, -1 = accept all
	sess *model.Session // nil on an overlay edge
	// evpn: both ends of the fabric session carry l2vpn evpn.
	evpn bool
	// overlay is a virtual edge between two leaves' nodes of one VRF: the
	// type-5 routes of the VRF's L3VNI, carried by the EVPN sessions and
	// forwarded over VXLAN to the sender's VTEP (see overlay.go).
	overlay bool
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
	// VRF is the session's routing instance unless it is the default one.
	VRF string
}

func (p SessionProblem) String() string {
	vrf := ""
	if p.VRF != "" {
		vrf = " (vrf " + p.VRF + ")"
	}
	return fmt.Sprintf("%s:%s → %s%s: %s", p.Device, p.Port, p.Peer, vrf, p.Reason)
}

// NewGraph matches every session with its other end and indexes the result.
func NewGraph(f *model.Fabric) *Graph {
	g := &Graph{F: f, Devs: f.Devices, byName: make(map[string]int32, len(f.Devices)), stubOf: map[*model.Session]int32{},
		devIndex: make(map[*model.Device]int32, len(f.Devices))}
	for i, d := range f.Devices {
		g.devIndex[d] = int32(i)
	}
	g.addNodes()
	g.rank = routerIDRanks(g.rid)
	g.pols = newPolicyTable(f)
	g.addEdges()
	g.countUplinks()
	g.ov = g.newOverlay()
	return g
}

// addNodes makes a node of every device's routing instance, instance by
// instance, each followed by the stubs of its external and group sessions.
func (g *Graph) addNodes() {
	for _, name := range instanceNames(g.Devs) {
		in := instance{name: name, lo: int32(len(g.dev)), nodes: map[*model.Device]int32{}}
		var stubs []*model.Session
		for i, d := range g.Devs {
			di := d.Instance(name)
			if di == nil {
				continue
			}
			in.nodes[d] = g.addNode(d, int32(i), di, nil)
			for _, s := range di.Sessions {
				if !s.Fabric() {
					stubs = append(stubs, s)
				}
			}
		}
		in.stubs = int32(len(g.dev))
		for _, s := range stubs {
			g.stubOf[s] = g.addNode(nil, -1, nil, s)
		}
		in.hi = int32(len(g.dev))
		g.insts = append(g.insts, in)
	}
}

func (g *Graph) addNode(d *model.Device, ix int32, di *model.Instance, stub *model.Session) int32 {
	v := int32(len(g.dev))
	g.dev, g.devIx, g.in, g.stub = append(g.dev, d), append(g.devIx, ix), append(g.in, di), append(g.stub, stub)
	var opt model.SessionOptions
	if stub != nil {
		opt = stub.Options()
	}
	g.ibgp, g.override = append(g.ibgp, opt.Internal), append(g.override, opt.ASOverride)
	g.inst = append(g.inst, int32(len(g.insts)))
	name := stubName(stub)
	if d != nil {
		g.asn, g.rid, name = append(g.asn, di.ASN), append(g.rid, di.RouterID), d.Name
	} else {
		// A stub's router ID is not in the intent: the zero address
		// ranks it first, so of equal paths from stubs the first by
		// name is taken as the best.
		g.asn, g.rid = append(g.asn, stubASN(stub)), append(g.rid, netip.Addr{})
	}
	if _, dup := g.byName[name]; !dup {
		g.byName[name] = v
	}
	return v
}

// addEdges lays out every node's edges in node order and links each edge
// with the same session seen from the other end.
func (g *Graph) addEdges() {
	linkIdx := make(map[*model.Link]int32, len(g.F.Links))
	for i, l := range g.F.Links {
		linkIdx[l] = int32(i)
	}
	type key struct {
		s    *model.Session
		fams uint8
	}
	pos := map[key]int32{}
	ovPos := map[[2]int32]int32{} // (from, to) → the overlay edge
	stubSide := map[int32]int32{} // stub → the device's edge to it
	for _, in := range g.insts {
		for v := in.lo; v < in.stubs; v++ {
			g.off = append(g.off, int32(len(g.edges)))
			for _, s := range g.in[v].Sessions {
				if !s.Fabric() {
					t := g.stubOf[s]
					stubSide[t] = int32(len(g.edges))
					g.edges = append(g.edges, edge{to: t, link: -1, fams: famBits(s.Families), exp: g.pols.id(s.Export),
						imp: -1, sess: s, rev: -1})
					continue
				}
				peer, fams, why := g.match(in, s)
				if why != "" {
					g.Broken = append(g.Broken, SessionProblem{g.dev[v].Name, s.Port, s.Peer.Name, why, vrfLabel(in.name)})
					continue
				}
				pos[key{s, fams}] = int32(len(g.edges))
				g.edges = append(g.edges, edge{to: in.nodes[s.Peer], link: linkIdx[g.dev[v].Interface(s.Port).Link()],
					fams: fams, exp: g.pols.id(s.Export), imp: g.pols.id(peer.Import), sess: s, rev: -1,
					evpn: s.EVPN && peer.EVPN})
			}
			g.addOverlayEdges(in, v, ovPos)
		}
		for v := in.stubs; v < in.hi; v++ {
			s := g.stub[v]
			g.off = append(g.off, int32(len(g.edges)))
			g.edges = append(g.edges, edge{to: in.nodes[s.Local], link: -1, fams: famBits(s.Families), exp: -1,
				imp: g.pols.id(s.Import), sess: s, rev: stubSide[v]})
		}
	}
	g.off = append(g.off, int32(len(g.edges)))
	for v := range int32(len(g.dev)) {
		if g.stub[v] != nil {
			continue
		}
		lo, hi := g.edgesOf(v)
		for ei := lo; ei < hi; ei++ {
			e := &g.edges[ei]
			if g.stub[e.to] != nil {
				e.rev = g.off[e.to]
				continue
			}
			if e.overlay {
				e.rev = ovPos[[2]int32{e.to, v}]
				continue
			}
			peer, fams, _ := g.match(g.insts[g.inst[v]], e.sess)
			e.rev = pos[key{peer, fams}]
		}
	}
}

// match finds the other end of s in the same routing instance and the
// families both carry, or says why the session cannot establish.
func (g *Graph) match(in instance, s *model.Session) (*model.Session, uint8, string) {
	if _, ok := g.devIndex[s.Peer]; !ok {
		return nil, 0, "peer is not a device of the fabric"
	}
	v, ok := in.nodes[s.Peer]
	if !ok {
		return nil, 0, fmt.Sprintf("%s has no routing instance %s", s.Peer.Name, in.name)
	}
	local, remote := g.asn[in.nodes[s.Local]], g.asn[v]
	for _, o := range g.in[v].Sessions {
		if o.Peer != s.Local || o.Port != s.PeerPort || o.PeerPort != s.Port || o.Unnumbered != s.Unnumbered {
			continue
		}
		if !s.Unnumbered && (o.LocalAddr != s.PeerAddr || o.PeerAddr != s.LocalAddr) {
			continue
		}
		switch {
		case s.PeerASN != remote:
			return nil, 0, fmt.Sprintf("configured remote-as %s but %s has ASN %s", s.PeerASN, s.Peer.Name, remote)
		case o.PeerASN != local:
			return nil, 0, fmt.Sprintf("%s expects remote-as %s but this device has ASN %s", s.Peer.Name, o.PeerASN, local)
		case s.PeerASN == local:
			return nil, 0, "both ends have ASN " + local.String() + "; the fabric design is eBGP only"
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
		g.uplinks[i] = make([]int32, len(g.dev))
		for v := range int32(len(g.dev)) {
			lo, hi := g.edgesOf(v)
			for ei := lo; ei < hi; ei++ {
				if e := &g.edges[ei]; e.fams&fam != 0 && g.isRole(e.to, model.RoleSpine) {
					g.uplinks[i][v]++
				}
			}
		}
	}
}

// isRole reports whether node v is a device of role r (a stub is none).
func (g *Graph) isRole(v int32, r model.Role) bool { return g.dev[v] != nil && g.dev[v].Role == r }

// name is node v's name: the device's, or the stub's "device/neighbour".
func (g *Graph) name(v int32) string {
	if g.dev[v] != nil {
		return g.dev[v].Name
	}
	return stubName(g.stub[v])
}
