package verify

import (
	"fmt"
	"net/netip"
	"runtime"
	"slices"

	"underlay.dev/underlay/internal/model"
)

// EVPN type-5 routing between the VRFs of the leaves, as FRR does it with
// `advertise ipv4 unicast` (and ipv6) under each VRF's BGP instance and
// `advertise-all-vni` on the leaves:
//
//   - a leaf's VRF originates its networks' subnets as type-5 routes of the
//     VRF's L3VNI, with the leaf's VTEP (its IPv4 loopback, the router ID)
//     as next hop;
//   - the routes travel over the l2vpn evpn sessions of the default
//     instance (Session.EVPN on both ends), through the spines, with eBGP's
//     AS-path loop prevention; spines keep the next hop, as FRR does for
//     EVPN routes;
//   - a leaf imports them into its VRF with the same L3VNI: route targets
//     are auto-derived as ASN:VNI, and FRR matches an auto-derived import
//     target on the VNI alone (*:VNI), which is what lets leaves with
//     different ASNs exchange them (Cumulus Linux, "EVPN Enhancements":
//     define RDs and RTs);
//   - the imported route is installed only when its next hop, the sender's
//     VTEP, resolves in the default table (the underlay), whose ECMP
//     carries the VXLAN packets: that width is the route's path count.
//
// Simplifications, each of them conservative for these fabrics: the EVPN
// address family has no prefix policy (the rendered configs filter only
// ipv4/ipv6 unicast), so every type-5 route goes everywhere EVPN sessions
// reach; routes imported from EVPN are not advertised into EVPN again
// (FRR does not re-originate them); type-2 (MAC/IP) routes are not
// modelled, since every network is routed at its leaf. Single-failure
// analysis covers VRF routes through the underlay: losing a VTEP's
// loopback is reported there; the VRF classes themselves are not
// re-simulated per failure.
type overlay struct {
	ix   []int32 // Devs index → VTEP index, -1 for a device without an EVPN VRF
	node []int32 // VTEP index → the device's default-instance node
	n    int32
	// ctl[a*n+b] is the EVPN AS-path length of a's type-5 routes at b,
	// -1 when they do not arrive; width[a*n+b] is b's ECMP width to a's
	// VTEP in the default table, 0 when b has no route to it.
	ctl   []int16
	width []int16
	// rep[a] is, per default-instance node, the neighbour of the best
	// path to a's EVPN routes: the AS paths of VRF routes.
	rep [][]int32
	// announced[a]: a's default instance originates its VTEP address.
	announced []bool
}

// overlayNode reports whether node v is a VRF instance that sends and
// receives type-5 routes: a non-default instance with an L3VNI on an EVPN
// device.
func (g *Graph) overlayNode(v int32) bool {
	return g.dev[v] != nil && g.in[v].VRF != nil && g.dev[v].EVPN && g.in[v].Name != model.DefaultInstance
}

// addOverlayEdges gives VRF node v an overlay edge to the same VRF on
// every other EVPN leaf; offer admits a route over one only when EVPN
// delivers it and the underlay reaches the sender's VTEP.
func (g *Graph) addOverlayEdges(in instance, v int32, pos map[[2]int32]int32) {
	if in.name == model.DefaultInstance || !g.overlayNode(v) {
		return
	}
	for w := in.lo; w < in.stubs; w++ {
		if w == v || !g.overlayNode(w) {
			continue
		}
		pos[[2]int32{v, w}] = int32(len(g.edges))
		g.edges = append(g.edges, edge{to: w, rev: -1, link: -1, fams: famV4 | famV6, exp: -1, imp: -1, overlay: true})
	}
}

