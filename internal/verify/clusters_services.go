package verify

import (
	"cmp"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	"underlay.dev/underlay/internal/model"
)

// serviceECMP simulates each service range announced by every rack's
// nodes at once and compares each spine's ECMP width with the rack
// leaves it has sessions to (up to maximum-paths): nodes of several racks
// announcing one address is what spreads a service's traffic.
func (cp *clusterProof) serviceECMP(c *model.Cluster, rss []*rackSession) ([]Finding, []string) {
	g, s := cp.g, cp.s
	var out []Finding
	var notes []string
	for _, svc := range c.Services.All() {
		racks := map[*model.Device]bool{}
		var origins []int32
		for _, rs := range rss {
			if slices.Contains(stubAnnounces(rs.sess), svc) {
				origins, racks[rs.rack.Leaf] = append(origins, rs.stub), true
			}
		}
		if len(origins) == 0 {
			notes = append(notes, fmt.Sprintf("cluster %s service %s: no rack announces it", c.Name, svc))
			continue
		}
		ii := g.inst[origins[0]]
		s.run(&class{inst: ii, origins: origins, fam: famOf(svc), prefixes: []netip.Prefix{svc},
			permits: g.pols.permitting(svc), external: true})
		type width struct{ got, maxp int } // maxp: maximum-paths when it caps the width
		widths := map[width][]string{}
		in := g.insts[ii]
		for v := in.lo; v < in.stubs; v++ {
			if !g.isRole(v, model.RoleSpine) {
				continue
			}
			want, got, capped, why := cp.serviceWidth(v, racks, famOf(svc))
			if want == 0 {
				continue
			}
			w := width{got: got}
			if capped && got == want {
				w.maxp = want
			}
			widths[w] = append(widths[w], g.dev[v].Name)
			if got < want {
				out = append(out, cp.finding(c, svc, "", []*model.Device{g.dev[v]}, nil, fmt.Sprintf(
					"service range %s, announced by %d rack(s), is ECMP over %d of %d rack leaves on %s: %s",
					svc, len(racks), got, want, g.dev[v].Name, why)))
			}
		}
		ws := slices.Collect(maps.Keys(widths))
		slices.SortFunc(ws, func(a, b width) int { return cmp.Or(b.got-a.got, a.maxp-b.maxp) })
		for _, w := range ws {
			capped := ""
			if w.maxp > 0 {
				capped = fmt.Sprintf(" (maximum-paths %d)", w.maxp)
			}
			notes = append(notes, fmt.Sprintf("cluster %s service %s, announced by %d rack(s): ECMP %d on %s%s",
				c.Name, svc, len(racks), w.got, listed(widths[w]), capped))
		}
	}
	return out, notes
}

// serviceWidth is what spine v should install (its sessions to the
// announcing racks' leaves, up to maximum-paths), what it does in the
// last run, and why the others are missing.
func (cp *clusterProof) serviceWidth(v int32, racks map[*model.Device]bool, fam uint8) (want, got int, capped bool, why string) {
	g, s := cp.g, cp.s
	var cands []int32
	if s.dist[v] >= 0 {
		got = s.width(v)
		for _, ei := range s.nextHops(v) {
			cands = append(cands, g.edges[ei].to)
		}
	}
	var missing []string
	lo, hi := g.edgesOf(v)
	for ei := lo; ei < hi; ei++ {
		e := &g.edges[ei]
		if e.fams&fam == 0 || g.dev[e.to] == nil || !racks[g.dev[e.to]] {
			continue
		}
		want++
		if slices.Contains(cands, e.to) {
			continue
		}
		leaf := g.dev[e.to].Name
		switch {
		case s.dist[e.to] < 0:
			missing = append(missing, leaf+" has no route: "+s.explain(e.to))
		case s.dist[e.to] >= s.dist[v]:
			why := leaf + " has it only through the spines, not from its own nodes"
			if s.why[e.to] == reasonImport {
				why += fmt.Sprintf(": its import policy drops their announcement (from %s)", g.name(s.whyBy[e.to]))
			}
			missing = append(missing, why)
		case !g.dev[v].BGP.MultipathRelax:
			missing = append(missing, leaf+"'s path is in another neighbour AS, and without multipath-relax FRR multipaths only "+
				"paths from the best path's")
		default:
			missing = append(missing, "the path through "+leaf+" is not offered to "+g.dev[v].Name+": "+s.explainAt(v))
		}
	}
	maxp := g.dev[v].BGP.MaximumPaths
	capped = want > maxp
	want = min(want, maxp)
	if got < want && len(missing) == 0 {
		missing = append(missing, fmt.Sprintf("maximum-paths %d", maxp))
	}
	if capped {
		missing = nil // more rack leaves than maximum-paths: which are missing is FRR's choice
	}
	return want, got, capped, strings.Join(missing, "; ")
}

