package frr

import (
	"fmt"
	"math"
	"net/netip"
	"slices"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/platform"
)

// connectRetry is the seconds between attempts to open a BGP session. FRR's
// default depends on the profile the daemons run with (datacenter 10,
// traditional 120, which Debian's package uses), so a host could wait two
// minutes to bring a session back. FRR 8.4 sets it per neighbor only.
const connectRetry = 10

// FRR's range of `bgp listen limit`, and its default, which every profile
// shares and the running config never shows.
const (
	listenLimitMax     = 65535
	listenLimitDefault = 100
)

// instance is one `router bgp` block: a routing instance of the device.
type instance struct {
	ASN      model.ASN
	VRF      string // "" for the default instance: `router bgp ASN` alone
	RouterID netip.Addr
	BGP      model.BGP
	// Neighbors are the instance's sessions in the model's order: fabric
	// peers, then external neighbours and groups.
	Neighbors []session
	// ListenLimit is `bgp listen limit`; 0 leaves FRR's default.
	ListenLimit int
	Families    []family
	// EVPN is the instance's `address-family l2vpn evpn`; nil when it
	// carries no EVPN routes.
	EVPN *evpnFamily
}

// evpnFamily is an instance's `address-family l2vpn evpn`. In the default
// instance it activates the EVPN sessions and, on a device with VRFs,
// advertises their VNIs (advertise-all-vni: bgpd learns the L3VNIs from
// zebra only then); a spine activates its sessions and nothing else. In a
// VRF it exports the VRF's unicast routes as type-5 routes.
type evpnFamily struct {
	Sessions        []session
	AdvertiseAllVNI bool
	// Advertise are the unicast AFIs whose routes the VRF exports:
	// `advertise ipv4 unicast`. No route-map filters them: a VRF's
	// unicast table holds its own `network` routes and the type-5 routes
	// imported from other leaves, and bgpd never exports an imported EVPN
	// route back into EVPN (is_route_injectable_into_evpn), so only the
	// VRF's subnets leave the leaf.
	Advertise []string
}

// family is one `address-family ... unicast` block.
type family struct {
	AFI          string // "ipv4" or "ipv6"
	Networks     []netip.Prefix
	Sessions     []session
	MaximumPaths int
	// IBGP: the family has iBGP members (a cluster's), whose paths it
	// spreads as widely as eBGP ones: `maximum-paths ibgp`.
	IBGP bool
}

func newInstance(d *model.Device, in *model.Instance, opt Options) (instance, error) {
	i := instance{ASN: in.ASN, RouterID: in.RouterID, BGP: d.BGP}
	if in.Name != model.DefaultInstance {
		i.VRF = platform.VRFName(d.Platform, in.Name)
	}
	if in.ASN == 0 || !in.RouterID.Is4() {
		return i, fmt.Errorf("instance %s: a BGP instance needs an ASN and an IPv4 router ID", in.Name)
	}
	for _, s := range in.Sessions {
		if err := checkSession(s); err != nil {
			return i, fmt.Errorf("instance %s: %w", in.Name, err)
		}
		if err := s.CheckOptions(in.ASN); err != nil {
			return i, fmt.Errorf("instance %s: %w", in.Name, err)
		}
		i.Neighbors = append(i.Neighbors, session{s})
	}
	limit, err := in.ListenLimitOn("FRR", listenLimitMax, listenLimitDefault)
	if err != nil {
		return i, fmt.Errorf("instance %s: %w", in.Name, err)
	}
	i.ListenLimit = limit
	for _, fam := range families(in) {
		f := family{AFI: string(fam), Networks: model.OfFamily(in.Originated, fam), MaximumPaths: d.BGP.MaximumPaths}
		for _, s := range i.Neighbors {
			if s.Carries(fam) {
				f.Sessions = append(f.Sessions, s)
			}
		}
		f.IBGP = anyInternal(f.Sessions)
		i.Families = append(i.Families, f)
	}
	i.EVPN = newEVPN(d, in, i)
	return i, nil
}

// families are the unicast families the instance runs: those its sessions
// carry and, in a VRF with an L3VNI, those it originates, since such a VRF
// announces its subnets as type-5 routes without a session of its own.
func families(in *model.Instance) []model.Family {
	fs := in.Families()
	if in.VRF == nil {
		return fs
	}
	for _, f := range model.Families(in.Originated) {
		if !slices.Contains(fs, f) {
			fs = append(fs, f)
		}
	}
	slices.Sort(fs) // ipv4 before ipv6
	return fs
}

// newEVPN is the instance's l2vpn evpn family, or nil: the default
// instance of an EVPN device activates its EVPN sessions; a VRF with an
// L3VNI advertises its unicast families.
func newEVPN(d *model.Device, in *model.Instance, i instance) *evpnFamily {
	switch {
	case in.VRF != nil:
		e := &evpnFamily{}
		for _, f := range i.Families {
			e.Advertise = append(e.Advertise, f.AFI)
		}
		return e
	case in.Name != model.DefaultInstance || !d.EVPN:
		return nil
	}
	e := &evpnFamily{}
	for _, s := range i.Neighbors {
		if s.EVPN {
			e.Sessions = append(e.Sessions, s)
		}
	}
	for _, x := range d.Instances {
		e.AdvertiseAllVNI = e.AdvertiseAllVNI || x.VRF != nil
	}
	return e
}

// checkSession refuses a neighbour FRR would run as nothing (a peer group
// without a listen range has no members) or not at all (no ASN, counts
// outside FRR's ranges).
func checkSession(s *model.Session) error {
	g := s.Group
	switch {
	case g != nil && len(g.Listen) == 0:
		return fmt.Errorf("group %s has no listen range: no neighbour could join it", g.Name)
	case g != nil && (g.ListenLimit < 0 || g.MaxPrefixes < 0 || g.MaxPrefixes > math.MaxUint32):
		return fmt.Errorf("group %s: listen limit %d, maximum prefixes %d: want 0 (none) or more, prefixes at most %d",
			g.Name, g.ListenLimit, g.MaxPrefixes, uint32(math.MaxUint32))
	case g == nil && s.PeerASN == 0:
		return fmt.Errorf("neighbor %s (%s) has no ASN", s.Neighbor(), s.Description())
	}
	return nil
}

// session is one BGP neighbor: a fabric peer, an external neighbour, or a
// group (an FRR peer group whose members come from its listen ranges).
type session struct{ *model.Session }

// ConnectRetry is the neighbor's connect timer.
func (session) ConnectRetry() int { return connectRetry }

// OverInterface reports whether the neighbor is named by an interface
// (`neighbor swp1 interface remote-as ...`): BGP unnumbered.
func (s session) OverInterface() bool {
	return s.Group == nil && (s.Unnumbered || (s.External != nil && s.External.Interface != ""))
}

// RemoteAS is the neighbor's `remote-as`: an internal one (iBGP) is
// "internal", a group without an ASN takes any external one.
func (s session) RemoteAS() string {
	if s.Options().Internal {
		return "internal"
	}
	if s.Group != nil {
		if s.Group.ASN == 0 {
			return "external"
		}
		return s.Group.ASN.String()
	}
	return s.PeerASN.String()
}

// MaxPrefixes is the neighbor's `maximum-prefix` in each family; 0 sets
// none.
func (s session) MaxPrefixes() int {
	if s.Group != nil {
		return s.Group.MaxPrefixes
	}
	return 0
}

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
