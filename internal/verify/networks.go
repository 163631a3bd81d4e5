package verify

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"underlay.dev/underlay/internal/model"
)

// Check names of the server networks' proofs; they run when the fabric
// has networks.
const (
	CheckGateways     = "network-gateways"
	CheckNetworkReach = "network-reachability"
	CheckIsolation    = "network-isolation"
	CheckRelay        = "dhcp-relay"
)

// netProof is what the network checks read: every class's converged reach
// from the standard pass, each instance's prefix index, and who is on
// which network where.
type netProof struct {
	g       *Graph
	reach   [][]uint64 // by class ix: the nodes with a route
	sets    []*prefixSet
	sims    simCache // explanations only: a failing class is simulated again
	servers map[leafNet][]string
}

type leafNet struct {
	leaf *model.Device
	net  *model.Network
}

// networkChecks proves the server networks: gateways, reachability inside
// each network's VRF, isolation from every other, and the DHCP relays.
func (g *Graph) networkChecks(classes []*class, reach [][]uint64) []CheckResult {
	np := &netProof{g: g, reach: reach, sets: newPrefixSets(len(g.insts), classes),
		sims: simCache{g: g, of: map[*class]*sim{}}, servers: map[leafNet][]string{}}
	for _, s := range g.F.Servers {
		for _, n := range s.Networks() {
			k := leafNet{s.Leaf, n}
			np.servers[k] = append(np.servers[k], s.Name)
		}
	}
	out := []CheckResult{
		{Name: CheckGateways, Description: "every network has its gateway on every leaf its servers attach to, and the servers' ports carry its VLAN", Findings: np.gateways()},
		{Name: CheckNetworkReach, Description: "every network's subnets are reachable in its VRF from every leaf that has the network", Findings: np.reachability()},
		{Name: CheckIsolation, Description: "no network's subnets are reachable from another VRF or, for a network in a VRF, from the default table; no tenant VRF reaches a DHCP relay server", Findings: np.isolation()},
		{Name: CheckRelay, Description: "from every DHCP relay's source the DHCP servers are reachable in the default table, and the replies route back", Findings: np.relays()},
	}
	for i := range out {
		sortFindings(out[i].Findings)
		out[i].Pass = len(out[i].Findings) == 0
	}
	return out
}

// reached reports whether node v has a route in class c.
func (np *netProof) reached(c *class, v int32) bool {
	return v >= 0 && np.reach[c.ix][v/64]&(1<<(v%64)) != 0
}

// inst returns the index of the named instance, -1 when no device has it.
func (g *Graph) instIndex(name string) int32 {
	for i, in := range g.insts {
		if in.name == name {
			return int32(i)
		}
	}
	return -1
}

// node is d's node in instance ii, -1 when d has no such instance.
func (g *Graph) node(ii int32, d *model.Device) int32 {
	if ii < 0 {
		return -1
	}
	if v, ok := g.insts[ii].nodes[d]; ok {
		return v
	}
	return -1
}

// originClass is the class in which d originates p in instance ii.
func (np *netProof) originClass(ii int32, p netip.Prefix, d *model.Device) *class {
	if ii < 0 {
		return nil
	}
	for _, e := range np.sets[ii].exact[p] {
		if !e.c.external && np.g.dev[e.c.origin()] == d {
			return e.c
		}
	}
	return nil
}

