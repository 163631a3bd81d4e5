package resolve

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"

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
// different DHCP servers: isc-dhcp-relay relays every interface it serves
// to every server it is given.
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
		for _, d := range n.leaves {
			k := key{d, n.m.VRF}
			o := first[k]
			if o == nil {
				first[k] = n
				continue
			}
			if !slices.Equal(o.m.Relay, n.m.Relay) {
				r.errs = append(r.errs, field.Invalid(n.path.Child("relay"), fmt.Sprint(n.m.Relay), fmt.Sprintf(
					"%s relays network %s to %v and network %s to %v: one relay per leaf sends every network to every server; give both networks the same relay list",
					d.m.Name, o.m.Name, o.m.Relay, n.m.Name, n.m.Relay)))
				n.broken = true
			}
		}
	}
}

// networkPrefixes returns the subnets of d's networks in instance vrf.
func networkPrefixes(d *model.Device, vrf string) []netip.Prefix {
	var out []netip.Prefix
	for _, sn := range d.Networks {
		if sn.Network.VRF == vrf {
			out = append(out, sn.Prefix)
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
