package resolve

import (
	"slices"
	"sort"

	"underlay.dev/underlay/internal/model"
)

// derive fills what follows from a device's ports, sessions and subnets:
// its interfaces and its routing instances. It is the one place either is
// worked out.
func derive(d *model.Device) {
	d.Interfaces = interfaces(d)
	d.Instances = []*model.Instance{{Name: model.DefaultInstance, ASN: d.ASN, RouterID: d.RouterID,
		Sessions: d.Sessions, Originated: d.Originated}}
}

// Derive fills Interfaces and Instances of a model built by hand (tests),
// as Resolve does.
func Derive(f *model.Fabric) {
	for _, d := range f.Devices {
		derive(d)
	}
}

// interfaces lists the loopback, then every port in natural order: the
// link ends (with their MTU and addresses) and the ports only server
// subnets use (their MTU is not in the intent and stays the platform's).
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
	sort.SliceStable(ports, func(a, b int) bool { return model.NaturalLess(ports[a].Name, ports[b].Name) })
	return append([]*model.Interface{lo}, ports...)
}
