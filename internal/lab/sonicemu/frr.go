package sonicemu

// The unified-mode FRR configuration, following sonic-buildimage's
// dockers/docker-fpm-frr/frr templates (frr.conf.j2: common/daemons.common,
// zebra/zebra.interfaces, staticd/staticd.loopback_route,
// bgpd/bgpd.main.conf.j2) rendered with files/image_config/constants/
// constants.yml, plus what bgpcfgd (src/sonic-bgpcfgd, BGPPeerMgrBase)
// pushes for each BGP_NEIGHBOR row with the "general" peer templates
// (bgpd/templates/general/policies, peer-group and instance.conf.j2).
//
// The result is the configuration FRR holds once bgpcfgd has pushed its
// peers, written as one file: on a switch it is frr.conf from
// sonic-cfggen at container start, then vtysh pushes per peer. It keeps
// the template's `bgp suppress-fib-pending`, so zebra must run (it acks
// kernel installs; sonicemu_lab_test.go shows routes flow).
//
// Simplified, relative to real SONiC:
//   - Only a single-ASIC, non-chassis, non-storage, non-dualtor switch in
//     the default VRF: the template branches for multi-ASIC, VOQ/packet
//     chassis, Loopback4096, disaggregated T2 (confederations), BMP, VNETs,
//     VLAN_INTERFACE and PORTCHANNEL advertisement are not emulated (those
//     tables land in Plan.Ignored).
//   - Only numbered "general" peers (BGP_NEIGHBOR keyed by an IP address);
//     interface (unnumbered) peers, BGP_INTERNAL_NEIGHBOR, BGP_MONITORS,
//     BGP_PEER_RANGE, BFD, TSA (BGP_DEVICE_GLOBAL), IDF isolation and
//     ALLOW_LIST rows are not. The default allow-list route-maps (the
//     65535 entries, which permit everything and add the drop community)
//     and the permit-all FROM_/TO_BGP_PEER_V4/V6 maps are emitted as the
//     template renders them, so routes flow as on a switch.
//   - maximum-paths is 64, the template's default and older images'
//     constants.yml: current constants.yml raises it to 514, which an FRR
//     built with fewer multipath slots (Debian's: 64) rejects. The
//     difference never shows: resolve picks (or allows) unified only where
//     no prefix arrives over more than 64 equal paths.
//   - No `bgp bestpath compare-routerid`, as on the switch: FRR keeps the
//     oldest of equal eBGP paths. resolve picks unified only where those
//     paths have identical AS paths (resolve.SONiCSplitReason), so the
//     installed set and what the switch advertises do not depend on which
//     one is oldest; only FRR's "best" marker among them does.
//   - bgpcfgd's ZebraSetSrc (a route-map setting the kernel route source
//     to Loopback0's address for BGP routes) is not emulated: it changes
//     the source address of installed routes, not the RIB.
//   - `agentx` is left out: it needs FRR's SNMP module.
//   - Loopback0's IPv4 address (router-id, the one `network .../32`) is the
//     lowest one. The template's macro takes the last IPv4 key in CONFIG_DB
//     iteration order (Redis key order: unspecified), so with several the
//     switch's pick is not deterministic; either way only one is announced.
//     The same holds for the IPv6 one (announced as its /64, or /128 with
//     bgp_adv_lo_prefix_as_128).
//   - bgpcfgd's "wait" states become Plan.Deferred: a peer whose local_addr
//     is on no interface, or every peer while Loopback0 has no IPv4 address
//     and DEVICE_METADATA has no bgp_router_id. local_addr is not rendered
//     (the general template does not use it: the session's source is the
//     kernel's choice on the connected subnet).
//   - zebra's `interface X` / `link-detect` is written once per interface,
//     not once per address as the template's loop does.

import (
	"bytes"
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"underlay.dev/underlay/internal/model"
)

// maximumPaths is the bgpd.main.conf.j2 default (see the simplifications).
const maximumPaths = 64

// bgpDevice is what the templates read from DEVICE_METADATA and the
// loopbacks.
type bgpDevice struct {
	asn         string // "" when absent, "none" or "null": no router bgp
	routerID    string
	devType     string
	defaultDown bool // default_bgp_status down
	adv128      bool // bgp_adv_lo_prefix_as_128
	bbr         bool // BGP_BBR|all status enabled
	lo4, lo6    netip.Prefix
}

type neighbor struct {
	key, name, asn      string
	addr                netip.Addr
	keepalive, holdtime string // raw; "" when absent
	down, rr, nhs       bool
}

