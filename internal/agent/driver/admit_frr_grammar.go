package driver

import "strings"

// frrGrammar is every command internal/render/frr's templates emit
// (frr.conf.tmpl), by the node it is emitted in, plus the "frr version"
// and "frr defaults" header lines FRR itself writes. A template that
// starts emitting a new command adds it here; TestAdmitRendered fails
// until it does.
var frrGrammar = map[frrNode][]frrCommand{
	frrTop: {
		{pattern: frrPattern("frr version <text>")},
		{pattern: frrPattern("frr defaults datacenter|traditional")},
		{pattern: frrPattern("hostname <name>")},
		{pattern: frrPattern("log syslog")},
		{pattern: frrPattern("log syslog <level>")},
		{pattern: frrPattern("service integrated-vtysh-config")},
		{pattern: frrPattern("interface <ifname>"), enter: frrInterface},
		{pattern: frrPattern("ip route <prefix4> blackhole")},
		{pattern: frrPattern("ipv6 route <prefix6> blackhole")},
		{pattern: frrPattern("ip prefix-list <name> seq <n> permit|deny <prefix4>")},
		{pattern: frrPattern("ip prefix-list <name> seq <n> permit|deny <prefix4> le <n>")},
		{pattern: frrPattern("ip prefix-list <name> seq <n> permit|deny <prefix4> ge <n>")},
		{pattern: frrPattern("ip prefix-list <name> seq <n> permit|deny <prefix4> ge <n> le <n>")},
		{pattern: frrPattern("ipv6 prefix-list <name> seq <n> permit|deny <prefix6>")},
		{pattern: frrPattern("ipv6 prefix-list <name> seq <n> permit|deny <prefix6> le <n>")},
		{pattern: frrPattern("ipv6 prefix-list <name> seq <n> permit|deny <prefix6> ge <n>")},
		{pattern: frrPattern("ipv6 prefix-list <name> seq <n> permit|deny <prefix6> ge <n> le <n>")},
		{pattern: frrPattern("route-map <name> permit|deny <n>"), enter: frrRouteMap},
		{pattern: frrPattern("vrf <ifname>"), enter: frrVRF},
		{pattern: frrPattern("router bgp <n>"), enter: frrBGP},
		{pattern: frrPattern("router bgp <n> vrf <ifname>"), enter: frrBGP},
	},
	frrInterface: {
		{pattern: frrPattern("ip address <prefix4>")},
		{pattern: frrPattern("ipv6 address <prefix6>")},
		{pattern: frrPattern("exit"), leave: true},
	},
	frrVRF: {
		{pattern: frrPattern("vni <n>")},
		{pattern: frrPattern("ip route <prefix4> blackhole")},
		{pattern: frrPattern("ipv6 route <prefix6> blackhole")},
		{pattern: frrPattern("exit-vrf"), leave: true},
	},
	frrRouteMap: {
		{pattern: frrPattern("match ip address prefix-list <name>")},
		{pattern: frrPattern("match ipv6 address prefix-list <name>")},
		{pattern: frrPattern("exit"), leave: true},
	},
	frrBGP: {
		{pattern: frrPattern("bgp router-id <ipv4>")},
		{pattern: frrPattern("no bgp ebgp-requires-policy")},
		{pattern: frrPattern("no bgp default ipv4-unicast")},
		{pattern: frrPattern("bgp bestpath as-path multipath-relax")},
		{pattern: frrPattern("bgp bestpath compare-routerid")},
		{pattern: frrPattern("timers bgp <n> <n>")},
		{pattern: frrPattern("neighbor <peer> remote-as <n>")},
		{pattern: frrPattern("neighbor <peer> interface remote-as <n>")},
		{pattern: frrPattern("neighbor <peer> description <text>")},
		{pattern: frrPattern("neighbor <peer> timers connect <n>")},
		{pattern: frrPattern("neighbor <group> peer-group")},
		{pattern: frrPattern("neighbor <group> remote-as external")},
		// A Kubernetes cluster's sessions (model.SessionOptions): iBGP
		// members, BFD, graceful restart, their own timers.
		{pattern: frrPattern("neighbor <peer> remote-as internal")},
		{pattern: frrPattern("neighbor <peer> interface remote-as internal")},
		{pattern: frrPattern("neighbor <peer> bfd")},
		{pattern: frrPattern("neighbor <peer> graceful-restart-helper")},
		{pattern: frrPattern("neighbor <peer> timers <n> <n>")},
		{pattern: frrPattern("bgp listen range <prefix> peer-group <group>")},
		{pattern: frrPattern("bgp listen limit <n>")},
		{pattern: frrPattern("address-family ipv4|ipv6 unicast"), enter: frrAddressFamily},
		{pattern: frrPattern("address-family l2vpn evpn"), enter: frrEVPN},
		{pattern: frrPattern("exit"), leave: true},
	},
	frrAddressFamily: {
		{pattern: frrPattern("network <prefix>")},
		{pattern: frrPattern("neighbor <peer> activate")},
		{pattern: frrPattern("neighbor <peer> maximum-prefix <n>")},
		{pattern: frrPattern("neighbor <peer> route-map <name> in|out")},
		{pattern: frrPattern("maximum-paths <n>")},
		// A cluster's: iBGP members reflected with the leaf as next hop,
		// their paths spread; a shared AS overridden; a default route.
		{pattern: frrPattern("neighbor <peer> route-reflector-client")},
		{pattern: frrPattern("neighbor <peer> next-hop-self")},
		{pattern: frrPattern("neighbor <peer> as-override")},
		{pattern: frrPattern("neighbor <peer> default-originate")},
		{pattern: frrPattern("maximum-paths ibgp <n>")},
		{pattern: frrPattern("exit-address-family"), leave: true},
		{pattern: frrPattern("exit"), leave: true},
	},
	// The EVPN family of the default instance activates sessions and, on
	// a leaf, advertises every VNI; a VRF's exports its unicast routes.
	frrEVPN: {
		{pattern: frrPattern("neighbor <peer> activate"), in: frrDefaultInstance},
		{pattern: frrPattern("advertise-all-vni"), in: frrDefaultInstance},
		{pattern: frrPattern("advertise ipv4|ipv6 unicast"), in: frrVRFInstance},
		{pattern: frrPattern("exit-address-family"), leave: true},
		{pattern: frrPattern("exit"), leave: true},
	},
}

func frrPattern(s string) []string { return strings.Fields(s) }
