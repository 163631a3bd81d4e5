package resolve

import (
	"slices"
	"sort"

	"underlay.dev/underlay/internal/model"
)

// derive fills what follows from a device's ports, sessions, subnets,
// networks and servers: its interfaces, its VRF instances and relays, and
// the default instance's ASN and router ID. It is the one place these are
// worked out.
func derive(d *model.Device, vrfs map[string]*model.VRF) {
	if len(d.Instances) == 0 { // a device built by hand in a test
		d.Instances = []*model.Instance{{Name: model.DefaultInstance}}
	}
	d.Interfaces = interfaces(d)
	d.Instances = vrfInstances(d, vrfs)
	d.Relays = relays(d)
	in := d.Default()
	in.ASN, in.RouterID = d.ASN, d.RouterID
	in.Anchors = nil
	for _, s := range d.Subnets {
		if s.Port == "" {
			in.Anchors = append(in.Anchors, s.Prefix)
		}
	}
	model.SortPrefixes(in.Anchors)
}

// Derive works out again what follows from the devices' ports, sessions
// and subnets, for a test that changed them after Resolve.
func Derive(f *model.Fabric) {
	vrfs := vrfsByName(f)
	for _, d := range f.Devices {
		derive(d, vrfs)
	}
}

func vrfsByName(f *model.Fabric) map[string]*model.VRF {
	out := map[string]*model.VRF{}
	for _, v := range f.VRFs {
		out[v.Name] = v
	}
	return out
}

// interfaces lists the loopback, then every port in natural order, then
// what servers add after the ports (bonds, the bridge, SVIs): the
// link ends (with their MTU and addresses) and the ports only server
// subnets or an unnumbered external neighbour use (their MTU is not in the
// intent and stays the platform's).
// A subnet's gateway joins its port's addresses after the link's.
func interfaces(d *model.Device) []*model.Interface {
	lo := &model.Interface{Name: model.LoopbackName, Kind: model.KindLoopback,
		Addrs: slices.Clone(d.Loopbacks), Instance: model.DefaultInstance}
	var ports []*model.Interface
	byName := map[string]*model.Interface{}
	for _, p := range d.Ports {
		i := &model.Interface{Name: p.Name, Kind: model.KindRouted, Addrs: slices.Clone(p.Addrs), MTU: p.MTU,
			Unnumbered: p.Unnumbered, Instance: model.DefaultInstance, Port: p}
		byName[p.Name] = i
		ports = append(ports, i)
	}
	for _, s := range d.Subnets {
		if s.Port == "" {
			continue // anchored by a blackhole route: no interface
		}
		i := byName[s.Port]
		if i == nil {
			i = &model.Interface{Name: s.Port, Kind: model.KindRouted, Instance: model.DefaultInstance}
			byName[s.Port] = i
			ports = append(ports, i)
		}
		i.Addrs = append(i.Addrs, s.Gateway)
	}
	for _, s := range d.Sessions() {
		// an external neighbour over a port of its own: no address, the
		// port's IPv6 link-local carries the session
		if s.External != nil && s.External.Interface != "" && byName[s.Port] == nil {
			i := &model.Interface{Name: s.Port, Kind: model.KindRouted, Unnumbered: true, Instance: model.DefaultInstance}
			byName[s.Port] = i
			ports = append(ports, i)
		}
	}
	l2ports, rest := serverInterfaces(d)
	ports = append(ports, l2ports...)
	sort.SliceStable(ports, func(a, b int) bool { return model.NaturalLess(ports[a].Name, ports[b].Name) })
	return append(append([]*model.Interface{lo}, ports...), rest...)
}
