package resolve

import (
	"net/netip"
	"slices"
	"sort"

	"underlay.dev/underlay/internal/model"
)

// serverInterfaces lists what a leaf's servers and networks add to its
// interfaces: each server's port (access or trunk) or bond and its
// members, the VLAN-aware bridge of them all, and an SVI per network.
// Ports come back in natural order, then bonds, the bridge, and the SVIs
// by VLAN.
func serverInterfaces(d *model.Device) (ports, rest []*model.Interface) {
	if !slices.ContainsFunc(d.Servers, func(s *model.Server) bool { return len(s.Networks()) > 0 }) && len(d.Networks) == 0 {
		return nil, nil // no servers in the bridge: unnumbered nodes at most
	}
	var bonds []*model.Interface
	for _, s := range d.Servers {
		if len(s.Networks()) == 0 {
			continue // an unnumbered Kubernetes node: a routed port (interfaces)
		}
		access, tagged := serverVLANs(s)
		if s.Bond == "" {
			ports = append(ports, bridgePort(s.Ports[0], model.KindAccess, s, access, tagged))
			continue
		}
		b := bridgePort(s.Bond, model.KindBond, s, access, tagged)
		b.Members, b.LACPBypass = slices.Clone(s.Ports), s.LACPBypass
		bonds = append(bonds, b)
		for _, p := range s.Ports {
			ports = append(ports, &model.Interface{Name: p, Kind: model.KindMember, Bond: s.Bond, MTU: s.MTU,
				Server: s.Name, Instance: model.DefaultInstance})
		}
	}
	bridge := &model.Interface{Name: model.BridgeName, Kind: model.KindBridge, Instance: model.DefaultInstance}
	for _, i := range append(slices.Clone(ports), bonds...) {
		if i.Kind != model.KindMember {
			bridge.Members = append(bridge.Members, i.Name)
		}
	}
	var svis []*model.Interface
	for _, sn := range d.Networks {
		bridge.VLANs = append(bridge.VLANs, sn.Network.VLAN)
		svis = append(svis, &model.Interface{Name: model.SVIName(sn.Network.VLAN), Kind: model.KindSVI,
			VLANs: []int{sn.Network.VLAN}, Addrs: sn.Gateways(), Instance: sn.Network.VRF, Network: sn.Network.Name})
	}
	sort.Ints(bridge.VLANs)
	sort.Slice(bonds, func(a, b int) bool { return model.NaturalLess(bonds[a].Name, bonds[b].Name) })
	sort.Slice(bridge.Members, func(a, b int) bool { return model.NaturalLess(bridge.Members[a], bridge.Members[b]) })
	rest = append(append(bonds, bridge), svis...)
	return ports, rest
}

// bridgePort is a server's port or bond in the bridge: an access port
// when it carries one untagged network, a trunk when it carries tagged
// ones.
func bridgePort(name string, kind model.InterfaceKind, s *model.Server, access int, tagged []int) *model.Interface {
	if kind == model.KindAccess && len(tagged) > 0 {
		kind = model.KindTrunk
	}
	return &model.Interface{Name: name, Kind: kind, Access: access, VLANs: tagged, MTU: s.MTU,
		Server: s.Name, Instance: model.DefaultInstance}
}

func serverVLANs(s *model.Server) (access int, tagged []int) {
	if s.Untagged != nil {
		access = s.Untagged.VLAN
	}
	for _, n := range s.Tagged {
		tagged = append(tagged, n.VLAN)
	}
	sort.Ints(tagged)
	return access, tagged
}

// vrfInstances rebuilds the instances of the VRFs d's networks are in,
// after the default one: each originates its networks' subnets and
// shares the device's ASN and router ID.
func vrfInstances(d *model.Device, vrfs map[string]*model.VRF) []*model.Instance {
	out := []*model.Instance{d.Default()}
	var names []string
	for _, sn := range d.Networks {
		if v := sn.Network.VRF; v != model.DefaultInstance && !slices.Contains(names, v) {
			names = append(names, v)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		in := &model.Instance{Name: name, ASN: d.ASN, RouterID: d.RouterID, VRF: vrfs[name],
			Originated: networkPrefixes(d, name)}
		model.SortPrefixes(in.Originated)
		out = append(out, in)
	}
	return out
}

// relays works out d's DHCP relay: the default instance's SVIs whose
// networks relay, to their servers, over the fabric ports (and the SVI or
// subnet port of a server on the leaf itself: dhcrelay hears replies only
// on its upstream interfaces), from the loopback with RFC 3527 link
// selection. checkRelays made sure the networks on one leaf name the same
// servers.
func relays(d *model.Device) []*model.Relay {
	var rl *model.Relay
	for _, sn := range d.Networks {
		n := sn.Network
		if len(n.Relay) == 0 || n.VRF != model.DefaultInstance {
			continue
		}
		if rl == nil {
			rl = &model.Relay{Instance: model.DefaultInstance, Servers: slices.Clone(n.Relay), Source: d.RouterID, LinkSelection: true}
			for _, p := range d.Ports {
				rl.Upstream = append(rl.Upstream, p.Name)
			}
		}
		rl.Downstream = append(rl.Downstream, model.SVIName(n.VLAN))
	}
	if rl == nil {
		return nil
	}
	rl.Upstream = append(rl.Upstream, localServerPorts(d, rl.Servers)...)
	sort.Slice(rl.Downstream, func(a, b int) bool { return model.NaturalLess(rl.Downstream[a], rl.Downstream[b]) })
	sort.Slice(rl.Upstream, func(a, b int) bool { return model.NaturalLess(rl.Upstream[a], rl.Upstream[b]) })
	return []*model.Relay{rl}
}

// localServerPorts returns the interfaces of d's own default-instance
// subnets that a DHCP server is in: the SVI of a network's subnet, or the
// port of a routed subnet.
func localServerPorts(d *model.Device, servers []netip.Addr) []string {
	var out []string
	add := func(name string, p netip.Prefix) {
		for _, a := range servers {
			if p.Contains(a) && !slices.Contains(out, name) {
				out = append(out, name)
			}
		}
	}
	for _, sn := range d.Networks {
		if sn.Network.VRF == model.DefaultInstance {
			add(model.SVIName(sn.Network.VLAN), sn.Prefix)
		}
	}
	for _, s := range d.Subnets {
		if s.Port != "" {
			add(s.Port, s.Prefix)
		}
	}
	return out
}