// importFilter proves each leaf's import from its nodes lets in only the
// cluster's pod blocks and service ranges: one finding per import policy
// that lets in anything else, naming a prefix it lets in and every node
// behind it.
func (cp *clusterProof) importFilter(c *model.Cluster, rss []*rackSession) []Finding {
	allowed := c.PodBlockRules()
	for _, svc := range c.Services.All() {
		allowed = append(allowed, model.PrefixRule{Prefix: svc, Le: svc.Addr().BitLen()})
	}
	type leak struct {
		esc    escape
		pols   []string
		leaves []*model.Device
		nodes  []*model.Node
		subj   []string
	}
	var order []*leak
	by := map[int32]*leak{} // by policy id: alike policies (one per node, unnumbered) once
	for _, rs := range rss {
		id := rs.importID(cp.g)
		l, seen := by[id]
		if !seen {
			esc, bad := escapes(rs.sess.Import, allowed)
			if bad {
				l = &leak{esc: esc}
				order = append(order, l)
			}
			by[id] = l
		}
		if l != nil {
			l.leaves, l.nodes, l.subj = append(l.leaves, rs.rack.Leaf), append(l.nodes, rs.nodes...), append(l.subj, rs.subject())
			if name := policyName(rs.sess.Import); !slices.Contains(l.pols, name) {
				l.pols = append(l.pols, name)
			}
		}
	}
	var out []Finding
	var rules []string
	for _, r := range allowed {
		rules = append(rules, ruleString(r))
	}
	for _, l := range order {
		how := fmt.Sprintf("%s's import policy %s lets in %s (%s) by its rule %s", leafNames(l.leaves), listed(l.pols),
			l.esc.prefix, cp.whatIs(c, l.esc.prefix), ruleString(l.esc.rule))
		if l.esc.any {
			how = fmt.Sprintf("%s has no import policy for them: it accepts anything, %s included", leafNames(l.leaves), l.esc.prefix)
		}
		out = append(out, cp.finding(c, l.esc.prefix, "", l.leaves, l.nodes, fmt.Sprintf("%s: %s; only %s may pass",
			listed(l.subj), how, strings.Join(rules, ", "))))
	}
	return out
}

// whatIs names what an escaping prefix is, for the user to see why it
// must not pass.
func (cp *clusterProof) whatIs(c *model.Cluster, q netip.Prefix) string {
	inside := func(p netip.Prefix) bool { return p.Bits() <= q.Bits() && p.Contains(q.Addr()) }
	if q.Bits() == 0 {
		return "the default route"
	}
	for _, p := range c.PodCIDRs {
		if inside(p) {
			return fmt.Sprintf("a /%d of pod CIDR %s, whose blocks are /%d", q.Bits(), p, blockBits(c, p))
		}
	}
	for _, p := range cp.g.F.LoopbackPools {
		if p.Overlaps(q) {
			return "in the loopback pool " + p.String()
		}
	}
	for _, o := range cp.g.F.Clusters {
		for _, p := range append(slices.Clone(o.PodCIDRs), o.Services.All()...) {
			if o != c && p.Overlaps(q) {
				return fmt.Sprintf("in cluster %s's range %s", o.Name, p)
			}
		}
	}
	for _, n := range cp.g.F.Networks {
		for _, sn := range n.Subnets {
			for _, p := range sn.Prefixes() {
				if p.Overlaps(q) {
					return fmt.Sprintf("in network %s's subnet %s on %s", n.Name, p, sn.Leaf.Name)
				}
			}
		}
	}
	return "outside the cluster's pod CIDRs and service ranges"
}

// leafFailures reports, per rack, the nodes a failure of its leaf cuts
// off: each node has its one leaf (a server attaches to one), so all of
// the rack's.
func leafFailures(c *model.Cluster) []string {
	var out []string
	for _, r := range c.Racks {
		rest := fmt.Sprintf("the cluster's %d other rack(s) keep theirs", len(c.Racks)-1)
		if len(c.Racks) == 1 {
			rest = "the cluster has no other rack"
		}
		out = append(out, fmt.Sprintf("cluster %s: if %s fails, %s lose their uplink (single-homed); %s",
			c.Name, r.Leaf.Name, nodeNames(r.Nodes), rest))
	}
	return out
}
