package cumulusl2

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"underlay.dev/underlay/internal/lab/ovs"
	"underlay.dev/underlay/internal/lab/vrfemu"
)

// Config is an interfaces file split for the lab.
type Config struct {
	// L2 is the bridge, its ports, bonds and SVIs, for Open vSwitch.
	L2 ovs.Spec
	// VRFs are the file's VRFs with their interfaces and addresses, by
	// name: the lab's nftables rules keep them apart, as kernel VRF
	// devices would.
	VRFs []vrfemu.VRF
	// Kernel is the file ifreload applies here.
	Kernel []byte
	// Unemulated lists what the file holds that the lab does not stand
	// in for, one line each.
	Unemulated []string
}

type kind int

const (
	plain kind = iota
	bridge
	bond
	vrf
	vxlan
	svi
)

// Split reads file. It fails on what a Cumulus switch takes but the lab
// cannot stand in for (two VLAN-aware bridges, a traditional bridge, a
// routed bond), naming the stanza.
func Split(file []byte) (*Config, error) {
	p, err := parse(file)
	if err != nil {
		return nil, err
	}
	kinds, br, err := classify(p)
	if err != nil {
		return nil, err
	}
	if err := routedBonds(p, kinds, br); err != nil {
		return nil, err
	}
	c := &Config{}
	if br != nil {
		if c.L2, err = spec(p, kinds, br); err != nil {
			return nil, err
		}
	}
	for _, name := range p.order {
		s := p.stanzas[name]
		switch {
		case kinds[name] == vxlan:
			c.Unemulated = append(c.Unemulated, fmt.Sprintf("%s: VXLAN device (vxlan-id %s) not emulated: EVPN traffic does not leave this leaf", name, s.first("vxlan-id")))
		case len(s.attrs["address-virtual"]) > 0:
			c.Unemulated = append(c.Unemulated, name+": address-virtual (VRR) not emulated")
		}
	}
	if c.VRFs, err = vrfs(p, kinds); err != nil {
		return nil, err
	}
	c.Kernel = kernel(p, kinds, memberMTUs(p, kinds))
	return c, nil
}

// classify names each stanza's kind and finds the VLAN-aware bridge.
func classify(p *parsed) (map[string]kind, *stanza, error) {
	kinds := map[string]kind{}
	var br *stanza
	for _, name := range p.order {
		s := p.stanzas[name]
		switch {
		case yes(s.first("bridge-vlan-aware")):
			if br != nil {
				return nil, nil, fmt.Errorf("interfaces line %d: %s is a second VLAN-aware bridge (after %s): the lab emulates one", s.line, name, br.name)
			}
			br, kinds[name] = s, bridge
		case len(s.attrs["bridge-ports"]) > 0:
			return nil, nil, fmt.Errorf("interfaces line %d: %s is a traditional (not VLAN-aware) bridge, which the lab does not emulate", s.line, name)
		case len(s.attrs["vrf-table"]) > 0:
			kinds[name] = vrf
		case len(s.attrs["vxlan-id"]) > 0:
			kinds[name] = vxlan
		case len(s.attrs["bond-slaves"]) > 0:
			kinds[name] = bond
		}
	}
	for _, name := range p.order {
		s := p.stanzas[name]
		_, dotted := dotVLAN(br, name)
		if br != nil && kinds[name] == plain && (s.first("vlan-raw-device") == br.name || dotted) {
			kinds[name] = svi
		}
	}
	return kinds, br, nil
}

// dotVLAN reads an SVI named BRIDGE.N.
func dotVLAN(br *stanza, name string) (int, bool) {
	if br == nil || !strings.HasPrefix(name, br.name+".") {
		return 0, false
	}
	v, err := vlanID(strings.TrimPrefix(name, br.name+"."))
	return v, err == nil
}

