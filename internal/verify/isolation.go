package verify

import (
	"fmt"
	"net/netip"
	"slices"

	"underlay.dev/underlay/internal/model"
)

// isolation proves that routes stay in their VRF: no other instance has a
// route sharing an address with a network's subnets, no tenant VRF has
// one to a DHCP relay server, and no two VRFs share an L3VNI. As with
// spec.checks' isolation, a route is enough to fail. A covering route an
// external neighbour announces (a default route from a firewall) is not
// a leak: it takes traffic out of the fabric, where the intent has no say.
func (np *netProof) isolation() []Finding {
	g := np.g
	var out []Finding
	for _, n := range g.F.Networks {
		for _, sn := range n.Subnets {
			for _, pfx := range sn.Prefixes() {
				out = append(out, np.subnetLeaks(n, sn, pfx)...)
			}
		}
	}
	out = append(out, np.relayLeaks()...)
	return append(out, sharedVNIs(g.F.VRFs)...)
}

// subnetLeaks reports the instances other than network n's own with a
// route to its subnet prefix pfx on sn's leaf.
func (np *netProof) subnetLeaks(n *model.Network, sn *model.NetworkSubnet, pfx netip.Prefix) []Finding {
	var out []Finding
	for ii, in := range np.g.insts {
		if in.name == n.VRF {
			continue
		}
		target := fmt.Sprintf("%s subnet %s of %s", n.Name, pfx, sn.Leaf.Name)
		if n.Kind.Lifecycle() {
			target = fmt.Sprintf("%s subnet %s of %s", n.Kind, pfx, sn.Leaf.Name)
		}
		for _, f := range np.leaks(int32(ii), pfx, target) {
			f.Network = n.Name
			out = append(out, f)
		}
	}
	return out
}

// leaks reports every device of instance ii with a route overlapping p.
func (np *netProof) leaks(ii int32, p netip.Prefix, target string) []Finding {
	g := np.g
	in := g.insts[ii]
	var out []Finding
	for _, e := range np.sets[ii].overlapping(p) {
		if e.c.external && e.p != p && covers(e.p, p) {
			continue
		}
		var devs []*model.Device
		for v := in.lo; v < in.stubs; v++ {
			if np.reached(e.c, v) {
				devs = append(devs, g.dev[v])
			}
		}
		if len(devs) == 0 {
			continue
		}
		nets := np.networksIn(in.name)
		who := np.subject(nets, devs)
		if tenantVRF(nets) {
			who = "tenant " + who
		}
		f := Finding{VRF: vrfLabel(in.name), Prefix: p.String(), Origin: g.originName(e.c), Servers: np.serversOn(nets, devs),
			Detail: fmt.Sprintf("in %s, %s reach %s: %s routes %s (from %s, %s)", where(in.name), who, target,
				where(in.name), e.p, g.originName(e.c), relation(e.p, p))}
		for _, d := range devs {
			f.Devices = append(f.Devices, d.Name)
		}
		out = append(out, f)
	}
	return out
}

// networksIn lists the networks of a VRF.
func (np *netProof) networksIn(vrf string) []*model.Network {
	var out []*model.Network
	for _, n := range np.g.F.Networks {
		if n.VRF == vrf {
			out = append(out, n)
		}
	}
	return out
}

func tenantVRF(nets []*model.Network) bool {
	return slices.ContainsFunc(nets, func(n *model.Network) bool { return n.Kind == model.NetworkTenant })
}

// relayLeaks checks that no tenant VRF routes to a DHCP relay server.
func (np *netProof) relayLeaks() []Finding {
	g := np.g
	var addrs []netip.Addr
	relayOf := map[netip.Addr][]string{}
	for _, n := range g.F.Networks {
		for _, a := range n.Relay {
			if len(relayOf[a]) == 0 {
				addrs = append(addrs, a)
			}
			relayOf[a] = append(relayOf[a], n.Name)
		}
	}
	var out []Finding
	for ii, in := range g.insts {
		if !tenantVRF(np.networksIn(in.name)) {
			continue
		}
		for _, a := range addrs {
			target := fmt.Sprintf("the DHCP server %s (relay of %s)", a, listed(relayOf[a]))
			out = append(out, np.leaks(int32(ii), netip.PrefixFrom(a, a.BitLen()), target)...)
		}
	}
	return out
}

