package nvuefrr

// The layer-2 part of a document (server networks): bridge domain
// br_default and its VLANs, bridge ports (swp ports and bonds), SVIs,
// and the DHCP relay. NVUE's backend writes these to ifupdown2 and
// /etc/default/isc-dhcp-relay-<vrf>; Translate hands them to the lab as
// L2 and RelayFiles, which stands in for them.

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// L2 is the bridge of a switch and what hangs off it.
type L2 struct {
	Bridge string // br_default
	VLANs  []int  // sorted
	Ports  []Port // bridge ports, by name
	SVIs   []SVI  // by VLAN
}

// Port is a bridge port: a swp port or a bond of swp ports.
type Port struct {
	Name string
	// Members are a bond's ports, sorted; empty for a swp port.
	Members []string
	// LACP: a bond runs LACP (mode lacp); LACPBypass lets one member
	// forward before the partner speaks LACP.
	LACP, LACPBypass bool
	// MTU is a bond's (a swp port's is in Result.MTU); 0 when unset.
	MTU int
	// Access is an access port's VLAN; otherwise VLANs are a trunk's
	// (sorted) and Native its untagged VLAN (0: none, untagged frames are
	// dropped).
	Access int
	VLANs  []int
	Native int
}

// SVI is a VLAN's layer-3 interface; its addresses are in
// Result.Addresses.
type SVI struct {
	Name string
	VLAN int
	VRF  string // "" for default
	MTU  int
}

var bondName = regexp.MustCompile(`^bond[0-9a-z]{1,11}$`)

// bridge reads bridge domain br_default's VLANs (VLAN IDs whose value is
// {}: underlay maps no L2VNI).
func (p *parser) bridge(v any, res *Result) {
	doms := p.obj("bridge.domain", p.obj("bridge", v, "domain")["domain"], "br_default")
	d, ok := doms["br_default"]
	if !ok {
		return
	}
	path := "bridge.domain.br_default"
	vlans := p.obj(path+".vlan", p.obj(path, d, "vlan")["vlan"])
	res.L2 = &L2{Bridge: "br_default"}
	p.d.vlans = map[int]bool{}
	for _, k := range keys(vlans) {
		p.empty(path+".vlan."+k, vlans[k])
		n := int(p.id(path+".vlan."+k, k, 1, 4094))
		p.d.vlans[n] = true
		res.L2.VLANs = append(res.L2.VLANs, n)
	}
	slices.Sort(res.L2.VLANs)
}

// l2Interface reads a bond, an SVI or a swp port's bridge membership into
// res.L2, and reports whether the interface is L2's alone (a bond or an
// SVI: no kernel device of its own here).
func (p *parser) l2Interface(path, name, typ string, i map[string]any, res *Result) bool {
	mtu := 0
	if m, ok := p.obj(path+".link", i["link"], "mtu")["mtu"]; ok {
		mtu = int(p.num(path+".link.mtu", m, 552, 9216))
	}
	switch typ {
	case "bond":
		p.failIf(!bondName.MatchString(name), path, ErrInvalid, "%q is not a bond name (bondN)", name)
		port := p.bond(path+".bond", i["bond"])
		port.Name, port.MTU = name, mtu
		p.bridgePort(path+".bridge", i["bridge"], &port)
		l := p.l2(path, res)
		l.Ports = append(l.Ports, port)
		return true
	case "svi":
		svi := SVI{Name: name, VLAN: int(p.num(path+".vlan", i["vlan"], 1, 4094)), MTU: mtu}
		p.failIf(!p.d.vlans[svi.VLAN], path+".vlan", ErrInvalid, "VLAN %d is not a VLAN of bridge domain br_default", svi.VLAN)
		svi.VRF = p.str(path+".ip.vrf", p.obj(path+".ip", i["ip"], "address", "vrf")["vrf"], false)
		p.failIf(i["bond"] != nil || i["bridge"] != nil, path, ErrInvalid, "an SVI is no bond and no bridge port")
		l := p.l2(path, res)
		l.SVIs = append(l.SVIs, svi)
		return true
	}
	p.failIf(i["vlan"] != nil, path+".vlan", ErrUnknownKey, "only an SVI has a vlan")
	p.failIf(i["bond"] != nil, path+".bond", ErrUnknownKey, "only a bond has bond settings")
	if i["bridge"] != nil {
		port := Port{Name: name}
		p.bridgePort(path+".bridge", i["bridge"], &port)
		l := p.l2(path, res)
		l.Ports = append(l.Ports, port)
	}
	return false
}

// l2 is res.L2, which a bridge port or an SVI needs.
func (p *parser) l2(path string, res *Result) *L2 {
	if res.L2 == nil {
		p.fail(path, ErrInvalid, "a bridge port or SVI without bridge domain br_default")
		res.L2 = &L2{}
	}
	return res.L2
}

func (p *parser) bond(path string, v any) Port {
	b := p.obj(path, v, "member", "mode", "lacp-bypass")
	port := Port{LACP: true}
	members := p.obj(path+".member", b["member"])
	p.failIf(len(members) == 0, path+".member", ErrInvalid, "a bond has members")
	for _, m := range keys(members) {
		p.empty(path+".member."+m, members[m])
		p.failIf(!swpName.MatchString(m), path+".member."+m, ErrInvalid, "a bond member is a swp port")
		port.Members = append(port.Members, m)
	}
	mode := p.str(path+".mode", b["mode"], false)
	p.failIf(mode != "" && mode != "lacp", path+".mode", ErrInvalid, "only mode lacp is emulated, got %q", mode)
	port.LACPBypass = p.on(path+".lacp-bypass", b["lacp-bypass"], false)
	return port
}

