package nvue

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/platform"
)

// bridgeDomainName is NVUE's name of the model's one VLAN-aware bridge
// (model.BridgeName): the default bridge domain every switch has.
const bridgeDomainName = "br_default"

// l2vpnEVPN is NVUE's name of the EVPN address family.
const l2vpnEVPN = "l2vpn-evpn"

// interfaces renders d.Interfaces as resolve lists them: the loopback, swp
// ports (routed, access, trunk, bond member) with their MTU when the
// intent gives one, bonds, SVIs, and the bridge, which NVUE holds outside
// the interface list (bridge domain br_default). A kind it does not know
// is an error: rendered as a plain swp it would be a port without its
// configuration.
func interfaces(d *model.Device) (map[string]*iface, *bridge, error) {
	m := make(map[string]*iface, len(d.Interfaces))
	var br *bridge
	for _, in := range d.Interfaces {
		var i *iface
		if bridgePortKind(in.Kind) && in.Access == 0 && len(in.VLANs) == 0 {
			return nil, nil, fmt.Errorf("interface %s: a bridge port without a VLAN (NVUE would give it every VLAN of the bridge)", in.Name)
		}
		switch in.Kind {
		case model.KindLoopback:
			i = &iface{Type: "loopback", IP: &ifaceIP{Address: addrSet(in.Addrs)}}
		case model.KindRouted:
			i = routed(in)
		case model.KindAccess, model.KindTrunk:
			i = &iface{Type: "swp", Bridge: bridgePortOf(in), Link: mtu(in)}
		case model.KindMember:
			i = &iface{Type: "swp", Link: mtu(in)}
		case model.KindBond:
			i = bondOf(in)
		case model.KindSVI:
			i = sviOf(in)
		case model.KindBridge:
			br = bridgeOf(in)
			continue
		default:
			return nil, nil, fmt.Errorf("interface %s: kind %q is not rendered for NVUE", in.Name, in.Kind)
		}
		if in.Instance != model.DefaultInstance && in.Instance != "" {
			if i.IP == nil {
				i.IP = &ifaceIP{}
			}
			i.IP.VRF = platform.VRFName(model.PlatformNVUE, in.Instance)
		}
		m[in.Name] = i
	}
	return m, br, nil
}

// routed is a layer-3 port: a fabric link's end (its link MTU, even
// unset: `link: {}`) and the gateways of the server subnets on it.
func routed(in *model.Interface) *iface {
	i := &iface{Type: "swp"}
	if in.Port != nil || in.MTU > 0 {
		i.Link = &link{MTU: in.MTU}
	}
	if len(in.Addrs) > 0 {
		i.IP = &ifaceIP{Address: addrSet(in.Addrs)}
	}
	return i
}

func bridgePortKind(k model.InterfaceKind) bool {
	return k == model.KindAccess || k == model.KindTrunk || k == model.KindBond
}

func mtu(in *model.Interface) *link {
	if in.MTU == 0 {
		return nil
	}
	return &link{MTU: in.MTU}
}

// bridgePortOf is a bridge port's VLANs: an access port's one untagged
// VLAN, or a trunk's tagged VLANs with its native VLAN (also in the
// list, as NVUE wants it) or "none", so that untagged frames are dropped
// rather than put in the bridge's default VLAN 1.
func bridgePortOf(in *model.Interface) *portBridge {
	p := &bridgePort{}
	switch {
	case len(in.VLANs) == 0:
		p.Access = in.Access
	case in.Access == 0:
		p.Untagged, p.VLAN = "none", vlanSet(in.VLANs)
	default:
		p.Untagged, p.VLAN = in.Access, vlanSet(append(slices.Clone(in.VLANs), in.Access))
	}
	return &portBridge{Domain: map[string]*bridgePort{bridgeDomainName: p}}
}

// bondOf is a server's LACP bond (mode lacp, NVUE's 802.3ad) in the
// bridge as a port is; LACP bypass lets one member forward before the
// server speaks LACP (a PXE boot).
func bondOf(in *model.Interface) *iface {
	b := &bond{Member: map[string]empty{}, Mode: "lacp"}
	for _, p := range in.Members {
		b.Member[p] = empty{}
	}
	if in.LACPBypass {
		b.LACPBypass = "on"
	}
	return &iface{Type: "bond", Bond: b, Bridge: bridgePortOf(in), Link: mtu(in)}
}

// sviOf is a VLAN's layer-3 interface: the network's gateway.
func sviOf(in *model.Interface) *iface {
	i := &iface{Type: "svi", IP: &ifaceIP{Address: addrSet(in.Addrs)}, Link: mtu(in)}
	if len(in.VLANs) == 1 {
		i.VLAN = in.VLANs[0]
	}
	return i
}

func bridgeOf(in *model.Interface) *bridge {
	return &bridge{Domain: map[string]*bridgeDomain{bridgeDomainName: {VLAN: vlanSet(in.VLANs)}}}
}

func vlanSet(vlans []int) map[string]empty {
	m := make(map[string]empty, len(vlans))
	for _, v := range vlans {
		m[strconv.Itoa(v)] = empty{}
	}
	return m
}

// vtep reports whether d terminates VXLAN: a leaf with a VRF, whose
// routes it exchanges as EVPN type-5 routes of the VRF's L3VNI.
func vtep(d *model.Device) bool {
	return slices.ContainsFunc(d.Instances, func(in *model.Instance) bool { return in.VRF != nil })
}

// families are the address families of an instance: those its sessions
// carry, or, for a VRF (which has no sessions: its routes cross the
// fabric as EVPN routes), those of what it originates.
func families(in *model.Instance) []model.Family {
	if in.VRF == nil {
		return in.Families()
	}
	var fs []model.Family
	for _, f := range []model.Family{model.IPv4, model.IPv6} {
		if len(model.OfFamily(in.Originated, f)) > 0 {
			fs = append(fs, f)
		}
	}
	return fs
}

// relays renders the DHCP relays, one per VRF: the servers, every
// interface the relay listens on (downstream SVIs and upstream fabric
// ports: NVUE 5.x takes them in one list), and, for RFC 3527 link
// selection, the loopback as the gateway interface with the relay's
// source address (lo's first address would be 127.0.0.1).
func relays(d *model.Device) *service {
	if len(d.Relays) == 0 {
		return nil
	}
	s := &service{DHCPRelay: map[string]*dhcpRelay{}}
	for _, r := range d.Relays {
		dr := &dhcpRelay{Server: map[string]empty{}, Interface: map[string]empty{}}
		for _, a := range r.Servers {
			dr.Server[a.String()] = empty{}
		}
		for _, i := range append(slices.Clone(r.Downstream), r.Upstream...) {
			dr.Interface[i] = empty{}
		}
		if r.LinkSelection {
			dr.GatewayInterface = map[string]*gatewayInterface{model.LoopbackName: {Address: addrString(r.Source)}}
		}
		s.DHCPRelay[platform.VRFName(model.PlatformNVUE, r.Instance)] = dr
	}
	return s
}

func addrString(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	return a.String()
}
