package frr

import (
	"errors"
	"fmt"
	"net/netip"
	"sort"

	"underlay.dev/underlay/internal/model"
)

// connectRetry is the seconds between attempts to open a BGP session. FRR's
// default depends on the profile the daemons run with (datacenter 10,
// traditional 120, which Debian's package uses), so a host could wait two
// minutes to bring a session back. FRR 8.4 sets it per neighbor only.
const connectRetry = 10

// view is what the templates read. Everything the file says is decided
// here, while it is built, or in the small methods below.
type view struct {
	D           *model.Device
	Fabric      string
	Interfaces  []iface
	Anchors     []prefix
	PrefixLists []prefixList
	RouteMaps   []routeMap
	Neighbors   []session
	Families    []family
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

// session is one BGP neighbor.
type session struct{ *model.Session }

// ID is how FRR names the neighbor: its address, or the port for an
// unnumbered session.
func (s session) ID() string {
	if s.Unnumbered {
		return s.Port
	}
	return s.PeerAddr.String()
}

// ConnectRetry is the neighbor's connect timer.
func (session) ConnectRetry() int { return connectRetry }

// Description names the other end, as "device:port".
func (s session) Description() string { return s.Peer.Name + ":" + s.PeerPort }

// RouteMapIn names the import route-map; "" accepts everything.
func (s session) RouteMapIn() string { return policyName(s.Import) }

// RouteMapOut names the export route-map; "" announces everything.
func (s session) RouteMapOut() string { return policyName(s.Export) }

func policyName(p *model.Policy) string {
	if p == nil {
		return ""
	}
	return p.Name
}

// family is one `address-family ... unicast` block.
type family struct {
	AFI          string // "ipv4" or "ipv6"
	Networks     []netip.Prefix
	Sessions     []session
	MaximumPaths int
}

func newView(f *model.Fabric, d *model.Device, opt Options) (*view, error) {
	if d.ASN == 0 || !d.RouterID.Is4() {
		return nil, errors.New("a device needs an ASN and an IPv4 router ID")
	}
	if d.BGP.MaximumPaths < 1 {
		return nil, fmt.Errorf("maximum-paths %d: want at least 1", d.BGP.MaximumPaths)
	}
	if err := checkPolicyRefs(d); err != nil {
		return nil, err
	}
	v := &view{D: d, Fabric: f.Name, Anchors: anchors(d)}
	if opt.OwnAddresses {
		v.Interfaces = interfaces(d)
	}
	for _, p := range d.Policies {
		lists, err := prefixLists(p)
		if err != nil {
			return nil, fmt.Errorf("policy %s: %w", p.Name, err)
		}
		v.PrefixLists = append(v.PrefixLists, lists...)
		v.RouteMaps = append(v.RouteMaps, newRouteMap(p.Name, lists))
	}
	for _, s := range d.Sessions {
		v.Neighbors = append(v.Neighbors, session{s})
	}
	for _, fam := range d.FabricFamilies() {
		v.Families = append(v.Families, newFamily(d, fam))
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
	for _, s := range d.Sessions {
		for _, p := range []*model.Policy{s.Import, s.Export} {
			if p != nil && !known[p] {
				return fmt.Errorf("session on %s uses policy %s, which is not among the device's policies", s.Port, p.Name)
			}
		}
	}
	return nil
}

// interfaces lists the addresses FRR owns when no other tool does: the
// loopbacks, numbered ports, and subnet gateways, ports in natural order.
func interfaces(d *model.Device) []iface {
	out := []iface{{Name: "lo", Addrs: wrap(d.Loopbacks)}}
	onPort := map[string]int{} // index into out
	for _, p := range d.Ports {
		onPort[p.Name] = len(out)
		out = append(out, iface{Name: p.Name, Addrs: wrap(p.Addrs)})
	}
	var extra []iface
	onExtra := map[string]int{} // index into extra
	for _, s := range d.Subnets {
		if s.Port == "" {
			continue // anchored by a blackhole route instead
		}
		if i, ok := onPort[s.Port]; ok {
			out[i].Addrs = append(out[i].Addrs, prefix{s.Gateway})
		} else if i, ok := onExtra[s.Port]; ok {
			extra[i].Addrs = append(extra[i].Addrs, prefix{s.Gateway})
		} else {
			onExtra[s.Port] = len(extra)
			extra = append(extra, iface{Name: s.Port, Addrs: []prefix{{s.Gateway}}})
		}
	}
	sort.SliceStable(extra, func(i, j int) bool { return model.NaturalLess(extra[i].Name, extra[j].Name) })
	// Unnumbered ports need nothing from FRR: IPv6 link-local is automatic.
	var kept []iface
	for _, i := range merge(out, extra) {
		if len(i.Addrs) > 0 {
			kept = append(kept, i)
		}
	}
	return kept
}

// merge inserts the subnet-only ports among the device's ports (lo first,
// then ports in natural order) without reordering those.
func merge(ports, extra []iface) []iface {
	out := make([]iface, 0, len(ports)+len(extra))
	for i, p := range ports {
		for i > 0 && len(extra) > 0 && model.NaturalLess(extra[0].Name, p.Name) {
			out, extra = append(out, extra[0]), extra[1:]
		}
		out = append(out, p)
	}
	return append(out, extra...)
}

// anchors are the blackhole routes that put subnets without a port into
// the RIB, so their `network` statements pass FRR's import check.
func anchors(d *model.Device) []prefix {
	var out []prefix
	for _, s := range d.Subnets {
		if s.Port == "" {
			out = append(out, prefix{s.Prefix})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return model.ComparePrefix(out[i].Prefix, out[j].Prefix) < 0 })
	return out
}

func wrap(ps []netip.Prefix) []prefix {
	out := make([]prefix, len(ps))
	for i, p := range ps {
		out[i] = prefix{p}
	}
	return out
}