// serversOn lists the servers on the leaves in the networks.
func (np *netProof) serversOn(nets []*model.Network, leaves []*model.Device) []string {
	var out []string
	for _, d := range leaves {
		for _, n := range nets {
			out = append(out, np.servers[leafNet{d, n}]...)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// subject names whom a finding concerns: "servers bm3, bm6 on tenant-a
// (leaf2, leaf4)", or the leaves when no server is attached yet.
func (np *netProof) subject(nets []*model.Network, leaves []*model.Device) string {
	srv := np.serversOn(nets, leaves)
	var names []string
	for _, n := range nets {
		// Of several networks, those the servers named are on.
		if len(nets) == 1 || len(srv) == 0 || len(np.serversOn([]*model.Network{n}, leaves)) > 0 {
			names = append(names, n.Name)
		}
	}
	devs := make([]string, len(leaves))
	for i, d := range leaves {
		devs[i] = d.Name
	}
	on := ""
	if len(names) > 0 {
		on = " on " + listed(names)
	}
	switch len(srv) {
	case 0:
		return fmt.Sprintf("%s (%sno server attached)", listed(devs), strings.TrimPrefix(on+", ", " on "))
	case 1:
		return fmt.Sprintf("server %s%s (%s)", srv[0], on, listed(devs))
	}
	return fmt.Sprintf("servers %s%s (%s)", listed(srv), on, listed(devs))
}

// listed joins names, the first few of many.
func listed(names []string) string {
	if len(names) > maxNamed {
		return strings.Join(names[:maxNamed], ", ") + fmt.Sprintf(" and %d more", len(names)-maxNamed)
	}
	return strings.Join(names, ", ")
}

const maxNamed = 8

// where names an instance's table for findings.
func where(vrf string) string {
	if vrf == model.DefaultInstance {
		return "the default table"
	}
	return "vrf " + vrf
}

// gateways checks each server's networks on its leaf: the subnet, the
// SVI with the gateway in the network's VRF, the VLAN on the server's
// port or bond and on the bridge.
func (np *netProof) gateways() []Finding {
	type key struct {
		leaf *model.Device
		net  *model.Network
		why  string
	}
	var order []key
	seen := map[key]bool{}
	for _, s := range np.g.F.Servers {
		for _, n := range s.Networks() {
			k := key{s.Leaf, n, gatewayProblem(s, n)}
			if k.why != "" && !seen[k] {
				seen[k] = true
				order = append(order, k)
			}
		}
	}
	var out []Finding
	for _, k := range order {
		f := np.finding(k.net, []*model.Device{k.leaf}, np.subject([]*model.Network{k.net}, []*model.Device{k.leaf})+": "+k.why)
		if sn := k.net.SubnetOn(k.leaf); sn != nil {
			f.Prefix = sn.Prefix.String()
		}
		out = append(out, f)
	}
	return out
}

// finding is one network finding about devices.
func (np *netProof) finding(n *model.Network, devs []*model.Device, detail string) Finding {
	f := Finding{VRF: vrfLabel(n.VRF), Network: n.Name, Detail: detail}
	for _, d := range devs {
		f.Devices = append(f.Devices, d.Name)
	}
	f.Servers = np.serversOn([]*model.Network{n}, devs)
	return f
}

func gatewayProblem(s *model.Server, n *model.Network) string {
	d := s.Leaf
	sn := n.SubnetOn(d)
	if sn == nil {
		return fmt.Sprintf("%s has no subnet of %s, so no gateway", d.Name, n.Name)
	}
	name := model.SVIName(n.VLAN)
	svi := d.Interface(name)
	switch {
	case svi == nil || svi.Kind != model.KindSVI:
		return fmt.Sprintf("%s has no SVI %s for the gateway %s", d.Name, name, sn.Gateway)
	case !slices.Contains(svi.Addrs, sn.Gateway):
		return fmt.Sprintf("%s's SVI %s lacks the gateway %s (it has %v)", d.Name, name, sn.Gateway, svi.Addrs)
	case svi.Instance != n.VRF:
		return fmt.Sprintf("%s's SVI %s is in %s, the network in %s", d.Name, name, where(svi.Instance), where(n.VRF))
	}
	port := s.Ports[0]
	if s.Bond != "" {
		port = s.Bond
	}
	pi, tag := d.Interface(port), "tagged"
	carries := pi != nil && slices.Contains(pi.VLANs, n.VLAN)
	if s.Untagged == n {
		carries, tag = pi != nil && pi.Access == n.VLAN, "untagged"
	}
	if !carries {
		return fmt.Sprintf("%s's %s does not carry VLAN %d %s", d.Name, port, n.VLAN, tag)
	}
	if br := d.Interface(model.BridgeName); br == nil || !slices.Contains(br.VLANs, n.VLAN) {
		return fmt.Sprintf("%s's bridge does not carry VLAN %d", d.Name, n.VLAN)
	}
	return ""
}

// reachability checks that every leaf with a network has a route, in the
// network's VRF, to the network's subnet on every other leaf: over the
// fabric in the default table, over EVPN in a VRF.
func (np *netProof) reachability() []Finding {
	g := np.g
	var out []Finding
	for _, n := range g.F.Networks {
		ii := g.instIndex(n.VRF)
		for _, sn := range n.Subnets {
			for _, pfx := range sn.Prefixes() { // a dual-stack network's IPv6 subnet too
				c := np.originClass(ii, pfx, sn.Leaf)
				if c == nil {
					out = append(out, np.finding(n, []*model.Device{sn.Leaf}, fmt.Sprintf("%s: %s does not originate its subnet %s in %s",
						np.subject([]*model.Network{n}, []*model.Device{sn.Leaf}), sn.Leaf.Name, pfx, where(n.VRF))))
					continue
				}
				out = append(out, np.unreached(n, sn, pfx, ii, c)...)
			}
		}
	}
	return out
}

// unreached reports the leaves with network n that have no route to its
// subnet sn's prefix pfx (class c), one finding per reason.
func (np *netProof) unreached(n *model.Network, sn *model.NetworkSubnet, pfx netip.Prefix, ii int32, c *class) []Finding {
	g := np.g
	var order []string
	leaves := map[string][]*model.Device{}
	for _, other := range n.Subnets {
		b := other.Leaf
		v := g.node(ii, b)
		var why string
		switch {
		case b == sn.Leaf || np.reached(c, v):
			continue
		case v < 0:
			why = "no " + where(n.VRF) + " on the leaf"
		default:
			why = np.sims.get(c).explain(v)
		}
		if len(leaves[why]) == 0 {
			order = append(order, why)
		}
		leaves[why] = append(leaves[why], b)
	}
	var out []Finding
	for _, why := range order {
		f := np.finding(n, leaves[why], fmt.Sprintf("%s: no route in %s to %s's subnet %s on %s: %s",
			np.subject([]*model.Network{n}, leaves[why]), where(n.VRF), n.Name, pfx, sn.Leaf.Name, why))
		f.Prefix, f.Origin = pfx.String(), sn.Leaf.Name
		out = append(out, f)
	}
	return out
}
