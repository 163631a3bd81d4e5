package sonicemu

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"

	"underlay.dev/underlay/internal/model"
)

// Routing modes of Plan.Mode.
const (
	// ModeUnified: bgpcfgd renders FRR's configuration from CONFIG_DB.
	// DEVICE_METADATA docker_routing_config_mode "unified" and
	// "separated" (SONiC's default, also taken when the field is absent)
	// map here: they differ only in whether FRR keeps one file or one per
	// daemon. frr_mgmt_framework_config=true (frrcfgd instead of bgpcfgd)
	// is not emulated.
	ModeUnified = "unified"
	// ModeSplit: FRR's configuration is the operator's frr.conf ("split"
	// and "split-unified"). bgpcfgd still runs (supervisord starts it in
	// every mode unless frr_mgmt_framework_config=true) and would push
	// BGP_NEIGHBOR peers into that FRR: Realize rejects a split CONFIG_DB
	// that holds any (see bgpcfgdTables).
	ModeSplit = "split"
)

// DefaultMTU is the MTU SONiC's portmgrd gives a PORT row without "mtu".
const DefaultMTU = 9100

// Plan is what a SONiC switch makes of a CONFIG_DB, for the caller to
// realize in a network namespace. Interface names are SONiC's (Ethernet0,
// Loopback0); the caller creates them (Loopback0 as a dummy interface, as
// SONiC does) so the FRR configuration's names resolve.
type Plan struct {
	// Hostname is DEVICE_METADATA|localhost hostname, "sonic" (SONiC's
	// default) when absent.
	Hostname string
	// Mode is ModeUnified or ModeSplit (see those for the mapping).
	Mode string
	// Ports are the PORT rows in natural name order (Ethernet4 before
	// Ethernet12).
	Ports []Port
	// Addresses maps an interface name to its prefixes, from INTERFACE,
	// VLAN_INTERFACE (SVIs: VlanN) and LOOPBACK_INTERFACE "name|prefix"
	// keys, sorted by address. A key
	// without a length ("Loopback0|10.1.0.1") is a /32 or /128, as
	// sonic-cfggen's pfx_filter reads it.
	Addresses map[string][]netip.Prefix
	// FRR is the frr.conf bgpcfgd would produce, in unified mode only;
	// nil in split mode.
	FRR []byte
	// Deferred lists the BGP_NEIGHBOR keys bgpcfgd holds back (unified
	// mode): a local_addr configured on no interface, or no Loopback0 IPv4
	// address and no bgp_router_id. They are not in FRR.
	Deferred []string
	// L2 is the bridge, PortChannels and SVIs, for the lab to realise
	// (see L2); VRFs the VRF rows; Relays the DHCP relay SONiC's DHCPv4
	// relay agent runs.
	L2     L2
	VRFs   []VRF
	Relays []Relay
	// Ignored lists the tables present that the emulation does not act on
	// (among them VXLAN_TUNNEL, VXLAN_EVPN_NVO and VXLAN_TUNNEL_MAP: the
	// VTEP is not emulated).
	Ignored []string
}

// Port is a PORT row.
type Port struct {
	Name    string
	MTU     int  // "mtu", DefaultMTU when absent
	AdminUp bool // admin_status "up"; SONiC's default is down
}

// handled are the tables Realize reads; DEVICE_NEIGHBOR is descriptive
// only and changes nothing on the switch.
var handled = map[string]bool{
	"DEVICE_METADATA": true, "PORT": true, "INTERFACE": true, "LOOPBACK_INTERFACE": true,
	"BGP_NEIGHBOR": true, "BGP_BBR": true, "DEVICE_NEIGHBOR": true,
	"VLAN": true, "VLAN_MEMBER": true, "VLAN_INTERFACE": true, "PORTCHANNEL": true, "PORTCHANNEL_MEMBER": true, "VRF": true,
}

