// Package nvuedoc checks an NVIDIA NVUE startup document against the part
// of NVUE's documented object model underlay relies on. It sits with the
// other checkers because the renderer's tests, the device agent's
// pre-check and the NVUE emulator all judge a document by it; unlike them
// it runs no program, so it needs nothing installed.
package nvuedoc

import (
	"fmt"
	"maps"
	"math"
	"net/netip"
	"slices"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/platform"
)

// swpName is the rule resolve checks NVUE ports with (the platform's
// descriptor).
var swpName = platform.MustGet(model.PlatformNVUE).Ports.Pattern

// Document is an NVUE startup document decoded: a list of items, each
// `header` or `set`.
type Document []map[string]any

// Parse decodes an NVUE startup document strictly (a key twice is an
// error), so one decode serves both a caller's own checks and Check.
func Parse(doc []byte) (Document, error) {
	var items Document
	if err := yaml.UnmarshalStrict(doc, &items); err != nil {
		return nil, fmt.Errorf("nvue document is not a list of header/set items: %w", err)
	}
	return items, nil
}

// Validate parses doc and checks it (Parse, then Check).
func Validate(doc []byte) error {
	items, err := Parse(doc)
	if err != nil {
		return err
	}
	return items.Check()
}

// Check checks the document against the part of NVIDIA's documented
// object model that underlay relies on: a list of `header` / `set` items;
// interfaces named and typed consistently with valid addresses; a BGP ASN
// in range and an IPv4 router ID; peers that are addresses or existing
// interfaces; and route maps and prefix lists that exist where they are
// referenced; and, for server networks, bridge domains with unreserved
// VLANs and ports of them, bonds of swp ports, SVIs of bridged VLANs,
// VRFs with unique L3VNIs that EVPN and a VXLAN source carry, and DHCP
// relays on the document's interfaces (l2.go). It reports every problem,
// by path. The device agent and the
// NVUE emulator use it before applying.
func (items Document) Check() error {
	v := &validator{}
	for i, item := range items {
		for k, tree := range item {
			switch k {
			case "header":
			case "set":
				m, _ := tree.(map[string]any)
				v.set(fmt.Sprintf("[%d].set", i), m)
			default:
				v.fail("[%d].%s: unknown item (want header or set)", i, k)
			}
		}
	}
	if len(v.errs) > 0 {
		sort.Strings(v.errs)
		return fmt.Errorf("invalid NVUE document:\n%s", strings.Join(v.errs, "\n"))
	}
	return nil
}

type validator struct {
	errs []string
	// interfaces are the document's interfaces by name, with their type.
	interfaces map[string]string
	routeMaps  map[string]bool
	// vlans are the VLANs of each bridge domain; vrfs the document's VRFs.
	vlans map[string]map[int]bool
	vrfs  map[string]bool
	// raw are the interfaces as decoded; bonded maps a bond member to its
	// bond; vnis an L3VNI to its VRF.
	raw    map[string]map[string]any
	bonded map[string]string
	vnis   map[int]string
	// evpnOn and vtep: evpn enable on, a VXLAN tunnel source.
	evpnOn, vtep bool
}

func (v *validator) fail(format string, args ...any) {
	v.errs = append(v.errs, fmt.Sprintf(format, args...))
}

// sortedKeys orders a map's keys so that checks whose outcome depends on
// what was seen first (a duplicate names the earlier owner) report the
// same words on every run.
func sortedKeys(m map[string]any) []string {
	return slices.Sorted(maps.Keys(m))
}

func obj(m map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		next, _ := m[k].(map[string]any)
		if next == nil {
			return nil
		}
		m = next
	}
	return m
}

