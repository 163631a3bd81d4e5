package verify

import (
	"fmt"
	"net/netip"
	"slices"

	"underlay.dev/underlay/internal/model"
)

// Check names of the Kubernetes clusters' proofs; they run when the
// fabric has clusters.
const (
	CheckClusterPodBlocks     = "cluster-pod-blocks"
	CheckClusterServiceECMP   = "cluster-service-ecmp"
	CheckClusterImport        = "cluster-import-filter"
	CheckClusterLeafFailures  = "cluster-leaf-failures"
	clusterPodBlocksDescr     = "every pod block any node may announce (any block of each pod CIDR, proven over the policies' prefix ranges) is accepted by its leaf, reaches every other rack's leaf and is sent to every other node (or, with export default, the nodes' default route leads to a leaf that has it)"
	clusterServiceECMPDescr   = "each service range announced from several racks is ECMP on every spine over each rack's leaf (up to maximum-paths)"
	clusterImportDescr        = "no prefix outside the cluster's pod blocks and service ranges gets past a node's leaf (proven over the import policies' prefix ranges)"
	clusterLeafFailuresDescr  = "which nodes lose their uplink when their leaf fails (nodes are single-homed); a report, never a failure"
	clusterServiceECMPNoteFmt = "cluster %s service %s, announced by %d rack(s): ECMP %d on %s (maximum-paths %d)"
)

// clusterProof is what the cluster checks share: the graph and one
// scratch simulation, used one class at a time.
type clusterProof struct {
	g *Graph
	s *sim
}

// rackSession is a leaf's session to nodes of a cluster: a rack's group
// (all the rack's nodes, listen) or one node's (unnumbered).
type rackSession struct {
	rack  *model.Rack
	nodes []*model.Node
	sess  *model.Session
	stub  int32 // the stub node of the session
	edge  int32 // the stub's edge to the leaf
}

// importID is the leaf's import policy for the session; exportID its
// export policy towards the nodes.
func (rs *rackSession) importID(g *Graph) int32 { return g.edges[rs.edge].imp }
func (rs *rackSession) exportID(g *Graph) int32 { return g.edges[g.edges[rs.edge].rev].exp }

// subject names the session's nodes: "rack leaf1 (nodes node1, node2)"
// or "node node1 on leaf1".
func (rs *rackSession) subject() string {
	if rs.sess.Group != nil {
		return fmt.Sprintf("rack %s (%s)", rs.rack.Leaf.Name, nodeNames(rs.nodes))
	}
	return fmt.Sprintf("node %s on %s", rs.nodes[0].Name, rs.rack.Leaf.Name)
}

func nodeNames(nodes []*model.Node) string {
	names := make([]string, len(nodes))
	for i, n := range nodes {
		names[i] = n.Name
	}
	if len(names) == 1 {
		return "node " + names[0]
	}
	return "nodes " + listed(names)
}

// clusterChecks proves every cluster: pod blocks, service ECMP, the
// import filters, and reports single-leaf failures.
func (g *Graph) clusterChecks() []CheckResult {
	cp := &clusterProof{g: g, s: newSim(g)}
	blocks := CheckResult{Name: CheckClusterPodBlocks, Description: clusterPodBlocksDescr}
	ecmp := CheckResult{Name: CheckClusterServiceECMP, Description: clusterServiceECMPDescr}
	filter := CheckResult{Name: CheckClusterImport, Description: clusterImportDescr}
	fails := CheckResult{Name: CheckClusterLeafFailures, Description: clusterLeafFailuresDescr}
	for _, c := range g.F.Clusters {
		rss, problems := cp.sessions(c)
		blocks.Findings = append(append(blocks.Findings, problems...), cp.podBlocks(c, rss)...)
		fs, notes := cp.serviceECMP(c, rss)
		ecmp.Findings, ecmp.Notes = append(ecmp.Findings, fs...), append(ecmp.Notes, notes...)
		filter.Findings = append(filter.Findings, cp.importFilter(c, rss)...)
		fails.Notes = append(fails.Notes, leafFailures(c)...)
	}
	out := []CheckResult{blocks, ecmp, filter, fails}
	for i := range out {
		sortFindings(out[i].Findings)
		out[i].Pass = len(out[i].Findings) == 0
	}
	return out
}