// sharedVNIs fails VRFs with one L3VNI: each imports the other's routes.
func sharedVNIs(vrfs []*model.VRF) []Finding {
	var out []Finding
	for i, a := range vrfs {
		for _, b := range vrfs[i+1:] {
			if a.VNI == b.VNI {
				out = append(out, Finding{Detail: fmt.Sprintf("vrf %s and vrf %s share L3VNI %d: type-5 routes are imported by route target *:VNI, so each imports the other's routes",
					a.Name, b.Name, a.VNI)})
			}
		}
	}
	return out
}

// relays proves every leaf's DHCP relay: its source reaches each DHCP
// server in the relay's instance (the longest covering route), and the
// device holding that route's prefix reaches the source back.
func (np *netProof) relays() []Finding {
	g := np.g
	var out []Finding
	for _, d := range g.F.Devices {
		for _, rl := range d.Relays {
			ii := g.instIndex(rl.Instance)
			nets := relayedNetworks(d, rl)
			who := np.subject(nets, []*model.Device{d})
			for _, a := range rl.Servers {
				why := np.relayProblem(ii, d, rl, a)
				if why == "" {
					continue
				}
				f := Finding{VRF: vrfLabel(rl.Instance), Prefix: netip.PrefixFrom(a, a.BitLen()).String(), Origin: d.Name,
					Devices: []string{d.Name}, Servers: np.serversOn(nets, []*model.Device{d}),
					Detail: fmt.Sprintf("%s: DHCP server %s from the relay source %s: %s", who, a, rl.Source, why)}
				f.Network = np.mainNetwork(nets, d)
				out = append(out, f)
			}
		}
	}
	return out
}

func (np *netProof) relayProblem(ii int32, d *model.Device, rl *model.Relay, a netip.Addr) string {
	g := np.g
	v := g.node(ii, d)
	if v < 0 {
		return fmt.Sprintf("%s has no %s", d.Name, where(rl.Instance))
	}
	chain := np.sets[ii].covering(netip.PrefixFrom(a, a.BitLen()))
	i := slices.IndexFunc(chain, func(e pfxEntry) bool { return np.reached(e.c, v) })
	switch {
	case len(chain) == 0:
		return "unreachable: no device routes a prefix holding it in " + where(rl.Instance)
	case i < 0:
		return "unreachable: " + np.sims.get(chain[0].c).explain(v)
	}
	e := chain[i]
	src := np.originClass(ii, netip.PrefixFrom(rl.Source, rl.Source.BitLen()), d)
	if src == nil {
		return fmt.Sprintf("replies cannot return: %s does not announce the relay source in %s", d.Name, where(rl.Instance))
	}
	for _, o := range e.c.origins {
		if o != v && !np.reached(src, o) {
			return fmt.Sprintf("replies cannot return: %s (holding %s) has no route to the relay source: %s",
				g.name(o), e.p, np.sims.get(src).explain(o))
		}
	}
	return ""
}

// mainNetwork names a relay finding's network: the first relayed network
// with a server on d, else the first.
func (np *netProof) mainNetwork(nets []*model.Network, d *model.Device) string {
	if len(nets) == 0 {
		return ""
	}
	for _, n := range nets {
		if len(np.servers[leafNet{d, n}]) > 0 {
			return n.Name
		}
	}
	return nets[0].Name
}

// relayedNetworks are the networks whose SVIs the relay serves.
func relayedNetworks(d *model.Device, rl *model.Relay) []*model.Network {
	var out []*model.Network
	for _, sn := range d.Networks {
		if slices.Contains(rl.Downstream, model.SVIName(sn.Network.VLAN)) {
			out = append(out, sn.Network)
		}
	}
	return out
}
