package nvuefrr

// The BGP part of a VRF: path selection, address families, peer groups
// with their listen ranges, and neighbors.

import (
	"math"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"underlay.dev/underlay/internal/model"
)

// vrfBGP reads a VRF's BGP instance: vrf default's with its neighbours,
// or a server network VRF's (tenant), which has its own ASN and router ID
// and no neighbours (its routes cross the fabric as EVPN routes). nil:
// BGP is off in the VRF.
func (p *parser) vrfBGP(path string, v any, tenant bool) *vrfBGP {
	allowed := []string{"enable", "path-selection", "address-family", "peer", "neighbor", "peer-group", "dynamic-neighbor"}
	if tenant {
		allowed = []string{"enable", "autonomous-system", "router-id", "path-selection", "address-family"}
	}
	m := p.obj(path, v, allowed...)
	if !p.on(path+".enable", m["enable"], false) {
		return nil
	}
	b := &vrfBGP{}
	ps := p.obj(path+".path-selection", m["path-selection"], "routerid-compare", "multipath")
	b.compareID = p.on(path+".path-selection.routerid-compare", ps["routerid-compare"], false)
	mp := p.obj(path+".path-selection.multipath", ps["multipath"], "aspath-ignore")
	b.relax = p.on(path+".path-selection.multipath.aspath-ignore", mp["aspath-ignore"], false)
	names := families[:]
	if !tenant {
		names = append(names, l2vpnEVPN) // EVPN peering is vrf default's
	}
	afs := p.obj(path+".address-family", m["address-family"], names...)
	for i, fam := range families {
		b.afs[i] = p.vrfAF(path+".address-family."+fam, afs[fam], i == 1, tenant)
	}
	if e, ok := afs[l2vpnEVPN]; ok {
		b.evpn = p.on(path+".address-family.l2vpn-evpn.enable", p.obj(path+".address-family.l2vpn-evpn", e, "enable")["enable"], false)
	}
	groups := p.obj(path+".peer-group", m["peer-group"])
	for _, id := range keys(groups) {
		b.groups = append(b.groups, p.peerGroup(path+".peer-group."+id, id, groups[id], b))
	}
	p.dynamicNeighbors(path+".dynamic-neighbor", m["dynamic-neighbor"], b)
	for _, list := range []string{"neighbor", "peer"} {
		all := p.obj(path+"."+list, m[list])
		for _, id := range keys(all) {
			if slices.ContainsFunc(b.neighbors, func(n *neighbor) bool { return n.id == id }) {
				p.fail(path+"."+list+"."+id, ErrInvalid, "neighbor given twice, under both neighbor and peer")
			}
			p.failIf(groups[id] != nil, path+"."+list+"."+id, ErrInvalid, "a neighbor cannot have a peer group's name")
			b.neighbors = append(b.neighbors, p.neighbor(path+"."+list+"."+id, id, all[id], b))
		}
	}
	slices.SortFunc(b.neighbors, func(x, y *neighbor) int { return strings.Compare(x.id, y.id) })
	return b
}

// dynamicNeighbors reads the listen ranges (each naming a peer group of
// the VRF, which NVUE requires to exist) and their limit (NVUE: 1-5000).
func (p *parser) dynamicNeighbors(path string, v any, b *vrfBGP) {
	m := p.obj(path, v, "limit", "listen-range")
	if l, ok := m["limit"]; ok {
		b.listenLimit = p.num(path+".limit", l, 1, 5000)
	}
	ranges := p.obj(path+".listen-range", m["listen-range"])
	for _, r := range keys(ranges) {
		rpath := path + ".listen-range." + r
		lr := listenRange{prefix: p.prefix(rpath, r, true)}
		lr.group = p.str(rpath+".peer-group", p.obj(rpath, ranges[r], "peer-group")["peer-group"], true)
		p.failIf(!slices.ContainsFunc(b.groups, func(g *neighbor) bool { return g.id == lr.group }),
			rpath+".peer-group", ErrInvalid, "no peer group %q in this vrf", lr.group)
		b.listen = append(b.listen, lr)
	}
	slices.SortFunc(b.listen, func(x, y listenRange) int { return model.ComparePrefix(x.prefix, y.prefix) })
}

// vrfAF reads an address family; NVUE enables ipv4-unicast by default. A
// server network VRF's may export its routes to EVPN (type-5 routes).
func (p *parser) vrfAF(path string, v any, v6, tenant bool) *vrfAF {
	allowed := []string{"enable", "network", "multipaths"}
	if tenant {
		allowed = append(allowed, "route-export")
	}
	m := p.obj(path, v, allowed...)
	if !p.on(path+".enable", m["enable"], !v6) {
		return nil
	}
	af := &vrfAF{ebgp: 64, ibgp: 64}
	ex := p.obj(path+".route-export.to-evpn", p.obj(path+".route-export", m["route-export"], "to-evpn")["to-evpn"], "enable")
	af.toEVPN = p.on(path+".route-export.to-evpn.enable", ex["enable"], false)
	mp := p.obj(path+".multipaths", m["multipaths"], "ebgp", "ibgp")
	if n, ok := mp["ebgp"]; ok {
		af.ebgp = p.num(path+".multipaths.ebgp", n, 1, 128)
	}
	if n, ok := mp["ibgp"]; ok {
		af.ibgp = p.num(path+".multipaths.ibgp", n, 1, 128)
	}
	nets := p.obj(path+".network", m["network"])
	for _, n := range keys(nets) {
		p.empty(path+".network."+n, nets[n])
		pf := p.prefix(path+".network", n, true)
		p.failIf(pf.Addr().Is6() != v6, path+".network", ErrInvalid, "%s is not of this address family", n)
		af.networks = append(af.networks, pf)
	}
	model.SortPrefixes(af.networks)
	return af
}