func (v *validator) set(path string, root map[string]any) {
	v.interfaces, v.routeMaps, v.bonded = map[string]string{}, map[string]bool{}, map[string]string{}
	v.vlans, v.vrfs, v.vnis = map[string]map[int]bool{}, map[string]bool{"default": true}, map[int]string{}
	v.raw = map[string]map[string]any{}
	v.bridges(path+".bridge.domain", obj(root, "bridge", "domain"))
	for name := range obj(root, "vrf") {
		v.vrfs[name] = true
	}
	ifaces := obj(root, "interface")
	for name, raw := range ifaces {
		m, _ := raw.(map[string]any)
		v.interfaces[name], v.raw[name] = fmt.Sprint(m["type"]), m
	}
	for _, name := range slices.Sorted(maps.Keys(ifaces)) { // a bond member is claimed by the first bond
		v.iface(path+".interface."+name, name, ifaces[name])
	}
	v.evpn(path, root)
	v.relays(path+".service.dhcp-relay", obj(root, "service", "dhcp-relay"))
	v.policy(path+".router.policy", obj(root, "router", "policy"))
	if b := obj(root, "router", "bgp"); b != nil {
		v.asn(path+".router.bgp.autonomous-system", b["autonomous-system"])
		if a, err := netip.ParseAddr(fmt.Sprint(b["router-id"])); err != nil || !a.Is4() {
			v.fail("%s.router.bgp.router-id: want an IPv4 address, got %v", path, b["router-id"])
		}
	}
	vrfs := obj(root, "vrf")
	for _, name := range sortedKeys(vrfs) { // a repeated L3VNI is reported on the later VRF
		raw := vrfs[name]
		vb := obj(map[string]any{"x": raw}, "x", "router", "bgp")
		asn := vb["autonomous-system"]
		if asn == nil {
			asn = obj(root, "router", "bgp")["autonomous-system"]
		}
		v.vrfBGP(path+".vrf."+name+".router.bgp", vb, asn)
		v.vrfFamilies(path+".vrf."+name, name, raw)
	}
}

func (v *validator) iface(path, name string, raw any) {
	m, _ := raw.(map[string]any)
	typ := fmt.Sprint(m["type"])
	switch {
	case name == "lo" && typ != "loopback":
		v.fail("%s.type: lo is type loopback, got %q", path, typ)
	case name == "lo":
	case typ == "swp" && !swpName.MatchString(name):
		v.fail("%s: %q is not a swp port name", path, name)
	case typ == "bond":
		v.bond(path, name, m)
	case typ == "svi":
		v.svi(path, name, m)
	case typ != "swp":
		v.fail("%s.type: unsupported interface type %q (want loopback, swp, bond or svi)", path, typ)
	}
	if mtu, ok := obj(m, "link")["mtu"].(float64); ok && (mtu < 552 || mtu > 9216) {
		v.fail("%s.link.mtu: want 552-9216, got %v", path, mtu)
	}
	for a := range obj(m, "ip", "address") {
		if _, err := netip.ParsePrefix(a); err != nil {
			v.fail("%s.ip.address: %q is not an address/length", path, a)
		}
	}
	if vrf, ok := obj(m, "ip")["vrf"]; ok && !v.vrfs[fmt.Sprint(vrf)] {
		v.fail("%s.ip.vrf: vrf %v does not exist", path, vrf)
	}
	if typ != "swp" && typ != "bond" && obj(m, "bridge") != nil {
		v.fail("%s.bridge: a %s interface is not a bridge port", path, typ)
	}
	if _, ok := m["vlan"]; ok && typ != "svi" {
		v.fail("%s.vlan: only an SVI has a VLAN here, not a %s interface", path, typ)
	}
	if _, ok := m["bond"]; ok && typ != "bond" {
		v.fail("%s.bond: a %s interface has no bond settings", path, typ)
	}
	v.bridgePort(path+".bridge.domain", obj(m, "bridge", "domain"))
}

func (v *validator) policy(path string, p map[string]any) {
	lists := map[string]string{}
	for name, raw := range obj(p, "prefix-list") {
		m, _ := raw.(map[string]any)
		typ := fmt.Sprint(m["type"])
		if typ != "ipv4" && typ != "ipv6" {
			v.fail("%s.prefix-list.%s.type: want ipv4 or ipv6, got %q", path, name, typ)
		}
		lists[name] = typ
		for rule, rr := range obj(m, "rule") {
			for pfx := range obj(map[string]any{"x": rr}, "x", "match") {
				q, err := netip.ParsePrefix(pfx)
				if err != nil || q.Addr().Is4() != (typ == "ipv4") {
					v.fail("%s.prefix-list.%s.rule.%s.match: %q is not an %s prefix", path, name, rule, pfx, typ)
				}
			}
		}
	}
	for name, raw := range obj(p, "route-map") {
		v.routeMaps[name] = true
		for rule, rr := range obj(map[string]any{"x": raw}, "x", "rule") {
			match := obj(map[string]any{"x": rr}, "x", "match")
			if match == nil {
				continue
			}
			ref := fmt.Sprint(match["ip-prefix-list"])
			if typ, ok := lists[ref]; !ok || typ != fmt.Sprint(match["type"]) {
				v.fail("%s.route-map.%s.rule.%s.match: prefix list %q of type %v does not exist", path, name, rule, ref, match["type"])
			}
		}
	}
}

