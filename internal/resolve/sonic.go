package resolve

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"underlay.dev/underlay/internal/model"
)

// SONiC routing modes: in unified mode (DEVICE_METADATA
// docker_routing_config_mode) FRR runs what docker-fpm-frr's frr.conf.j2
// and bgpcfgd's "general" peer templates render from BGP_NEIGHBOR; in split
// mode it runs underlay's frr.conf.
const (
	SONiCUnified = "unified"
	SONiCSplit   = "split"
)

// bgpcfgdMaximumPaths is the lowest maximum-paths bgpd.main.conf.j2 renders
// on any SONiC image: constants.yml's maximum_paths is 64 on older images
// and 514 on current ones (files/build_templates/constants.yml.j2).
const bgpcfgdMaximumPaths = 64

// sonicModes resolves every SONiC device's routing mode into
// Sonic.RoutingMode. A pinned unified mode that cannot carry the device's
// routing is an error at sonic.routingMode naming what unified lacks.
func (r *resolver) sonicModes() {
	for _, d := range r.order {
		m := d.m
		if m.Platform != model.PlatformSONiC {
			continue
		}
		why := SONiCSplitReason(m)
		switch {
		case m.Sonic.RoutingMode == SONiCUnified && why != "":
			r.errs = append(r.errs, field.Invalid(d.path.Child("sonic", "routingMode"), SONiCUnified,
				"unified mode (bgpcfgd's templates) cannot carry this device's routing: "+why+
					"; use routingMode: split, or remove routingMode and underlay picks split"))
		case m.Sonic.RoutingMode == "" && why != "":
			m.Sonic.RoutingMode = SONiCSplit
		case m.Sonic.RoutingMode == "":
			m.Sonic.RoutingMode = SONiCUnified
		}
	}
}

// SONiCSplitReason says why unified mode would not run d's routing exactly
// as underlay's frr.conf does (and verify predicts), or returns "" when it
// would. When in doubt it gives a reason: split mode is always exact.
//
// What unified mode renders (sonic-buildimage dockers/docker-fpm-frr/frr):
// `network` for Loopback0's first IPv4 address (and its IPv6 one as a /64),
// `bgp bestpath as-path multipath-relax`, maximum-paths 64 or 514 in both
// families, no `bgp bestpath compare-routerid` (so FRR keeps the oldest of
// equal eBGP paths), per-neighbor timers from BGP_NEIGHBOR holdtime and
// keepalive, `timers connect 10`, and permit-all FROM_/TO_BGP_PEER route-maps
// on the PEER_V4/PEER_V6 peer groups; IPv4 neighbors only by address.
func SONiCSplitReason(d *model.Device) string {
	for _, check := range []func(*model.Device) string{sonicEVPN, sonicDesign, sonicSessions, sonicLoopbacks, sonicBGP, sonicPaths} {
		if why := check(d); why != "" {
			return why
		}
	}
	return ""
}

// sonicEVPN: the templates render the default instance's IPv4 and IPv6
// unicast only, so neither a VRF with its L3VNI nor a spine's l2vpn evpn
// sessions exist in unified mode.
func sonicEVPN(d *model.Device) string {
	switch {
	case len(d.Instances) > 1:
		return "it routes VRF " + d.Instances[1].Name + " (router bgp vrf, vni, l2vpn evpn), which bgpcfgd's templates do not render"
	case d.EVPN:
		return "it carries the fabric's EVPN routes (address-family l2vpn evpn), which bgpcfgd's templates do not render"
	}
	return ""
}

func sonicDesign(d *model.Device) string {
	switch {
	case d.Role == model.RoleLeaf || d.Role == model.RoleHost:
		return "a " + string(d.Role) + " announces subnets and filters what it sends its uplinks (route-maps the templates do not render)"
	case len(d.Subnets) > 0:
		return "it announces server subnets"
	case len(d.Policies) > 0:
		return "it has route policies"
	}
	return ""
}

func sonicSessions(d *model.Device) string {
	for _, s := range d.Sessions() {
		if s.Group != nil {
			return "group " + s.Group.Name + " listens for sessions, and bgpcfgd's BGP_PEER_RANGE template makes passive, multihop peers with route maps of its own"
		}
		byInterface := s.Unnumbered || (s.External != nil && s.External.Interface != "")
		if byInterface || !s.Carries(model.IPv4) || len(s.Families) != 1 || s.Import != nil || s.Export != nil {
			name := s.Description()
			if s.Fabric() {
				name = s.Peer.Name
			}
			return "the session to " + name + " is unnumbered, IPv6 or filtered (BGP_NEIGHBOR holds numbered IPv4 peers without policy)"
		}
	}
	return ""
}

func sonicLoopbacks(d *model.Device) string {
	v4 := 0
	for _, lo := range d.Loopbacks {
		if lo.Addr().Is6() {
			return "it has an IPv6 loopback, which the template announces as a /64"
		}
		v4++
	}
	if v4 != 1 {
		return fmt.Sprintf("it has %d IPv4 loopbacks and the template announces only Loopback0's first", v4)
	}
	return ""
}

