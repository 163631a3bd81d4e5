package nvuedoc

// The parts of NVUE's object model that server networks use (Cumulus
// Linux 5.5-5.13): bridge domains and their ports, bonds, SVIs, EVPN and
// the VXLAN tunnel source, VRFs with L3VNIs, and the DHCP relay.

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/platform"
)

var (
	servers = platform.MustGet(model.PlatformNVUE).Servers
	// sviName: an SVI named vlanN is VLAN N's.
	sviName = regexp.MustCompile(`^vlan([0-9]+)$`)
	// peerFamily are the neighbor address families NVUE has and underlay
	// uses.
	peerFamily = map[string]bool{"ipv4-unicast": true, "ipv6-unicast": true, "l2vpn-evpn": true}
)

// vlanID parses a VLAN ID (a key, or a number as decoded).
func vlanID(raw any) (int, bool) {
	var n int
	switch x := raw.(type) {
	case string:
		i, err := strconv.Atoi(x)
		if err != nil {
			return 0, false
		}
		n = i
	case float64:
		if x != float64(int(x)) {
			return 0, false
		}
		n = int(x)
	default:
		return 0, false
	}
	return n, n >= 1 && n <= 4094
}

// bridges reads each bridge domain's VLANs: valid IDs, none that Cumulus
// Linux reserves for itself.
func (v *validator) bridges(path string, domains map[string]any) {
	for name, raw := range domains {
		vlans := map[int]bool{}
		for k := range obj(map[string]any{"x": raw}, "x", "vlan") {
			n, ok := vlanID(k)
			switch r := servers.Reserved(n); {
			case !ok:
				v.fail("%s.%s.vlan: %q is not a VLAN ID 1-4094", path, name, k)
			case r != nil:
				v.fail("%s.%s.vlan.%s: VLAN %d is reserved: %s", path, name, k, n, r)
			}
			vlans[n] = true
		}
		v.vlans[name] = vlans
	}
}

// bridgePort checks an interface's bridge domains: domains of the
// document, an access VLAN or a VLAN list (not both) of the domain's
// VLANs, and an untagged VLAN that is "none" or one of the port's.
func (v *validator) bridgePort(path string, domains map[string]any) {
	for name, raw := range domains {
		p := path + "." + name
		dom, ok := v.vlans[name]
		if !ok {
			v.fail("%s: bridge domain %s does not exist", p, name)
			continue
		}
		m, _ := raw.(map[string]any)
		port := map[int]bool{}
		for k := range obj(m, "vlan") {
			n, ok := vlanID(k)
			if !ok || !dom[n] {
				v.fail("%s.vlan: VLAN %s is not a VLAN of bridge domain %s", p, k, name)
			}
			port[n] = true
		}
		if a, ok := m["access"]; ok {
			if n, ok := vlanID(a); !ok || !dom[n] {
				v.fail("%s.access: VLAN %v is not a VLAN of bridge domain %s", p, a, name)
			}
			if len(port) > 0 {
				v.fail("%s: an access port has no VLAN list", p)
			}
		}
		if u, ok := m["untagged"]; ok && u != "none" {
			n, ok := vlanID(u)
			if !ok || (len(port) > 0 && !port[n]) || !dom[n] {
				v.fail("%s.untagged: want none or one of the port's VLANs, got %v", p, u)
			}
		}
	}
}

// bond checks a bond: named as the platform names bonds, members that are
// swp ports of the document in no other bond, no address or bridge on a
// member, and NVUE's mode and lacp-bypass values.
func (v *validator) bond(path, name string, m map[string]any) {
	if !servers.Bond.Pattern.MatchString(name) {
		v.fail("%s: %q is not a bond name (want %s, such as %s)", path, name, servers.Bond.Pattern, servers.Bond.Example)
	}
	b := obj(m, "bond")
	members := obj(b, "member")
	if len(members) == 0 {
		v.fail("%s.bond.member: a bond has members", path)
	}
	for _, p := range sortedKeys(members) {
		switch other, dup := v.bonded[p]; {
		case v.interfaces[p] != "swp":
			v.fail("%s.bond.member.%s: not a swp interface of this document", path, p)
		case dup:
			v.fail("%s.bond.member.%s: already a member of %s", path, p, other)
		case obj(v.raw[p], "ip", "address") != nil || obj(v.raw[p], "bridge") != nil:
			v.fail("%s.bond.member.%s: a bond member has no address and is no bridge port", path, p)
		}
		v.bonded[p] = name
	}
	if mode, ok := b["mode"]; ok && mode != "lacp" && mode != "static" {
		v.fail("%s.bond.mode: want lacp or static, got %v", path, mode)
	}
	if by, ok := b["lacp-bypass"]; ok && by != "on" && by != "off" {
		v.fail("%s.bond.lacp-bypass: want on or off, got %v", path, by)
	}
}

// svi checks a VLAN interface: its VLAN is one of a bridge domain's, and
// an SVI named vlanN is VLAN N's.
func (v *validator) svi(path, name string, m map[string]any) {
	n, ok := vlanID(m["vlan"])
	if !ok {
		v.fail("%s.vlan: an SVI names its VLAN 1-4094, got %v", path, m["vlan"])
		return
	}
	if s := sviName.FindStringSubmatch(name); s != nil && s[1] != strconv.Itoa(n) {
		v.fail("%s.vlan: %s is VLAN %s's SVI, got %d", path, name, s[1], n)
	}
	for _, dom := range v.vlans {
		if dom[n] {
			return
		}
	}
	v.fail("%s.vlan: VLAN %d is in no bridge domain", path, n)
}

