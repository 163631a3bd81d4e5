package nvuefrr

// The VRFs of server networks: each an L3VNI and a BGP instance whose
// routes cross the fabric as EVPN type-5 routes, and EVPN in vrf
// default's BGP. Rendered as the EVPN symmetric routing configuration
// Cumulus Linux documents NVUE writing: `vrf X` / `vni N` / `exit-vrf`,
// `address-family l2vpn evpn` with the EVPN neighbours activated (and
// advertise-all-vni on a VTEP), and `router bgp ASN vrf X` whose
// l2vpn-evpn family advertises the VRF's unicast routes.

import (
	"math"
	"net/netip"
	"strings"
)

// tenantVRF is a VRF other than default.
type tenantVRF struct {
	name     string
	vni      int64 // 0: none
	asn      int64
	routerID netip.Addr
	statics  []netip.Prefix
	bgp      *vrfBGP // nil: BGP off
}

func (p *parser) tenantVRF(path, name string, v any) {
	t := &tenantVRF{name: name}
	m := p.obj(path, v, "evpn", "router")
	evpn := p.obj(path+".evpn", m["evpn"], "enable", "vni")
	if p.on(path+".evpn.enable", evpn["enable"], false) {
		vnis := p.obj(path+".evpn.vni", evpn["vni"])
		p.failIf(len(vnis) != 1, path+".evpn.vni", ErrInvalid, "want one L3VNI, got %d", len(vnis))
		for _, k := range keys(vnis) {
			p.empty(path+".evpn.vni."+k, vnis[k])
			t.vni = p.id(path+".evpn.vni."+k, k, 1, 16777214)
		}
		p.failIf(!p.d.vtep, path+".evpn", ErrInvalid, "an L3VNI needs evpn enable on and nve vxlan source address")
	}
	r := p.obj(path+".router", m["router"], "bgp", "static")
	t.statics = p.statics(path+".router.static", r["static"])
	bgp := p.obj(path+".router.bgp", r["bgp"])
	if t.bgp = p.vrfBGP(path+".router.bgp", r["bgp"], true); t.bgp != nil {
		t.asn = p.num(path+".router.bgp.autonomous-system", bgp["autonomous-system"], 1, math.MaxUint32)
		a, err := netip.ParseAddr(p.str(path+".router.bgp.router-id", bgp["router-id"], true))
		p.failIf(err != nil || !a.Is4(), path+".router.bgp.router-id", ErrInvalid, "want an ipv4 address, got %v", bgp["router-id"])
		t.routerID = a
		for i, af := range t.bgp.afs {
			p.failIf(af != nil && af.toEVPN && t.vni == 0, path+".router.bgp.address-family."+families[i]+".route-export",
				ErrInvalid, "vrf %s has no L3VNI to export to", name)
		}
	}
	p.d.vrfs = append(p.d.vrfs, t)
}

// renderVRFs writes each VRF's L3VNI and static routes, before the BGP
// instances that use them.
func (d *device) renderVRFs(l *lines) {
	for _, t := range d.vrfs {
		if t.vni == 0 && len(t.statics) == 0 {
			continue
		}
		l.add("vrf %s", t.name)
		if t.vni != 0 {
			l.add("vni %d", t.vni)
		}
		for _, s := range t.statics {
			l.add("%s route %s blackhole", ipWord(s.Addr().Is6()), s)
		}
		l.add("exit-vrf")
	}
}

// renderEVPN writes vrf default's l2vpn evpn family: its EVPN neighbours,
// and advertise-all-vni on a VTEP.
func (d *device) renderEVPN(l *lines, b *vrfBGP) {
	if !b.evpn {
		return
	}
	l.add("address-family l2vpn evpn")
	for _, n := range append(append([]*neighbor{}, b.groups...), b.neighbors...) {
		if n.evpn {
			l.add("neighbor %s activate", n.id)
		}
	}
	if d.vtep {
		l.add("advertise-all-vni")
	}
	l.add("exit-address-family")
}

// renderTenantBGP writes a VRF's BGP instance: its networks, and the
// type-5 export of each family NVUE's route-export to-evpn names.
func (d *device) renderTenantBGP(l *lines, t *tenantVRF) {
	b := t.bgp
	l.add("router bgp %d vrf %s", t.asn, t.name)
	l.add("bgp router-id %s", t.routerID)
	if b.relax {
		l.add("bgp bestpath as-path multipath-relax")
	}
	if b.compareID {
		l.add("bgp bestpath compare-routerid")
	}
	export := ""
	for i, af := range b.afs {
		if af == nil {
			continue
		}
		renderAF(l, i, af, nil)
		if af.toEVPN {
			export += "advertise " + strings.TrimSuffix(families[i], "-unicast") + " unicast\n"
		}
	}
	if export != "" {
		l.add("address-family l2vpn evpn")
		l.WriteString(export)
		l.add("exit-address-family")
	}
	l.add("! end of router bgp %d vrf %s", t.asn, t.name)
}