// spec builds the bridge's OVS ports: each bridge port (a plain port or
// a bond) with its VLANs, then each SVI as an internal port.
func spec(p *parsed, kinds map[string]kind, br *stanza) (ovs.Spec, error) {
	s := ovs.Spec{Bridge: br.name}
	members, err := ports(br.words("bridge-ports"))
	if err != nil {
		return s, fmt.Errorf("interfaces line %d: %s: %w", br.line, br.name, err)
	}
	vids, err := vlans(br.words("bridge-vids"))
	if err != nil {
		return s, fmt.Errorf("interfaces line %d: %s: bridge-vids: %w", br.line, br.name, err)
	}
	pvid := 1
	if v := br.first("bridge-pvid"); v != "" {
		if pvid, err = vlanID(v); err != nil {
			return s, fmt.Errorf("interfaces line %d: %s: bridge-pvid: %w", br.line, br.name, err)
		}
	}
	for _, m := range members {
		if kinds[m] == vxlan {
			continue
		}
		port, err := bridgePort(p.stanzas[m], m, vids, pvid)
		if err != nil {
			return s, err
		}
		s.Ports = append(s.Ports, port)
	}
	for _, name := range p.order {
		if kinds[name] == svi {
			port, err := sviPort(br, p.stanzas[name])
			if err != nil {
				return s, err
			}
			s.Ports = append(s.Ports, port)
		}
	}
	return s, s.Check()
}

// routedBonds refuses a bond that is not a port of the bridge: the lab's
// bonds are OVS bonds, which live in the bridge.
func routedBonds(p *parsed, kinds map[string]kind, br *stanza) error {
	var members []string
	if br != nil {
		var err error
		if members, err = ports(br.words("bridge-ports")); err != nil {
			return fmt.Errorf("interfaces line %d: %s: %w", br.line, br.name, err)
		}
	}
	for _, name := range p.order {
		if kinds[name] == bond && !slices.Contains(members, name) {
			return fmt.Errorf("interfaces line %d: bond %s is not a port of a VLAN-aware bridge: the lab emulates bonds as bridge ports only", p.stanzas[name].line, name)
		}
	}
	return nil
}

// bridgePort is one port of the bridge with its VLANs: bridge-access
// makes an access port; otherwise the port trunks its bridge-vids (or the
// bridge's) with its bridge-pvid (or the bridge's) as the native VLAN,
// unless bridge-allow-untagged is no.
func bridgePort(st *stanza, name string, vids []int, pvid int) (ovs.Port, error) {
	port := ovs.Port{Name: name}
	if st == nil {
		st = &stanza{name: name, attrs: map[string][]string{}}
	}
	where := func(err error) error { return fmt.Errorf("interfaces line %d: %s: %w", st.line, name, err) }
	if st.first("bond-slaves") != "" {
		port.Members = st.words("bond-slaves")
		mode := st.first("bond-mode")
		// 802.3ad is Cumulus' default bond mode.
		port.LACP = mode == "" || mode == "802.3ad" || mode == "4"
		port.Fallback = port.LACP && yes(st.first("bond-lacp-bypass-allow"))
		// Cumulus' default LACP rate is fast (bond-lacp-rate 1).
		rate := st.first("bond-lacp-rate")
		port.SlowLACP = rate == "0" || rate == "slow"
		if !port.LACP && mode != "balance-xor" && mode != "2" {
			return port, where(fmt.Errorf("bond-mode %s: the lab emulates 802.3ad and balance-xor", mode))
		}
	}
	if a := st.first("bridge-access"); a != "" {
		v, err := vlanID(a)
		if err != nil {
			return port, where(fmt.Errorf("bridge-access: %w", err))
		}
		port.Mode, port.Tag = ovs.Access, v
		return port, nil
	}
	if len(st.attrs["bridge-vids"]) > 0 {
		var err error
		if vids, err = vlans(st.words("bridge-vids")); err != nil {
			return port, where(fmt.Errorf("bridge-vids: %w", err))
		}
	}
	if v := st.first("bridge-pvid"); v != "" {
		var err error
		if pvid, err = vlanID(v); err != nil {
			return port, where(fmt.Errorf("bridge-pvid: %w", err))
		}
	}
	switch {
	case st.first("bridge-allow-untagged") == "no":
		// OVS trunks every VLAN when trunks is empty: a trunk of none is
		// refused rather than realised as a trunk of all.
		if len(vids) == 0 {
			return port, where(fmt.Errorf("bridge-allow-untagged no and no bridge-vids: the port would carry nothing"))
		}
		port.Mode, port.Trunks = ovs.Trunk, vids
	case len(vids) == 0:
		// Untagged frames only, in the PVID.
		port.Mode, port.Tag = ovs.Access, pvid
	default:
		port.Mode, port.Tag = ovs.NativeUntagged, pvid
		port.Trunks = slices.Compact(slices.Sorted(slices.Values(append(slices.Clone(vids), pvid))))
	}
	return port, nil
}

