package resolve

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"underlay.dev/underlay/internal/model"
)

// buildNetworks puts the networks, servers and VRFs into the model and
// onto their leaves, before the devices are derived.
func (r *resolver) buildNetworks() {
	for _, n := range r.nets {
		r.out.Networks = append(r.out.Networks, n.m)
		for _, sn := range n.m.Subnets {
			sn.Leaf.Networks = append(sn.Leaf.Networks, sn)
		}
	}
	sort.Slice(r.out.Networks, func(i, j int) bool { return r.out.Networks[i].Name < r.out.Networks[j].Name })
	for _, s := range r.srvs {
		sort.SliceStable(s.m.Tagged, func(i, j int) bool { return s.m.Tagged[i].VLAN < s.m.Tagged[j].VLAN })
		r.out.Servers = append(r.out.Servers, s.m)
		s.m.Leaf.Servers = append(s.m.Leaf.Servers, s.m)
	}
	sort.Slice(r.out.Servers, func(i, j int) bool { return r.out.Servers[i].Name < r.out.Servers[j].Name })
	for _, d := range r.order {
		sort.Slice(d.m.Servers, func(i, j int) bool { return d.m.Servers[i].Name < d.m.Servers[j].Name })
		sort.Slice(d.m.Networks, func(i, j int) bool { return d.m.Networks[i].Network.VLAN < d.m.Networks[j].Network.VLAN })
	}
	r.out.VRFs = r.vrfs
}

// checkRelays refuses two relayed networks on one leaf and VRF with
// different DHCP servers (isc-dhcp-relay relays every interface it serves
// to every server it is given), once per pair of networks, and relayed
// networks with IPv6 subnets (the relay is DHCPv4's: the SVI needs an IPv4
// address to be the link the server's lease is for).
func (r *resolver) checkRelays() {
	type key struct {
		leaf *device
		vrf  string
	}
	first := map[key]*network{}
	for _, n := range r.nets {
		if len(n.m.Relay) == 0 || n.broken {
			continue
		}
		r.relayFamily(n)
		clash := map[*network][]string{} // the other network, on which leaves
		var order []*network
		for _, d := range n.leaves {
			k := key{d, n.m.VRF}
			o := first[k]
			switch {
			case o == nil:
				first[k] = n
			case !slices.Equal(o.m.Relay, n.m.Relay):
				if clash[o] == nil {
					order = append(order, o)
				}
				clash[o] = append(clash[o], d.m.Name)
			}
		}
		for _, o := range order {
			r.errs = append(r.errs, field.Invalid(n.path.Child("relay"), fmt.Sprint(n.m.Relay), fmt.Sprintf(
				"%s relay network %s to %v and network %s to %v: one relay per leaf sends every network to every server; give both networks the same relay list",
				strings.Join(clash[o], ", "), o.m.Name, o.m.Relay, n.m.Name, n.m.Relay)))
			n.broken = true
		}
	}
}

// relayFamily refuses a relayed network's first IPv6 subnet.
func (r *resolver) relayFamily(n *network) {
	for _, sn := range n.m.Subnets {
		if sn.Prefix.Addr().Is4() {
			continue
		}
		p, v := n.path.Child("pool"), n.in.Pool
		if e := n.explicitPath[r.devs[sn.Leaf.Name]]; e != nil {
			p, v = e, sn.Prefix.String()
		}
		r.errs = append(r.errs, field.Invalid(p, v, fmt.Sprintf(
			"network %s relays DHCP (relay), which is DHCPv4: its subnet on %s must be IPv4; give it an IPv4 pool or subnet, or drop relay",
			n.m.Name, sn.Leaf.Name)))
		n.broken = true
		return
	}
}

// networkPrefixes returns the subnets of d's networks in instance vrf.
func networkPrefixes(d *model.Device, vrf string) []netip.Prefix {
	var out []netip.Prefix
	for _, sn := range d.Networks {
		if sn.Network.VRF == vrf {
			out = append(out, sn.Prefixes()...)
		}
	}
	return out
}

// markEVPN sets Device.EVPN on every leaf with a VRF and, when there is
// one, every spine and superspine, and Session.EVPN between two of them.
func markEVPN(f *model.Fabric) {
	if len(f.VRFs) == 0 {
		return
	}
	for _, d := range f.Devices {
		d.EVPN = d.Role == model.RoleSpine || d.Role == model.RoleSuperspine || d.Role == model.RoleLeaf && len(d.Instances) > 1
	}
	for _, d := range f.Devices {
		for _, s := range d.Sessions() {
			s.EVPN = s.Fabric() && d.EVPN && s.Peer.EVPN
		}
	}
}
