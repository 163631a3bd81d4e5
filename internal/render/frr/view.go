package frr

import (
	"errors"
	"fmt"
	"net/netip"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/platform"
)

// view is what the templates read. Everything the file says is decided
// here, while it is built, or in the small methods below.
type view struct {
	D           *model.Device
	Fabric      string
	Interfaces  []iface
	Anchors     []prefix // the default instance's
	VRFs        []vrf
	PrefixLists []prefixList
	RouteMaps   []routeMap
	Instances   []instance // one `router bgp` each, the default one first
}

// prefix is an address or route with FRR's keyword for its family.
type prefix struct{ netip.Prefix }

// IP is "ip" or "ipv6", as FRR spells the family in `ip address`,
// `ip route` and `ip prefix-list`.
func (p prefix) IP() string {
	if p.Addr().Is4() {
		return "ip"
	}
	return "ipv6"
}

// vrf is a `vrf` stanza of a non-default instance: zebra's side of it,
// the L3VNI that carries its routes (`vni`) and its anchors' blackhole
// routes, which belong in the VRF's table.
type vrf struct {
	Name    string
	VNI     int // 0: none
	Anchors []prefix
}

// iface is an `interface` stanza that sets addresses.
type iface struct {
	Name  string
	Addrs []prefix
}

// prefixList is one `ip prefix-list` or `ipv6 prefix-list`: FRR keeps the
// two families in separate lists even under one name.
type prefixList struct {
	IP, Name string
	Entries  []prefixEntry
}

type prefixEntry struct {
	Seq    int
	Prefix netip.Prefix
	Ge, Le int // 0: not said (both 0: exact match)
}

// routeMap is one route-map with its entries in sequence order.
type routeMap struct {
	Name    string
	Entries []routeMapEntry
}

type routeMapEntry struct {
	Action string // "permit" or "deny"
	Seq    int
	Match  string // "" matches everything
}

func newView(f *model.Fabric, d *model.Device, opt Options) (*view, error) {
	if len(d.Instances) == 0 {
		return nil, errors.New("the device has no routing instance (resolve builds them; a model built by hand gets them from resolve.Derive)")
	}
	if d.BGP.MaximumPaths < 1 {
		return nil, fmt.Errorf("maximum-paths %d: want at least 1", d.BGP.MaximumPaths)
	}
	if err := checkPolicyRefs(d); err != nil {
		return nil, err
	}
	v := &view{D: d, Fabric: f.Name, Anchors: wrap(d.Default().Anchors)}
	for _, in := range d.Instances[1:] {
		x := vrf{Name: platform.VRFName(d.Platform, in.Name), Anchors: wrap(in.Anchors)}
		if in.VRF != nil {
			x.VNI = in.VRF.VNI
		}
		if x.VNI != 0 || len(x.Anchors) > 0 {
			v.VRFs = append(v.VRFs, x)
		}
	}
	if opt.OwnAddresses {
		ifs, err := interfaces(d)
		if err != nil {
			return nil, err
		}
		v.Interfaces = ifs
	}
	for _, p := range d.Policies {
		lists, err := prefixLists(p)
		if err != nil {
			return nil, fmt.Errorf("policy %s: %w", p.Name, err)
		}
		v.PrefixLists = append(v.PrefixLists, lists...)
		v.RouteMaps = append(v.RouteMaps, newRouteMap(p.Name, lists))
	}
	for _, in := range d.Instances {
		i, err := newInstance(d, in, opt)
		if err != nil {
			return nil, err
		}
		v.Instances = append(v.Instances, i)
	}
	return v, nil
}

// checkPolicyRefs makes sure every route-map a neighbor uses is rendered:
// FRR accepts a reference to an undefined route-map, and then denies
// everything on that session.
func checkPolicyRefs(d *model.Device) error {
	known := map[*model.Policy]bool{}
	for _, p := range d.Policies {
		known[p] = true
	}
	for _, in := range d.Instances {
		for _, s := range in.Sessions {
			for _, p := range []*model.Policy{s.Import, s.Export} {
				if p != nil && !known[p] {
					return fmt.Errorf("session with %s uses policy %s, which is not among the device's policies", s.Neighbor(), p.Name)
				}
			}
		}
	}
	return nil
}

// interfaces are the stanzas of the device's interfaces that have
// addresses, in the device's order (resolve's: loopback first, then ports
// in natural order). Unnumbered ports need nothing from FRR: IPv6
// link-local is automatic.
func interfaces(d *model.Device) ([]iface, error) {
	var out []iface
	for _, i := range d.Interfaces {
		if i.Instance != "" && i.Instance != model.DefaultInstance {
			// The VRF device is the address owner's to create, and
			// no renderer of underlay creates one yet.
			return nil, fmt.Errorf("interface %s is in instance %s: FRR renders addresses of the default instance only", i.Name, i.Instance)
		}
		if len(i.Addrs) > 0 {
			out = append(out, iface{Name: i.Name, Addrs: wrap(i.Addrs)})
		}
	}
	return out, nil
}

func wrap(ps []netip.Prefix) []prefix {
	out := make([]prefix, len(ps))
	for i, p := range ps {
		out[i] = prefix{p}
	}
	return out
}