func renderFRR(db DB, p *Plan) error {
	d, err := readDevice(db, p.Addresses)
	if err != nil {
		return err
	}
	var peers []neighbor
	if d.asn != "" {
		if peers, p.Deferred, err = readNeighbors(db, p.Addresses, d); err != nil {
			return err
		}
	}
	var b bytes.Buffer
	writeStatic(&b, p, d)
	if d.asn != "" {
		if len(peers) > 0 {
			b.WriteString(policies)
		}
		writeRouterBGP(&b, d, peers)
	}
	p.FRR = b.Bytes()
	return nil
}

func readDevice(db DB, addrs map[string][]netip.Prefix) (bgpDevice, error) {
	meta := db["DEVICE_METADATA"]["localhost"]
	get := func(name string) (string, error) { return field(meta, "DEVICE_METADATA", "localhost", name) }
	var d bgpDevice
	var err error
	if d.asn, err = get("bgp_asn"); err != nil {
		return d, err
	}
	switch strings.ToLower(d.asn) {
	case "", "none", "null":
		d.asn = ""
	default:
		if n, err := strconv.ParseUint(d.asn, 10, 32); err != nil || n == 0 {
			return d, fmt.Errorf("DEVICE_METADATA key \"localhost\": bgp_asn %q is not an AS number", d.asn)
		}
	}
	if d.routerID, err = get("bgp_router_id"); err != nil {
		return d, err
	}
	if a, err := netip.ParseAddr(d.routerID); d.routerID != "" && (err != nil || !a.Is4()) {
		return d, fmt.Errorf("DEVICE_METADATA key \"localhost\": bgp_router_id %q is not an IPv4 address", d.routerID)
	}
	if d.devType, err = get("type"); err != nil {
		return d, err
	}
	status, err := get("default_bgp_status")
	if err != nil {
		return d, err
	}
	adv, err := get("bgp_adv_lo_prefix_as_128")
	if err != nil {
		return d, err
	}
	bbr, err := field(db["BGP_BBR"]["all"], "BGP_BBR", "all", "status")
	if err != nil {
		return d, err
	}
	d.defaultDown, d.adv128, d.bbr = status == "down", adv == "true", bbr == "enabled"
	for _, pfx := range addrs["Loopback0"] {
		switch {
		case pfx.Addr().Is4() && !d.lo4.IsValid():
			d.lo4 = pfx
		case pfx.Addr().Is6() && !d.lo6.IsValid():
			d.lo6 = pfx
		}
	}
	if d.routerID == "" && d.lo4.IsValid() {
		d.routerID = d.lo4.Addr().String()
	}
	return d, nil
}

// readNeighbors returns the BGP_NEIGHBOR rows bgpcfgd configures, in
// address order, and the keys it defers.
func readNeighbors(db DB, addrs map[string][]netip.Prefix, d bgpDevice) ([]neighbor, []string, error) {
	local := map[netip.Addr]bool{}
	for _, list := range addrs {
		for _, pfx := range list {
			local[pfx.Addr()] = true
		}
	}
	var peers []neighbor
	var deferred []string
	seen := map[netip.Addr]bool{}
	for _, key := range sortedKeys(db["BGP_NEIGHBOR"]) {
		n, localAddr, err := readNeighbor(key, db["BGP_NEIGHBOR"][key], d)
		if err != nil {
			return nil, nil, err
		}
		if seen[n.addr] {
			return nil, nil, fmt.Errorf("BGP_NEIGHBOR key %q: neighbor %s is configured twice", key, n.addr)
		}
		seen[n.addr] = true
		if (!d.lo4.IsValid() && d.routerID == "") || (localAddr.IsValid() && !local[localAddr]) {
			deferred = append(deferred, key)
			continue
		}
		peers = append(peers, n)
	}
	sort.Slice(peers, func(i, j int) bool { return peers[i].addr.Less(peers[j].addr) })
	return peers, deferred, nil
}