func (p *parser) neighbor(path, id string, v any, b *vrfBGP) *neighbor {
	m := p.obj(path, v, "type", "remote-as", "description", "timers", "bfd", "graceful-restart", "address-family")
	n := &neighbor{id: id, description: p.str(path+".description", m["description"], false)}
	_, addrErr := netip.ParseAddr(id)
	typ := p.str(path+".type", m["type"], false)
	if typ == "" && addrErr != nil {
		typ = "unnumbered"
	}
	switch n.unnumbered = typ == "unnumbered"; {
	case typ != "" && typ != "numbered" && typ != "unnumbered":
		p.fail(path+".type", ErrInvalid, "want numbered or unnumbered, got %q", typ)
	case !n.unnumbered && addrErr != nil:
		p.fail(path, ErrInvalid, "a numbered neighbor is an ip address")
	case n.unnumbered && !p.d.ifaces[id]:
		p.fail(path, ErrInvalid, "an unnumbered neighbor is an interface of this document")
	}
	p.session(path, m, n, b)
	return n
}

// peerGroup reads a peer group: a neighbor's remote-as, timers and
// address families, shared by the listen ranges' dynamic neighbors.
func (p *parser) peerGroup(path, id string, v any, b *vrfBGP) *neighbor {
	p.failIf(!groupName.MatchString(id), path, ErrInvalid, "a peer group's name holds letters, digits, _ and -")
	_, addrErr := netip.ParseAddr(id)
	p.failIf(addrErr == nil || p.d.ifaces[id], path, ErrInvalid, "a peer group's name is neither an address nor an interface")
	m := p.obj(path, v, "remote-as", "description", "timers", "bfd", "graceful-restart", "address-family")
	n := &neighbor{id: id, group: true, description: p.str(path+".description", m["description"], false)}
	p.session(path, m, n, b)
	return n
}

// session reads what neighbors and peer groups share: remote-as, timers
// (NVUE's defaults 3 and 9) and the address families with their policies
// and prefix limits.
func (p *parser) session(path string, m map[string]any, n *neighbor, b *vrfBGP) {
	n.keepalive, n.hold = 3, 9
	switch as := m["remote-as"]; as {
	case "external", "internal":
		n.remoteAS = as.(string)
	default:
		n.remoteAS = strconv.FormatInt(p.num(path+".remote-as", as, 1, math.MaxUint32), 10)
	}
	t := p.obj(path+".timers", m["timers"], "keepalive", "hold")
	if k, ok := t["keepalive"]; ok {
		n.keepalive = p.num(path+".timers.keepalive", k, 0, 65535)
	}
	if h, ok := t["hold"]; ok {
		n.hold = p.num(path+".timers.hold", h, 0, 65535)
	}
	p.sessionFeatures(path, m, n)
	afs := p.obj(path+".address-family", m["address-family"], append(families[:], l2vpnEVPN)...)
	if e, ok := afs[l2vpnEVPN]; ok {
		fpath := path + ".address-family." + l2vpnEVPN
		n.evpn = p.on(fpath+".enable", p.obj(fpath, e, "enable")["enable"], false)
		p.failIf(n.evpn && !b.evpn, fpath, ErrInvalid, "the vrf does not enable %s", l2vpnEVPN)
	}
	for i, fam := range families {
		fpath := path + ".address-family." + fam
		a := p.obj(fpath, afs[fam], "enable", "policy", "prefix-limits", "route-reflector-client", "nexthop-setting", "aspath",
			"default-route-origination")
		if !p.on(fpath+".enable", a["enable"], i == 0) {
			continue
		}
		p.failIf(b.afs[i] == nil, fpath, ErrInvalid, "the vrf does not enable %s", fam)
		pol := p.obj(fpath+".policy", a["policy"], "inbound", "outbound")
		n.afs[i] = &peerAF{in: p.routeMapRef(fpath+".policy.inbound", pol["inbound"]),
			out: p.routeMapRef(fpath+".policy.outbound", pol["outbound"])}
		lim := p.obj(fpath+".prefix-limits.inbound", p.obj(fpath+".prefix-limits", a["prefix-limits"], "inbound")["inbound"], "maximum")
		if limit, ok := lim["maximum"]; ok {
			n.afs[i].maxPrefix = p.num(fpath+".prefix-limits.inbound.maximum", limit, 1, math.MaxUint32)
		}
		p.familyOptions(fpath, a, n.afs[i])
	}
}

func (p *parser) routeMapRef(path string, v any) string {
	name := p.str(path+".route-map", p.obj(path, v, "route-map")["route-map"], false)
	p.failIf(name != "" && p.d.maps[name] == nil, path+".route-map", ErrInvalid, "no route map %q", name)
	return name
}