// newOverlay simulates, for every leaf with an EVPN VRF, how far its EVPN
// routes travel and who reaches its VTEP; nil when no leaf has one.
func (g *Graph) newOverlay() *overlay {
	ov := &overlay{ix: make([]int32, len(g.Devs))}
	for i := range ov.ix {
		ov.ix[i] = -1
	}
	for _, in := range g.insts[1:] {
		for v := in.lo; v < in.stubs; v++ {
			if d := g.devIx[v]; g.overlayNode(v) && ov.ix[d] < 0 {
				ov.ix[d] = ov.n
				ov.node = append(ov.node, g.insts[0].nodes[g.Devs[d]])
				ov.n++
			}
		}
	}
	if ov.n == 0 {
		return nil
	}
	n := int(ov.n)
	ov.ctl, ov.width = make([]int16, n*n), make([]int16, n*n)
	ov.rep, ov.announced = make([][]int32, n), make([]bool, n)
	var classes []*class
	of := map[*class]int32{}
	for a, v := range ov.node {
		ctl := &class{origins: []int32{v}, fam: famV4 | famV6, evpn: true}
		classes = append(classes, ctl)
		of[ctl] = int32(a)
		vtep := netip.PrefixFrom(g.dev[v].RouterID, 32)
		if ov.announced[a] = slices.Contains(g.in[v].Originated, vtep); ov.announced[a] {
			c := &class{origins: []int32{v}, fam: famV4, prefixes: []netip.Prefix{vtep}, permits: g.pols.permitting(vtep)}
			classes = append(classes, c)
			of[c] = int32(a)
		}
	}
	g.ov = ov // the simulations below use none of it: no VRF class is among them
	g.forEachClass(classes, runtime.GOMAXPROCS(0), nil, -1, func(s *sim, c *class) { ov.record(s, c, of[c]) })
	return ov
}

// record keeps what one VTEP's simulation found.
func (ov *overlay) record(s *sim, c *class, a int32) {
	row := ov.ctl[a*ov.n : (a+1)*ov.n]
	if !c.evpn {
		row = ov.width[a*ov.n : (a+1)*ov.n]
	}
	for b, v := range ov.node {
		switch {
		case c.evpn:
			row[b] = s.dist[v]
		case s.dist[v] > 0:
			row[b] = int16(s.width(v))
		}
	}
	if c.evpn {
		ov.rep[a] = slices.Clone(s.rep[:s.g.insts[0].hi])
	}
}

// admit decides whether VRF node v installs what VRF node u sends it as a
// type-5 route.
func (ov *overlay) admit(g *Graph, u, v int32) reason {
	if g.in[u].VRF.VNI != g.in[v].VRF.VNI {
		return reasonVNI
	}
	k := ov.ix[g.devIx[u]]*ov.n + ov.ix[g.devIx[v]]
	switch {
	case ov.ctl[k] < 0:
		return reasonEVPN
	case ov.width[k] == 0:
		return reasonVTEP
	}
	return reasonNone
}

// paths is VRF node v's underlay ECMP width to VRF node u's VTEP.
func (ov *overlay) paths(g *Graph, u, v int32) int {
	return int(ov.width[ov.ix[g.devIx[u]]*ov.n+ov.ix[g.devIx[v]]])
}

// transit appends the ASNs a type-5 route from VRF node u passes on its
// way to VRF node v (the spines), nearest to v first.
func (ov *overlay) transit(g *Graph, u, v int32, path []model.ASN) []model.ASN {
	a, b := ov.ix[g.devIx[u]], ov.ix[g.devIx[v]]
	rep := ov.rep[a]
	for x := rep[ov.node[b]]; x >= 0 && x != ov.node[a]; x = rep[x] {
		path = append(path, g.asn[x])
	}
	return path
}

// explainOverlay says why u's type-5 route is not installed at v.
func (s *sim) explainOverlay(r reason, v, u int32) string {
	g := s.g
	sender := g.dev[u]
	switch r {
	case reasonVNI:
		return fmt.Sprintf("vrf %s has L3VNI %d here and %d on %s: type-5 routes are imported by route target *:VNI, so none of %s's arrive",
			g.in[v].Name, g.in[v].VRF.VNI, g.in[u].VRF.VNI, sender.Name, sender.Name)
	case reasonEVPN:
		return fmt.Sprintf("%s's EVPN type-5 routes do not arrive: no chain of l2vpn evpn sessions carries them here", sender.Name)
	}
	why := "this device has no route to it in the default table"
	if !g.ov.announced[g.ov.ix[g.devIx[u]]] {
		why = sender.Name + " does not announce it in the default table"
	}
	return fmt.Sprintf("%s's type-5 route arrives, but its next hop, the VTEP %s, does not resolve: %s", sender.Name, sender.RouterID, why)
}