// evpn reads the global EVPN switch and the VXLAN tunnel source (an IPv4
// address), which a VRF's L3VNI needs.
func (v *validator) evpn(path string, root map[string]any) {
	e := obj(root, "evpn")
	if en, ok := e["enable"]; ok && en != "on" && en != "off" {
		v.fail("%s.evpn.enable: want on or off, got %v", path, en)
	}
	v.evpnOn = e["enable"] == "on"
	x := obj(root, "nve", "vxlan")
	if _, ok := x["source"]; !ok {
		return // no tunnel (an empty vxlan object configures nothing)
	}
	a, err := netip.ParseAddr(fmt.Sprint(obj(x, "source")["address"]))
	if err != nil || !a.Is4() {
		v.fail("%s.nve.vxlan.source.address: want an IPv4 address, got %v", path, obj(x, "source")["address"])
	}
	v.vtep = err == nil && x["enable"] != "off"
}

// vrfFamilies checks a VRF's L3VNI (not on vrf default, unique, with EVPN
// and a VXLAN source), its type-5 export (only with an L3VNI), and that
// EVPN neighbors are in a VRF that enables the l2vpn-evpn family.
func (v *validator) vrfFamilies(path, name string, raw any) {
	vnis := obj(map[string]any{"x": raw}, "x", "evpn", "vni")
	for _, k := range sortedKeys(vnis) {
		n, err := strconv.Atoi(k)
		switch other, dup := v.vnis[n]; {
		case err != nil || n < 1 || n > 16777214:
			v.fail("%s.evpn.vni: %q is not a VNI 1-16777214", path, k)
		case name == model.DefaultInstance:
			v.fail("%s.evpn.vni: the default VRF has no L3VNI", path)
		case dup:
			v.fail("%s.evpn.vni.%s: also vrf %s's L3VNI", path, k, other)
		case !v.evpnOn || !v.vtep:
			v.fail("%s.evpn.vni.%s: an L3VNI needs evpn enable on and nve vxlan source address", path, k)
		}
		v.vnis[n] = name
	}
	b := obj(map[string]any{"x": raw}, "x", "router", "bgp")
	for af, a := range obj(b, "address-family") {
		if obj(map[string]any{"x": a}, "x", "route-export", "to-evpn") != nil && len(vnis) == 0 {
			v.fail("%s.router.bgp.address-family.%s.route-export.to-evpn: vrf %s has no L3VNI", path, af, name)
		}
	}
	if af, ok := obj(b, "address-family", "l2vpn-evpn")["enable"]; ok && name != model.DefaultInstance {
		v.fail("%s.router.bgp.address-family.l2vpn-evpn: EVPN peering is in vrf default (enable %v)", path, af)
	}
	evpnOn := obj(b, "address-family", "l2vpn-evpn")["enable"] == "on"
	for _, kind := range []string{"neighbor", "peer-group"} {
		for n, raw := range obj(b, kind) {
			if obj(map[string]any{"x": raw}, "x", "address-family", "l2vpn-evpn")["enable"] == "on" && !evpnOn {
				v.fail("%s.router.bgp.%s.%s.address-family.l2vpn-evpn: the vrf does not enable l2vpn-evpn", path, kind, n)
			}
		}
	}
}

// relays checks each VRF's DHCP relay: a VRF of the document, IPv4
// servers, interfaces of the document, and a gateway interface whose
// address is one it holds.
func (v *validator) relays(path string, relays map[string]any) {
	for vrf, raw := range relays {
		p := path + "." + vrf
		if !v.vrfs[vrf] {
			v.fail("%s: vrf %s does not exist", p, vrf)
		}
		m, _ := raw.(map[string]any)
		if len(obj(m, "server")) == 0 || len(obj(m, "interface")) == 0 {
			v.fail("%s: a relay has servers and interfaces", p)
		}
		for s := range obj(m, "server") {
			if a, err := netip.ParseAddr(s); err != nil || !a.Is4() {
				v.fail("%s.server: %q is not an IPv4 address", p, s)
			}
		}
		for i := range obj(m, "interface") {
			if v.interfaces[i] == "" {
				v.fail("%s.interface.%s: not an interface of this document", p, i)
			}
		}
		for i, g := range obj(m, "gateway-interface") {
			v.gateway(p+".gateway-interface."+i, i, g)
		}
	}
}

func (v *validator) gateway(path, name string, raw any) {
	if v.interfaces[name] == "" {
		v.fail("%s: not an interface of this document", path)
		return
	}
	addr, ok := obj(map[string]any{"x": raw}, "x")["address"]
	if !ok {
		return
	}
	a, err := netip.ParseAddr(fmt.Sprint(addr))
	if err != nil || !a.Is4() {
		v.fail("%s.address: want an IPv4 address, got %v", path, addr)
		return
	}
	for p := range obj(v.raw[name], "ip", "address") {
		if q, err := netip.ParsePrefix(p); err == nil && q.Addr() == a {
			return
		}
	}
	v.fail("%s.address: %s is not an address of %s", path, a, name)
}