// finding is one cluster finding: detail names the cluster, racks, nodes
// and prefix itself.
func (cp *clusterProof) finding(c *model.Cluster, p netip.Prefix, origin string, leaves []*model.Device,
	nodes []*model.Node, detail string) Finding {
	f := Finding{Cluster: c.Name, Origin: origin, Detail: "cluster " + c.Name + ": " + detail}
	if p.IsValid() {
		f.Prefix = p.String()
	}
	for _, d := range leaves {
		if !slices.Contains(f.Devices, d.Name) {
			f.Devices = append(f.Devices, d.Name)
		}
	}
	for _, n := range nodes {
		f.Servers = append(f.Servers, n.Name)
	}
	slices.Sort(f.Servers)
	return f
}

// sessions finds each rack's sessions in the graph, and reports nodes
// that have none or cannot open theirs.
func (cp *clusterProof) sessions(c *model.Cluster) ([]*rackSession, []Finding) {
	var out []*rackSession
	var problems []Finding
	add := func(r *model.Rack, nodes []*model.Node, s *model.Session) {
		v, ok := cp.g.stubOf[s]
		if s == nil || !ok {
			problems = append(problems, cp.finding(c, netip.Prefix{}, "", []*model.Device{r.Leaf}, nodes,
				fmt.Sprintf("%s has no BGP session for %s", r.Leaf.Name, nodeNames(nodes))))
			return
		}
		out = append(out, &rackSession{rack: r, nodes: nodes, sess: s, stub: v, edge: cp.g.off[v]})
	}
	for _, r := range c.Racks {
		if c.Peering == model.PeerUnnumbered {
			for _, n := range r.Nodes {
				add(r, []*model.Node{n}, n.Session)
			}
			continue
		}
		add(r, r.Nodes, r.Session)
		if r.Session == nil || r.Subnet == nil {
			continue
		}
		for _, sub := range r.Listen() { // each family's subnet: a session per family
			if !slices.ContainsFunc(r.Session.Group.Listen, func(l netip.Prefix) bool {
				return l.Bits() <= sub.Bits() && l.Contains(sub.Addr())
			}) {
				problems = append(problems, cp.finding(c, sub, "", []*model.Device{r.Leaf}, r.Nodes, fmt.Sprintf(
					"%s cannot open sessions: they are on %s but %s's group %s listens on %v", nodeNames(r.Nodes), sub,
					r.Leaf.Name, r.Session.Group.Name, r.Session.Group.Listen)))
			}
		}
	}
	return out, problems
}

// blockBits is the length of the blocks nodes announce out of pool.
func blockBits(c *model.Cluster, pool netip.Prefix) int {
	if pool.Addr().Is6() {
		return c.BlockSizeV6
	}
	return c.BlockSize
}

// podBlocks proves each pod CIDR: every leaf accepts every block from its
// nodes (by policy), and a block of each rack, standing for the blocks
// the policies treat alike, reaches the other racks and their nodes.
func (cp *clusterProof) podBlocks(c *model.Cluster, rss []*rackSession) []Finding {
	g := cp.g
	var out []Finding
	for _, pool := range c.PodCIDRs {
		parts := g.pols.blockParts(pool, blockBits(c, pool))
		for _, rs := range rss {
			for _, bp := range parts {
				if !bp.permitted(rs.importID(g)) {
					out = append(out, cp.finding(c, bp.runs[0].first, stubName(rs.sess), []*model.Device{rs.rack.Leaf}, rs.nodes,
						fmt.Sprintf("%s: %s's import policy %s drops %s", rs.subject(), rs.rack.Leaf.Name, policyName(rs.sess.Import),
							bp.describe(pool))))
				}
			}
		}
		for i, rs := range rss {
			if i > 0 && rss[i-1].rack == rs.rack {
				continue // one origin per rack: its other nodes' imports are proven above
			}
			for _, bp := range parts {
				if bp.permitted(rs.importID(g)) {
					out = append(out, cp.spread(c, rs, rss, pool, bp)...)
				}
			}
		}
	}
	return out
}

func policyName(p *model.Policy) string {
	if p == nil {
		return "(none)"
	}
	return p.Name
}