func readNeighbor(key string, row map[string]any, d bgpDevice) (neighbor, netip.Addr, error) {
	fail := func(format string, args ...any) (neighbor, netip.Addr, error) {
		return neighbor{}, netip.Addr{}, fmt.Errorf("BGP_NEIGHBOR key %q: %s", key, fmt.Sprintf(format, args...))
	}
	ip := key
	if vrf, rest, ok := strings.Cut(key, "|"); ok {
		if vrf != "default" {
			return fail("VRF %s is not emulated", vrf)
		}
		ip = rest
	}
	n := neighbor{key: key}
	var err error
	if n.addr, err = netip.ParseAddr(ip); err != nil || n.addr.Zone() != "" {
		return fail("%q is not an IP address (interface peers are not emulated)", ip)
	}
	var admin, rr, nhs, local string
	for _, f := range []struct {
		name string
		dst  *string
	}{
		{"admin_status", &admin}, {"asn", &n.asn}, {"holdtime", &n.holdtime}, {"keepalive", &n.keepalive},
		{"local_addr", &local}, {"name", &n.name}, {"nhopself", &nhs}, {"rrclient", &rr},
	} {
		if *f.dst, err = field(row, "BGP_NEIGHBOR", key, f.name); err != nil {
			return neighbor{}, netip.Addr{}, err
		}
	}
	if a, err := strconv.ParseUint(n.asn, 10, 32); err != nil || a == 0 {
		return fail("asn %q is not an AS number", n.asn)
	}
	for _, t := range []struct{ name, v string }{{"keepalive", n.keepalive}, {"holdtime", n.holdtime}, {"rrclient", rr}, {"nhopself", nhs}} {
		if _, err := strconv.Atoi(t.v); t.v != "" && err != nil {
			return fail("%s %q is not a number", t.name, t.v)
		}
	}
	n.down = admin == "down" || (admin == "" && d.defaultDown)
	n.rr, n.nhs = rr != "" && rr != "0", nhs != "" && nhs != "0"
	// bgpcfgd reads local_addr as netaddr.IPNetwork(...).ip: a length is allowed.
	var la netip.Addr
	if local != "" {
		addr, _, _ := strings.Cut(local, "/")
		if la, err = netip.ParseAddr(addr); err != nil {
			return fail("local_addr %q is not an IP address", local)
		}
	}
	return n, la, nil
}

// writeStatic writes what sonic-cfggen renders at container start before
// bgpd: daemons.common, zebra.interfaces, staticd.loopback_route and the
// loopback prefix-lists of bgpd.main.conf.j2.
func writeStatic(b *bytes.Buffer, p *Plan, d bgpDevice) {
	fmt.Fprintf(b, "! Emulated SONiC unified-mode FRR configuration (underlay sonicemu):\n")
	fmt.Fprintf(b, "! frr.conf.j2 plus bgpcfgd's general peer templates.\n!\n")
	fmt.Fprintf(b, "hostname %s\npassword zebra\nenable password zebra\n", p.Hostname)
	b.WriteString("log syslog informational\nlog facility local4\n!\n")
	b.WriteString("ip nht resolve-via-default\nno ipv6 nht resolve-via-default\n!\n")
	var ifaces []string
	for name := range p.Addresses {
		if !strings.HasPrefix(name, "Loopback") {
			ifaces = append(ifaces, name)
		}
	}
	sort.Slice(ifaces, func(i, j int) bool { return model.NaturalLess(ifaces[i], ifaces[j]) })
	for _, name := range ifaces {
		fmt.Fprintf(b, "interface %s\n link-detect\nexit\n!\n", name)
	}
	if d.lo6.IsValid() {
		fmt.Fprintf(b, "ipv6 route %s Loopback0\n!\n", lo6Prefix(d).Masked())
	}
	if d.asn == "" {
		return
	}
	if d.lo4.IsValid() {
		fmt.Fprintf(b, "ip prefix-list PL_LoopbackV4 permit %s/32\n!\n", d.lo4.Addr())
	}
	if d.lo6.IsValid() {
		fmt.Fprintf(b, "ipv6 prefix-list PL_LoopbackV6 permit %s\n!\n", lo6Prefix(d).Masked())
	}
}

// lo6Prefix is Loopback0's IPv6 address with the length it is announced
// with: /64, or /128 with bgp_adv_lo_prefix_as_128.
func lo6Prefix(d bgpDevice) netip.Prefix {
	if d.adv128 {
		return netip.PrefixFrom(d.lo6.Addr(), 128)
	}
	return netip.PrefixFrom(d.lo6.Addr(), 64)
}

// writeRouterBGP writes bgpd.main.conf.j2's router bgp block, then the
// peer-group and instance templates bgpcfgd pushes into it.
func writeRouterBGP(b *bytes.Buffer, d bgpDevice, peers []neighbor) {
	fmt.Fprintf(b, "router bgp %s\n", d.asn)
	b.WriteString(" bgp log-neighbor-changes\n bgp suppress-fib-pending\n")
	b.WriteString(" no bgp default ipv4-unicast\n no bgp ebgp-requires-policy\n")
	b.WriteString(" bgp bestpath as-path multipath-relax\n")
	if d.devType == "ToRRouter" {
		b.WriteString(" bgp graceful-restart restart-time 240\n bgp graceful-restart\n")
		b.WriteString(" bgp graceful-restart preserve-fw-state\n bgp graceful-restart select-defer-time 45\n")
	}
	if d.routerID != "" {
		fmt.Fprintf(b, " bgp router-id %s\n", d.routerID)
	}
	if d.lo4.IsValid() {
		fmt.Fprintf(b, " network %s/32\n", d.lo4.Addr())
	}
	if d.lo6.IsValid() {
		fmt.Fprintf(b, " address-family ipv6\n  network %s\n exit-address-family\n", lo6Prefix(d))
	}
	for _, af := range []string{"ipv4", "ipv6"} {
		fmt.Fprintf(b, " address-family %s\n  maximum-paths %d\n exit-address-family\n", af, maximumPaths)
	}
	if len(peers) > 0 {
		writePeerGroups(b, d)
	}
	for _, n := range peers {
		writeNeighbor(b, n)
	}
	b.WriteString("exit\n!\n")
}