// asn checks a BGP AS number with the one rule underlay has for them
// (model.ASN.Check: 0, AS_TRANS and the last ASNs are reserved).
func (v *validator) asn(path string, raw any) {
	n, ok := raw.(float64)
	if !ok || n < 0 || n > math.MaxUint32 || n != math.Trunc(n) {
		v.fail("%s: want an AS number 1-4294967295, got %v", path, raw)
		return
	}
	if err := model.ASN(n).Check(); err != nil {
		v.fail("%s: %v", path, err)
	}
}

// vrfBGP checks a VRF's BGP instance; asn is its AS (the global one for
// vrf default), nil when the document has none.
func (v *validator) vrfBGP(path string, b map[string]any, asn any) {
	for name, raw := range obj(b, "neighbor") {
		m, _ := raw.(map[string]any)
		_, addrErr := netip.ParseAddr(name)
		switch typ := fmt.Sprint(m["type"]); {
		case typ == "numbered" && addrErr != nil:
			v.fail("%s.neighbor.%s: a numbered neighbor is an address", path, name)
		case typ == "unnumbered" && v.interfaces[name] == "":
			v.fail("%s.neighbor.%s: an unnumbered neighbor is an interface of this document", path, name)
		case typ != "numbered" && typ != "unnumbered":
			v.fail("%s.neighbor.%s.type: want numbered or unnumbered, got %q", path, name, typ)
		}
		if as := m["remote-as"]; as != "internal" {
			v.asn(path+".neighbor."+name+".remote-as", as)
		}
		v.peerPolicies(path+".neighbor."+name, m)
		v.sessionSettings(path+".neighbor."+name, m, internalPeer(m["remote-as"], asn))
	}
	for name, raw := range obj(b, "peer-group") {
		m, _ := raw.(map[string]any)
		if as := m["remote-as"]; as != "external" && as != "internal" {
			v.asn(path+".peer-group."+name+".remote-as", as)
		}
		v.peerPolicies(path+".peer-group."+name, m)
		v.sessionSettings(path+".peer-group."+name, m, internalPeer(m["remote-as"], asn))
	}
	// A listen range names a peer group of its VRF (NVUE refuses the
	// range otherwise).
	for r, raw := range obj(b, "dynamic-neighbor", "listen-range") {
		if p, err := netip.ParsePrefix(r); err != nil || p != p.Masked() {
			v.fail("%s.dynamic-neighbor.listen-range: %q is not a prefix", path, r)
		}
		if pg := obj(map[string]any{"x": raw}, "x")["peer-group"]; obj(b, "peer-group", fmt.Sprint(pg)) == nil {
			v.fail("%s.dynamic-neighbor.listen-range.%s.peer-group: peer group %v does not exist", path, r, pg)
		}
	}
	for af, raw := range obj(b, "address-family") {
		mp := obj(map[string]any{"x": raw}, "x", "multipaths")
		v.number(path+".address-family."+af+".multipaths.ebgp", mp, "ebgp", 1, 128)
		v.number(path+".address-family."+af+".multipaths.ibgp", mp, "ibgp", 1, 128)
		for n := range obj(map[string]any{"x": raw}, "x", "network") {
			if _, err := netip.ParsePrefix(n); err != nil {
				v.fail("%s.address-family.%s.network: %q is not a prefix", path, af, n)
			}
		}
	}
}

// peerPolicies checks that the route maps a neighbor or peer group names
// exist.
func (v *validator) peerPolicies(path string, m map[string]any) {
	for af, raw := range obj(m, "address-family") {
		if !peerFamily[af] {
			v.fail("%s.address-family.%s: unknown address family (want ipv4-unicast, ipv6-unicast or l2vpn-evpn)", path, af)
		}
		pol := obj(map[string]any{"x": raw}, "x", "policy")
		for _, dir := range []string{"inbound", "outbound"} {
			if rm, ok := obj(pol, dir)["route-map"]; ok && !v.routeMaps[fmt.Sprint(rm)] {
				v.fail("%s.address-family.%s.policy.%s: route map %v does not exist", path, af, dir, rm)
			}
		}
	}
}