// Realize reads a CONFIG_DB document. Malformed rows it reads (a key that
// is not "name|prefix", an MTU that is not a number, a neighbor without an
// ASN) are errors naming the table and key. The result is deterministic.
func Realize(configDB []byte) (Plan, error) {
	db, err := ParseDB(configDB)
	if err != nil {
		return Plan{}, err
	}
	meta := db["DEVICE_METADATA"]["localhost"]
	var p Plan
	if p.Hostname, err = field(meta, "DEVICE_METADATA", "localhost", "hostname"); err != nil {
		return Plan{}, err
	}
	if p.Hostname == "" {
		p.Hostname = "sonic"
	}
	if p.Mode, err = mode(meta); err != nil {
		return Plan{}, err
	}
	if p.Ports, err = ports(db); err != nil {
		return Plan{}, err
	}
	if p.Addresses, err = addresses(db, p.Ports); err != nil {
		return Plan{}, err
	}
	if err := checkBgpcfgdTables(db, p.Mode); err != nil {
		return Plan{}, err
	}
	relaying, err := realizeServers(db, meta, &p)
	if err != nil {
		return Plan{}, err
	}
	for _, t := range sortedKeys(db) {
		if !handled[t] && (t != "DHCPV4_RELAY" || !relaying) {
			p.Ignored = append(p.Ignored, t)
		}
	}
	if p.Mode == ModeUnified {
		if err := renderFRR(db, &p); err != nil {
			return Plan{}, err
		}
	}
	return p, nil
}

// bgpcfgdTables are the other CONFIG_DB tables bgpcfgd turns into FRR
// commands (src/sonic-bgpcfgd/bgpcfgd/main.py's managers), in every
// routing mode. The emulation does not render them, and ignoring them
// would give FRR a configuration the switch would not run.
var bgpcfgdTables = []string{"BGP_INTERNAL_NEIGHBOR", "BGP_MONITORS", "BGP_PEER_RANGE", "BGP_VOQ_CHASSIS_NEIGHBOR",
	"BGP_SENTINELS", "BGP_ALLOWED_PREFIXES", "STATIC_ROUTE", "BGP_DEVICE_GLOBAL", "BGP_AGGREGATE_ADDRESS",
	"SRV6_MY_SIDS", "SRV6_MY_LOCATORS"}

// checkBgpcfgdTables fails on tables bgpcfgd would act on that the
// emulation does not: the bgpcfgdTables in any mode, and BGP_NEIGHBOR and
// BGP_BBR in split mode (bgpcfgd would push them into the operator's FRR).
func checkBgpcfgdTables(db DB, mode string) error {
	tables := bgpcfgdTables
	if mode == ModeSplit {
		tables = append([]string{"BGP_NEIGHBOR", "BGP_BBR"}, tables...)
	}
	for _, t := range tables {
		if len(db[t]) > 0 {
			return fmt.Errorf("%s in %s mode: bgpcfgd (it runs in every routing mode) would turn it into FRR commands; "+
				"the emulation does not, so it refuses rather than run an FRR configuration the switch would not", t, mode)
		}
	}
	return nil
}

// field returns a string field of a row ("" when absent).
func field(row map[string]any, table, key, name string) (string, error) {
	v, ok := row[name]
	if !ok {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%s key %q: field %s is %v, not a string", table, key, name, v)
	}
	return s, nil
}

func mode(meta map[string]any) (string, error) {
	m, err := field(meta, "DEVICE_METADATA", "localhost", "docker_routing_config_mode")
	if err != nil {
		return "", err
	}
	switch m {
	case "", "separated", "unified":
		return ModeUnified, nil
	case "split", "split-unified":
		return ModeSplit, nil
	}
	return "", fmt.Errorf("DEVICE_METADATA key \"localhost\": unknown docker_routing_config_mode %q", m)
}