// sviPort is an SVI as an internal port in its VLAN.
func sviPort(br, st *stanza) (ovs.Port, error) {
	v, ok := dotVLAN(br, st.name)
	if !ok {
		var err error
		if v, err = vlanID(st.first("vlan-id")); err != nil {
			return ovs.Port{}, fmt.Errorf("interfaces line %d: SVI %s: vlan-id: %w", st.line, st.name, err)
		}
	}
	port := ovs.Port{Name: st.name, Internal: true, Mode: ovs.Access, Tag: v}
	if m := st.first("mtu"); m != "" {
		n, err := strconv.Atoi(m)
		if err != nil {
			return port, fmt.Errorf("interfaces line %d: SVI %s: mtu %q", st.line, st.name, m)
		}
		port.MTU = n
	}
	return port, nil
}

// memberMTUs gives each bond member without an MTU of its own its bond's
// (ifupdown2 sets a bond's MTU on its members).
func memberMTUs(p *parsed, kinds map[string]kind) map[string]string {
	out := map[string]string{}
	for _, name := range p.order {
		s := p.stanzas[name]
		if kinds[name] != bond || s.first("mtu") == "" {
			continue
		}
		for _, m := range s.words("bond-slaves") {
			if ms := p.stanzas[m]; ms == nil || ms.first("mtu") == "" {
				out[m] = s.first("mtu")
			}
		}
	}
	return out
}

// kernel writes the file back with what this kernel's ifreload can
// apply: no bridge, bond, VRF or VXLAN stanzas; ports without bridge and
// bond keywords; SVIs with only their addresses; no vrf lines (the lab's
// nftables rules stand in for VRF membership). Bond members get their
// bond's MTU.
func kernel(p *parsed, kinds map[string]kind, mtus map[string]string) []byte {
	gone := func(name string) bool { k := kinds[name]; return k == bridge || k == bond || k == vrf || k == vxlan }
	var b strings.Builder
	blank := true
	emit := func(s string) {
		if s == "" && blank {
			return
		}
		blank = s == ""
		b.WriteString(s + "\n")
	}
	for _, l := range p.lines {
		f := strings.Fields(l.text)
		switch {
		case l.key == "auto" || strings.HasPrefix(l.key, "allow-"):
			kept := slices.DeleteFunc(f[1:], gone)
			if len(kept) > 0 {
				emit(f[0] + " " + strings.Join(kept, " "))
			}
		case l.iface == "":
			emit(l.text)
		case gone(l.iface) || !keep(kinds[l.iface], l.key):
		case l.key == "iface" && kinds[l.iface] == svi:
			emit("iface " + l.iface)
		default:
			emit(l.text)
			if m, ok := mtus[l.iface]; ok && l.key == "iface" {
				emit("    mtu " + m)
				delete(mtus, l.iface)
			}
		}
	}
	for _, m := range slices.Sorted(maps.Keys(mtus)) {
		emit("")
		emit("auto " + m)
		emit("iface " + m)
		emit("    mtu " + mtus[m])
	}
	return []byte(strings.TrimRight(b.String(), "\n") + "\n")
}

// keep reports whether an attribute line stays in the kernel file.
func keep(k kind, key string) bool {
	if key == "iface" {
		return true
	}
	if k == svi {
		return key == "address"
	}
	for _, prefix := range []string{"bridge-", "bond-", "mstpctl-"} {
		if strings.HasPrefix(key, prefix) {
			return false
		}
	}
	return key != "vrf" && key != "address-virtual"
}

// vrfs collects each VRF's member interfaces (`vrf NAME`) and their
// addresses, sorted by VRF.
func vrfs(p *parsed, kinds map[string]kind) ([]vrfemu.VRF, error) {
	byName := map[string]*vrfemu.VRF{}
	for _, name := range p.order {
		s := p.stanzas[name]
		v := s.first("vrf")
		if v == "" || kinds[name] == vrf {
			continue
		}
		if byName[v] == nil {
			byName[v] = &vrfemu.VRF{Name: v}
		}
		byName[v].Interfaces = append(byName[v].Interfaces, name)
		for _, a := range s.words("address") {
			pfx, err := netip.ParsePrefix(a)
			if err != nil {
				return nil, fmt.Errorf("interfaces line %d: %s: address %q: %w", s.line, name, a, err)
			}
			byName[v].Addrs = append(byName[v].Addrs, pfx)
		}
	}
	var out []vrfemu.VRF
	for _, n := range slices.Sorted(maps.Keys(byName)) {
		slices.Sort(byName[n].Interfaces)
		out = append(out, *byName[n])
	}
	return out, nil
}