// writePeerGroups follows general/peer-group.conf.j2.
func writePeerGroups(b *bytes.Buffer, d bgpDevice) {
	b.WriteString(" neighbor PEER_V4 peer-group\n neighbor PEER_V6 peer-group\n")
	allowAS := d.devType == "ToRRouter" || (d.devType == "LeafRouter" && d.bbr)
	for _, v := range []struct{ af, pg, rm string }{{"ipv4", "PEER_V4", "V4"}, {"ipv6", "PEER_V6", "V6"}} {
		fmt.Fprintf(b, " address-family %s\n", v.af)
		if allowAS {
			fmt.Fprintf(b, "  neighbor %s allowas-in 1\n", v.pg)
		}
		fmt.Fprintf(b, "  neighbor %s soft-reconfiguration inbound\n", v.pg)
		fmt.Fprintf(b, "  neighbor %s route-map FROM_BGP_PEER_%s in\n", v.pg, v.rm)
		fmt.Fprintf(b, "  neighbor %s route-map TO_BGP_PEER_%s out\n", v.pg, v.rm)
		b.WriteString(" exit-address-family\n")
	}
}

// writeNeighbor follows general/instance.conf.j2.
func writeNeighbor(b *bytes.Buffer, n neighbor) {
	a := n.addr.String()
	fmt.Fprintf(b, " neighbor %s remote-as %s\n", a, n.asn)
	if n.name != "" {
		fmt.Fprintf(b, " neighbor %s description %s\n", a, n.name)
	}
	ka, hold := orDefault(n.keepalive, "60"), orDefault(n.holdtime, "180")
	if atoi(ka) != 60 || atoi(hold) != 180 {
		fmt.Fprintf(b, " neighbor %s timers %s %s\n", a, ka, hold)
	}
	fmt.Fprintf(b, " neighbor %s timers connect 10\n", a)
	if n.down {
		fmt.Fprintf(b, " neighbor %s shutdown\n", a)
	}
	af, pg := "ipv4", "PEER_V4"
	if n.addr.Is6() {
		af, pg = "ipv6", "PEER_V6"
	}
	fmt.Fprintf(b, " address-family %s\n  neighbor %s peer-group %s\n", af, a, pg)
	if n.rr {
		fmt.Fprintf(b, "  neighbor %s route-reflector-client\n", a)
	}
	if n.nhs {
		fmt.Fprintf(b, "  neighbor %s next-hop-self\n", a)
	}
	fmt.Fprintf(b, "  neighbor %s activate\n exit-address-family\n", a)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// policies is general/policies.conf.j2 rendered with constants.yml's
// defaults (allow_list enabled, default action permit, drop community
// 5060:12345; not an UpstreamLC/UpperSpineRouter): every route is accepted
// and announced.
const policies = `ip prefix-list DEFAULT_IPV4 permit 0.0.0.0/0
ipv6 prefix-list DEFAULT_IPV6 permit ::/0
!
route-map ALLOW_LIST_DEPLOYMENT_ID_0_V4 permit 65535
 set community 5060:12345 additive
exit
!
route-map ALLOW_LIST_DEPLOYMENT_ID_0_V6 permit 65535
 set community 5060:12345 additive
exit
!
bgp community-list standard allow_list_default_community permit no-export
bgp community-list standard allow_list_default_community permit 5060:12345
!
route-map FROM_BGP_PEER_V4 permit 10
 call ALLOW_LIST_DEPLOYMENT_ID_0_V4
 on-match next
exit
!
route-map FROM_BGP_PEER_V4 permit 11
 match community allow_list_default_community
exit
!
route-map FROM_BGP_PEER_V6 permit 10
 call ALLOW_LIST_DEPLOYMENT_ID_0_V6
 on-match next
exit
!
route-map FROM_BGP_PEER_V6 permit 11
 match community allow_list_default_community
exit
!
route-map FROM_BGP_PEER_V4 permit 100
exit
!
route-map TO_BGP_PEER_V4 permit 100
 call CHECK_IDF_ISOLATION
exit
!
route-map FROM_BGP_PEER_V6 permit 1
 on-match next
 set ipv6 next-hop prefer-global
exit
!
route-map FROM_BGP_PEER_V6 permit 100
exit
!
route-map TO_BGP_PEER_V6 permit 100
 call CHECK_IDF_ISOLATION
exit
!
route-map CHECK_IDF_ISOLATION permit 10
exit
!
`