func ports(db DB) ([]Port, error) {
	var out []Port
	for _, name := range sortedKeys(db["PORT"]) {
		row := db["PORT"][name]
		if name == "" || strings.Contains(name, "|") {
			return nil, fmt.Errorf("PORT key %q: not a port name", name)
		}
		p := Port{Name: name, MTU: DefaultMTU}
		mtu, err := field(row, "PORT", name, "mtu")
		if err != nil {
			return nil, err
		}
		if mtu != "" {
			if p.MTU, err = strconv.Atoi(mtu); err != nil || p.MTU < 68 || p.MTU > 9216 {
				return nil, fmt.Errorf("PORT key %q: mtu %q is not a number in 68..9216", name, mtu)
			}
		}
		admin, err := field(row, "PORT", name, "admin_status")
		if err != nil {
			return nil, err
		}
		switch admin {
		case "up":
			p.AdminUp = true
		case "", "down":
		default:
			return nil, fmt.Errorf("PORT key %q: admin_status %q is neither up nor down", name, admin)
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return model.NaturalLess(out[i].Name, out[j].Name) })
	return out, nil
}

// realizeServers reads the server side of a leaf: L2, VRFs and the DHCP
// relay; relaying says whether DHCPV4_RELAY has its consumer.
func realizeServers(db DB, meta map[string]any, p *Plan) (relaying bool, err error) {
	if p.L2, err = l2(db, p.Ports); err != nil {
		return false, err
	}
	if p.VRFs, err = vrfs(db); err != nil {
		return false, err
	}
	p.Relays, relaying, err = relays(db, meta, p.L2.SVIs)
	return relaying, err
}

// addresses reads INTERFACE (whose names must be ports, as SONiC's YANG
// leafref demands), VLAN_INTERFACE (names in VLAN) and LOOPBACK_INTERFACE
// (names LoopbackN).
func addresses(db DB, ports []Port) (map[string][]netip.Prefix, error) {
	isPort := map[string]bool{}
	for _, p := range ports {
		isPort[p.Name] = true
	}
	out := map[string][]netip.Prefix{}
	for _, t := range []string{"INTERFACE", "VLAN_INTERFACE", "LOOPBACK_INTERFACE"} {
		for _, key := range sortedKeys(db[t]) {
			name, pfx, err := interfaceKey(t, key)
			if err != nil {
				return nil, err
			}
			switch {
			case t == "INTERFACE" && !isPort[name]:
				return nil, fmt.Errorf("%s key %q: %s is not in PORT", t, key, name)
			case t == "VLAN_INTERFACE" && db["VLAN"][name] == nil:
				return nil, fmt.Errorf("%s key %q: %s is not in VLAN", t, key, name)
			case t == "LOOPBACK_INTERFACE" && !strings.HasPrefix(name, "Loopback"):
				return nil, fmt.Errorf("%s key %q: %s is not a LoopbackN name", t, key, name)
			}
			if pfx.IsValid() {
				out[name] = append(out[name], pfx)
			}
		}
	}
	for _, list := range out {
		model.SortPrefixes(list)
	}
	return out, nil
}

// interfaceKey splits "name" or "name|prefix"; the prefix is invalid (zero)
// for a bare name.
func interfaceKey(table, key string) (string, netip.Prefix, error) {
	name, rest, hasAddr := strings.Cut(key, "|")
	if name == "" {
		return "", netip.Prefix{}, fmt.Errorf("%s key %q: empty interface name", table, key)
	}
	if !hasAddr {
		return name, netip.Prefix{}, nil
	}
	if !strings.Contains(rest, "/") {
		a, err := netip.ParseAddr(rest)
		if err != nil || a.Zone() != "" {
			return "", netip.Prefix{}, fmt.Errorf("%s key %q: %q is not an IP prefix", table, key, rest)
		}
		return name, netip.PrefixFrom(a, a.BitLen()), nil
	}
	pfx, err := netip.ParsePrefix(rest)
	if err != nil {
		return "", netip.Prefix{}, fmt.Errorf("%s key %q: %w", table, key, err)
	}
	return name, pfx, nil
}

// sortedKeys returns m's keys in order, so errors name the same key on
// every run.
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