// bridgePort reads a port's br_default membership: an access VLAN, or a
// trunk's VLANs and untagged VLAN (a number, or none).
func (p *parser) bridgePort(path string, v any, port *Port) {
	dom := p.obj(path+".domain", p.obj(path, v, "domain")["domain"], "br_default")
	if dom == nil {
		return
	}
	path += ".domain.br_default"
	m := p.obj(path, dom["br_default"], "access", "untagged", "vlan")
	inBridge := func(k string, n int) {
		p.failIf(!p.d.vlans[n], k, ErrInvalid, "VLAN %d is not a VLAN of bridge domain br_default", n)
	}
	if a, ok := m["access"]; ok {
		port.Access = int(p.num(path+".access", a, 1, 4094))
		inBridge(path+".access", port.Access)
		p.failIf(m["vlan"] != nil || m["untagged"] != nil, path, ErrInvalid, "an access port has no VLAN list or untagged VLAN")
		return
	}
	vlans := p.obj(path+".vlan", m["vlan"])
	p.failIf(len(vlans) == 0, path, ErrInvalid, "a trunk lists its VLANs (NVUE's default, all of them, is not rendered)")
	for _, k := range keys(vlans) {
		p.empty(path+".vlan."+k, vlans[k])
		n := int(p.id(path+".vlan."+k, k, 1, 4094))
		inBridge(path+".vlan."+k, n)
		port.VLANs = append(port.VLANs, n)
	}
	slices.Sort(port.VLANs)
	switch u := m["untagged"]; u {
	case "none":
	case nil:
		p.fail(path+".untagged", ErrInvalid, "a trunk says its untagged VLAN or none (NVUE's default is the bridge's VLAN 1)")
	default:
		port.Native = int(p.num(path+".untagged", u, 1, 4094))
		p.failIf(!slices.Contains(port.VLANs, port.Native), path+".untagged", ErrInvalid, "the untagged VLAN is one of the port's")
	}
}

// evpnVTEP reads evpn enable and the VXLAN tunnel source: together they
// make the switch a VTEP that advertises its VNIs (advertise-all-vni).
func (p *parser) evpnVTEP(evpn, nve any) {
	p.d.evpn = p.on("evpn.enable", p.obj("evpn", evpn, "enable")["enable"], false)
	vx := p.obj("nve.vxlan", p.obj("nve", nve, "vxlan")["vxlan"], "enable", "source")
	src := p.obj("nve.vxlan.source", vx["source"], "address")
	if _, ok := src["address"]; !ok {
		return
	}
	a, err := netip.ParseAddr(p.str("nve.vxlan.source.address", src["address"], true))
	p.failIf(err != nil || !a.Is4(), "nve.vxlan.source.address", ErrInvalid, "want an IPv4 address, got %v", src["address"])
	p.d.vtep = p.d.evpn && p.on("nve.vxlan.enable", vx["enable"], true)
}

// relays writes each VRF's relay as NVUE does for dhcrelay@<vrf>:
// SERVERS, INTF_CMD (-i for every interface, sorted) and OPTIONS (-U
// ADDR%IFACE: RFC 3527, giaddr the gateway interface's address).
func (p *parser) relays(v any, res *Result) {
	all := p.obj("service.dhcp-relay", p.obj("service", v, "dhcp-relay")["dhcp-relay"])
	for _, vrf := range keys(all) {
		path := "service.dhcp-relay." + vrf
		m := p.obj(path, all[vrf], "server", "interface", "gateway-interface")
		p.failIf(vrf != "default" && !slices.ContainsFunc(p.d.vrfs, func(t *tenantVRF) bool { return t.name == vrf }),
			path, ErrInvalid, "no vrf %s", vrf)
		var servers, intf, opts []string
		for _, s := range keys(p.obj(path+".server", m["server"])) {
			a, err := netip.ParseAddr(s)
			p.failIf(err != nil || !a.Is4(), path+".server."+s, ErrInvalid, "want an IPv4 address")
			servers = append(servers, s)
		}
		for _, i := range keys(p.obj(path+".interface", m["interface"])) {
			p.failIf(!p.d.ifaces[i], path+".interface."+i, ErrInvalid, "not an interface of this document")
			intf = append(intf, "-i", i)
		}
		p.failIf(len(servers) == 0 || len(intf) == 0, path, ErrInvalid, "a relay has servers and interfaces")
		gws := p.obj(path+".gateway-interface", m["gateway-interface"])
		for _, g := range keys(gws) {
			p.failIf(!p.d.ifaces[g], path+".gateway-interface."+g, ErrInvalid, "not an interface of this document")
			addr := p.str(path+".gateway-interface."+g+".address", p.obj(path+".gateway-interface."+g, gws[g], "address")["address"], false)
			if addr != "" {
				g = addr + "%" + g
			}
			opts = append(opts, "-U", g)
		}
		res.RelayFiles["isc-dhcp-relay-"+vrf] = fmt.Appendf(nil,
			"# Auto-generated by NVUE!\nSERVERS=%s\nINTF_CMD=%s\nOPTIONS=%s\n",
			strconv.Quote(strings.Join(servers, " ")), strconv.Quote(strings.Join(intf, " ")), strconv.Quote(strings.Join(opts, " ")))
	}
}