// sonicBGP compares the BGP settings with what the template fixes. Timers
// are carried (BGP_NEIGHBOR holdtime/keepalive); maximum-paths is checked
// with the paths themselves (sonicPaths). With multipath-relax off the
// template cannot be made to match at all.
func sonicBGP(d *model.Device) string {
	if !d.BGP.MultipathRelax {
		return "spec.bgp.multipathRelax is false, but the template always sets bgp bestpath as-path multipath-relax"
	}
	return ""
}

// sonicPaths works out, for every prefix, the equal-length paths the
// device receives, and fails when the template would treat them otherwise
// than underlay's frr.conf:
//   - more of them than the intent's maximumPaths or the template's (64 or
//     514): the limit binds differently;
//   - different AS paths among them: without compare-routerid FRR keeps the
//     oldest of equal eBGP paths, so which one the device advertises (and
//     so what its neighbours may accept) would depend on session arrival
//     order, where frr.conf (and verify) break the tie by router ID.
//
// It is exact for a spine of a 3-stage fabric: leaves announce to it only
// their own prefixes and their hosts' (UNDERLAY-EXPORT-UPLINK), hosts only
// their own, each session brings one path per prefix (no add-path), and a
// failure only removes paths. Anything peering with a spine or superspine
// gets a reason: those pass everything, and underlay does not prove their
// paths alike.
func sonicPaths(d *model.Device) string {
	if d.Role != model.RoleSpine {
		return "a " + string(d.Role) + " learns other pods' routes from several neighbours that pass everything, and the template keeps the oldest of equal paths (no compare-routerid)"
	}
	shortest := map[netip.Prefix][]arrival{}
	for _, s := range d.Sessions() {
		if s.External != nil { // a stub: it originates what it announces
			for _, p := range model.OfFamily(s.External.Announces, model.IPv4) {
				keepShortest(shortest, p, arrival{[]model.ASN{s.External.ASN}, s.External.Name})
			}
			continue
		}
		n := s.Peer
		if n.Role == model.RoleSpine || n.Role == model.RoleSuperspine {
			return "it peers with " + string(n.Role) + " " + n.Name + ", which passes everything, and the template keeps the oldest of equal paths (no compare-routerid)"
		}
		// sonicSessions has made every session IPv4-only by now.
		for _, p := range n.OriginatedOf(model.IPv4) {
			keepShortest(shortest, p, arrival{[]model.ASN{n.ASN}, n.Name})
		}
		if n.Role != model.RoleLeaf {
			continue
		}
		for _, hs := range n.Sessions() {
			if !hs.Fabric() {
				return "leaf " + n.Name + " peers beyond the fabric (" + hs.Description() + "), and underlay does not prove the paths it passes on alike"
			}
			if hs.Peer.Role == model.RoleHost {
				for _, p := range hs.Peer.OriginatedOf(model.IPv4) {
					keepShortest(shortest, p, arrival{[]model.ASN{n.ASN, hs.Peer.ASN}, n.Name})
				}
			}
		}
	}
	return pathsReason(d, shortest)
}

// arrival is one path to a prefix: its AS path and the neighbour it comes from.
type arrival struct {
	asPath []model.ASN
	via    string
}

func keepShortest(m map[netip.Prefix][]arrival, p netip.Prefix, a arrival) {
	cur := m[p]
	switch {
	case len(cur) > 0 && len(cur[0].asPath) < len(a.asPath):
		return
	case len(cur) > 0 && len(cur[0].asPath) > len(a.asPath):
		cur = nil
	}
	m[p] = append(cur, a)
}

// pathsReason checks each prefix's equal paths, lowest prefix first.
func pathsReason(d *model.Device, m map[netip.Prefix][]arrival) string {
	prefixes := make([]netip.Prefix, 0, len(m))
	for p := range m {
		prefixes = append(prefixes, p)
	}
	sort.Slice(prefixes, func(i, j int) bool { return model.ComparePrefix(prefixes[i], prefixes[j]) < 0 })
	for _, p := range prefixes {
		as := m[p]
		switch {
		case len(as) > d.BGP.MaximumPaths:
			return fmt.Sprintf("%s arrives over %d equal paths, more than bgp.maximumPaths %d, "+
				"but the template renders maximum-paths %d or more", p, len(as), d.BGP.MaximumPaths, bgpcfgdMaximumPaths)
		case len(as) > bgpcfgdMaximumPaths:
			return fmt.Sprintf("%s arrives over %d equal paths, more than the maximum-paths %d older SONiC images render",
				p, len(as), bgpcfgdMaximumPaths)
		}
		for _, a := range as[1:] {
			if !slices.Equal(a.asPath, as[0].asPath) {
				return fmt.Sprintf("%s arrives over equal-length paths with different AS paths (via %s and %s), and the template "+
					"keeps the oldest of them (no compare-routerid), so what it advertises would depend on session order", p, as[0].via, a.via)
			}
		}
	}
	return ""
}
