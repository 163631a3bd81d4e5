package verify

import (
	"fmt"
	"sync"

	"underlay.dev/underlay/internal/model"
)

// accumulator collects findings from classes checked concurrently.
type accumulator struct {
	g                    *Graph
	mu                   sync.Mutex
	loops, subnets, ecmp []Finding
}

func newAccumulator(g *Graph) *accumulator { return &accumulator{g: g} }

// check evaluates the standard checks on one converged class.
//
// What external neighbours and groups announce is not checked here: which
// devices should have it is the intent's to say, in spec.checks.
func (a *accumulator) check(s *sim, c *class) {
	if c.external {
		return
	}
	g := s.g
	var unreach, ecmp map[string][]string // explanation → devices, made when needed
	var order, ecmpOrder []string
	origin := g.dev[c.origin()]
	leafOrigin := origin.Role == model.RoleLeaf && c.loopback
	in := g.insts[c.inst]
	for v := in.lo; v < in.stubs; v++ {
		if v == c.origin() {
			continue
		}
		if s.dist[v] < 0 {
			if apartByDesign(origin, g.dev[v]) {
				continue
			}
			why := s.explain(v)
			if unreach == nil {
				unreach = map[string][]string{}
			}
			if _, seen := unreach[why]; !seen {
				order = append(order, why)
			}
			unreach[why] = append(unreach[why], g.dev[v].Name)
			continue
		}
		if leafOrigin && g.dev[v].Role == model.RoleLeaf {
			if why := s.ecmpShortfall(v, c.fam); why != "" {
				if ecmp == nil {
					ecmp = map[string][]string{}
				}
				if _, seen := ecmp[why]; !seen {
					ecmpOrder = append(ecmpOrder, why)
				}
				ecmp[why] = append(ecmp[why], g.dev[v].Name)
			}
		}
	}
	if unreach == nil && ecmp == nil {
		return
	}
	var loops, subnets, widths []Finding
	vrf := vrfLabel(in.name)
	for _, p := range c.prefixes {
		for _, why := range order {
			f := Finding{VRF: vrf, Prefix: p.String(), Origin: origin.Name, Devices: unreach[why], Detail: why}
			if isLoopback(origin, p) {
				loops = append(loops, f)
			} else if devs := leavesAndHosts(g, unreach[why]); len(devs) > 0 {
				f.Devices = devs
				subnets = append(subnets, f)
			}
		}
		if isLoopback(origin, p) {
			for _, why := range ecmpOrder {
				widths = append(widths, Finding{VRF: vrf, Prefix: p.String(), Origin: origin.Name, Devices: ecmp[why], Detail: why})
			}
		}
	}
	a.mu.Lock()
	a.loops = append(a.loops, loops...)
	a.subnets = append(a.subnets, subnets...)
	a.ecmp = append(a.ecmp, widths...)
	a.mu.Unlock()
}

func leavesAndHosts(g *Graph, names []string) []string {
	var out []string
	for _, n := range names {
		if r := g.dev[g.byName[n]].Role; r == model.RoleLeaf || r == model.RoleHost {
			out = append(out, n)
		}
	}
	return out
}

func (a *accumulator) results() []CheckResult {
	out := []CheckResult{
		{Name: CheckLoopbacks, Description: "every loopback is reachable from every device (spines and superspines among themselves excepted: without leaf transit they have no path to each other, RFC 7938)", Findings: a.loops},
		{Name: CheckSubnets, Description: "every server subnet is reachable from every leaf and host", Findings: a.subnets},
		{Name: CheckECMP, Description: "between leaves, ECMP spans every usable spine path (up to maximum-paths)", Findings: a.ecmp},
	}
	for i := range out {
		sortFindings(out[i].Findings)
		out[i].Pass = len(out[i].Findings) == 0
	}
	return out
}

// apartByDesign reports whether two devices are not expected to reach each
// other's loopbacks: spines and superspines among themselves. Spines of a
// pod and the superspines share an ASN, and leaves are never transit, so
// the spines of one pod (or of different planes) have no path between
// them (RFC 7938 §5.2.1). Everything else must reach every leaf and host,
// and every leaf and host must reach everything.
func apartByDesign(a, b *model.Device) bool {
	return a.Role.Tier() >= 2 && b.Role.Tier() >= 2
}

// explain says why v has no route, from what the simulation saw at v or,
// when nothing was offered to v, at the nearest neighbour that saw why.
func (s *sim) explain(v int32) string {
	if why := s.explainAt(v); why != "" {
		return why
	}
	g := s.g
	seen := map[int32]bool{v: true}
	front := []int32{v}
	for range 4 {
		var next []int32
		for _, u := range front {
			lo, hi := g.edgesOf(u)
			for ei := lo; ei < hi; ei++ {
				w := g.edges[ei].to
				if seen[w] || s.dist[w] >= 0 || g.stub[w] != nil { // a stub is no way upstream
					continue
				}
				seen[w] = true
				if why := s.explainAt(w); why != "" {
					return fmt.Sprintf("no neighbour has a route; upstream, %s has none either: %s", g.name(w), why)
				}
				next = append(next, w)
			}
		}
		front = next
	}
	return "no neighbour offers a route (no session carries it this far)"
}

func (s *sim) explainAt(v int32) string {
	g := s.g
	if s.isDead(v) {
		return "the device is down"
	}
	switch s.why[v] {
	case reasonLoop:
		return fmt.Sprintf("AS-path loop: the route arrives with this device's own ASN already in its path (e.g. from %s); "+
			"devices that must reach each other cannot share an ASN", g.name(s.whyBy[v]))
	case reasonImport:
		return fmt.Sprintf("dropped by this device's import policy (offered by %s)", g.name(s.whyBy[v]))
	case reasonExport:
		return fmt.Sprintf("not announced: the export policy of the neighbour (e.g. %s) filters it", g.name(s.whyBy[v]))
	case reasonVNI, reasonEVPN, reasonVTEP:
		return s.explainOverlay(s.why[v], v, s.whyBy[v])
	}
	return ""
}

// ecmpShortfall compares v's ECMP width with its usable spine uplinks:
// sessions to spines that have a route not learned from v.
func (s *sim) ecmpShortfall(v int32, fam uint8) string {
	g := s.g
	got := s.width(v)
	if s.down == nil && got >= g.spineUplinks(v, fam) {
		return "" // every uplink is in use: the common case, no scan needed
	}
	usable := 0
	lo, hi := g.edgesOf(v)
	for ei := lo; ei < hi; ei++ {
		e := &g.edges[ei]
		if e.fams&fam == 0 || !g.isRole(e.to, model.RoleSpine) || (s.down != nil && s.down[e.link]) {
			continue
		}
		if s.dist[e.to] >= 0 && s.rep[e.to] != v {
			usable++
		}
	}
	maxp := g.dev[v].BGP.MaximumPaths
	switch {
	case got >= usable:
		return ""
	case got == maxp:
		return fmt.Sprintf("%d of %d usable spine paths in ECMP: maximum-paths %d is too low", got, usable, maxp)
	case !g.dev[v].BGP.MultipathRelax:
		return fmt.Sprintf("%d of %d usable spine paths in ECMP: without multipath-relax FRR multipaths only paths "+
			"from the best path's neighbour AS %s, or some spines offer longer paths", got, usable, g.asn[s.rep[v]])
	}
	return fmt.Sprintf("%d of %d usable spine paths in ECMP: some spines offer longer paths", got, usable)
}