// spread simulates the part's block announced by the origin's nodes and
// reports the leaves and nodes it does not reach, one finding per reason.
func (cp *clusterProof) spread(c *model.Cluster, origin *rackSession, rss []*rackSession, pool netip.Prefix, bp *blockPart) []Finding {
	g, s := cp.g, cp.s
	block := bp.rep(stubAnnounces(origin.sess))
	s.run(&class{inst: g.inst[origin.stub], origins: []int32{origin.stub}, fam: bp.fam, prefixes: []netip.Prefix{block},
		permits: bp.permits, external: true})
	type miss struct {
		kind, why string
		leaves    []*model.Device
		nodes     []*model.Node
	}
	var order []*miss
	by := map[[2]string]*miss{}
	add := func(kind, why string, leaf *model.Device, nodes []*model.Node) {
		m := by[[2]string{kind, why}]
		if m == nil {
			m = &miss{kind: kind, why: why}
			by[[2]string{kind, why}] = m
			order = append(order, m)
		}
		m.leaves, m.nodes = append(m.leaves, leaf), append(m.nodes, nodes...)
	}
	for _, r := range c.Racks {
		if v := g.node(g.inst[origin.stub], r.Leaf); r != origin.rack && (v < 0 || s.dist[v] < 0) {
			add("does not reach", cp.explainNode(v), r.Leaf, nil)
		}
	}
	for _, rs := range rss {
		if why := cp.sentTo(c, origin, rs, bp); why != "" {
			add("is not sent to", why, rs.rack.Leaf, rs.nodes)
		}
	}
	var out []Finding
	what := fmt.Sprintf("pod block %s of %s, standing for %s,", block, origin.subject(), bp.describe(pool))
	for _, m := range order {
		whom := leafNames(m.leaves)
		if len(m.nodes) > 0 {
			whom = nodeNames(m.nodes) + " on " + whom
		}
		out = append(out, cp.finding(c, block, stubName(origin.sess), m.leaves, m.nodes,
			fmt.Sprintf("%s %s %s: %s", what, m.kind, whom, m.why)))
	}
	return out
}

func leafNames(ds []*model.Device) string {
	var names []string
	for _, d := range ds {
		if !slices.Contains(names, d.Name) {
			names = append(names, d.Name)
		}
	}
	return listed(names)
}

// sentTo says why the nodes of rs do not get the origin's block from
// their leaf in the last run ("" when they do): with export default, a
// default route from the leaf, which then has the block, stands for it.
func (cp *clusterProof) sentTo(c *model.Cluster, origin, rs *rackSession, bp *blockPart) string {
	g, s := cp.g, cp.s
	if c.Export == model.ExportDefault {
		if !rs.sess.Options().DefaultOriginate {
			return fmt.Sprintf("export is default, but %s originates no default route towards them", rs.rack.Leaf.Name)
		}
		return "" // whether the leaf has the block is the leaves' finding
	}
	if rs.stub != origin.stub {
		if s.dist[rs.stub] >= 0 {
			return ""
		}
		switch s.why[rs.stub] {
		case reasonLoop:
			return cp.loopWhy(rs)
		case reasonExport:
			return cp.exportWhy(rs)
		}
		return cp.explainNode(rs.stub)
	}
	// The origin's own group: the leaf sends one member's routes to the
	// others unless its export filters them or their shared AS loops.
	switch {
	case len(rs.nodes) < 2:
		return ""
	case !bp.permitted(rs.exportID(g)):
		return cp.exportWhy(rs)
	case g.asn[rs.stub] != 0 && !g.ibgp[rs.stub] && !g.override[rs.stub]:
		return cp.loopWhy(rs)
	}
	return ""
}

// exportWhy explains a leaf not sending its nodes a route.
func (cp *clusterProof) exportWhy(rs *rackSession) string {
	return fmt.Sprintf("%s's export policy %s towards them filters it", rs.rack.Leaf.Name, policyName(rs.sess.Export))
}

// loopWhy explains nodes dropping a route that holds their own AS, with
// the fix the cluster's AS model asks for.
func (cp *clusterProof) loopWhy(rs *rackSession) string {
	fix := "nodes sharing an AS across racks need the leaves to replace it (as-override) towards them"
	switch rs.rack.Cluster.ASModel {
	case model.ASPerNode:
		fix = "another node has the same AS; each node needs its own"
	case model.ASPerRack:
		fix = "another rack's leaf has the same AS; each rack needs its own"
	}
	return fmt.Sprintf("they drop it: AS-path loop, their AS %s is already in the path; %s", cp.g.asn[rs.stub], fix)
}

// explainNode says why node v (a leaf or a stub) has no route in the last
// run.
func (cp *clusterProof) explainNode(v int32) string {
	if v < 0 {
		return "the leaf has no such routing instance"
	}
	return cp.s.explain(v)
}
