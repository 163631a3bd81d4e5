package sonicemu

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"

	"underlay.dev/underlay/internal/model"
)

// L2 is what SONiC's vlanmgrd and teammgrd make of the VLAN,
// VLAN_MEMBER, VLAN_INTERFACE, PORTCHANNEL and PORTCHANNEL_MEMBER tables:
// the switch's VLAN-aware bridge, its PortChannels (teamd) and its SVIs.
// The emulation only reads them; the lab realises them in Open vSwitch
// (an emulation of the switch's L2, not SONiC's): a bridge port per
// Bridge entry, a bond per PortChannel, an internal port per SVI, which
// the caller creates before Plan.Addresses are set on the SVIs.
type L2 struct {
	// VLANs are the VLAN rows' IDs, sorted.
	VLANs []int
	// Bridge are the bridge ports (ports and PortChannels with a VLAN
	// membership), natural order.
	Bridge []BridgePort
	// SVIs are the VLAN_INTERFACE rows, by VLAN.
	SVIs []SVI
}

// BridgePort is a port or PortChannel in the bridge.
type BridgePort struct {
	Name string
	// Members are a PortChannel's ports, natural order; nil for a port.
	Members []string
	// Fallback is a PortChannel's LACP fallback (teamd runner.fallback):
	// one member forwards while the partner sends no LACPDU.
	Fallback bool
	// MTU is a PortChannel's mtu, DefaultMTU (teammgrd's too) when
	// absent; 0 for a port (its PORT row has it).
	MTU int
	// Untagged is the VLAN of the untagged membership, 0 when none;
	// Tagged the tagged ones, sorted.
	Untagged int
	Tagged   []int
}

// SVI is a VLAN_INTERFACE: VLAN's layer-3 interface, in VRF ("" for the
// default table).
type SVI struct {
	Name string // VlanN
	VLAN int
	VRF  string
}

// VRF is a VRF row: a routing table (a kernel VRF device on SONiC) and its
// L3VNI, 0 when none. The VTEP tables (VXLAN_*) are not emulated; the lab
// has no VRF devices either (see its notes).
type VRF struct {
	Name string
	VNI  int
}

// Relay is a DHCPV4_RELAY row SONiC's DHCPv4 relay agent runs
// (DEVICE_METADATA has_sonic_dhcpv4_relay True): it relays DHCP of the
// clients on Interface to Servers from the address of Source (giaddr),
// with RFC 3527's link-selection sub-option when LinkSelection.
type Relay struct {
	Interface     string // VlanN
	Servers       []netip.Addr
	Source        string // source_interface, "" for the SVI itself
	LinkSelection bool
}

// l2 reads the bridge, PortChannel and SVI tables. Every reference must
// resolve (a member of a VLAN or PortChannel that does not exist, an SVI
// of no VLAN or in no VRF), or vlanmgrd and teammgrd would wait for it.
func l2(db DB, ports []Port) (L2, error) {
	var out L2
	vlans := map[string]int{}
	for _, key := range sortedKeys(db["VLAN"]) {
		n, err := vlanID(key)
		if err != nil {
			return L2{}, fmt.Errorf("VLAN key %q: %w", key, err)
		}
		if id, _ := field(db["VLAN"][key], "VLAN", key, "vlanid"); id != "" && id != strconv.Itoa(n) {
			return L2{}, fmt.Errorf("VLAN key %q: vlanid %q is another VLAN", key, id)
		}
		vlans[key] = n
		out.VLANs = append(out.VLANs, n)
	}
	slices.Sort(out.VLANs)
	lags, err := portChannels(db, ports)
	if err != nil {
		return L2{}, err
	}
	if out.Bridge, err = bridge(db, ports, lags, vlans); err != nil {
		return L2{}, err
	}
	if out.SVIs, err = svis(db, vlans); err != nil {
		return L2{}, err
	}
	return out, nil
}

func vlanID(name string) (int, error) {
	n, err := strconv.Atoi(strings.TrimPrefix(name, "Vlan"))
	if !strings.HasPrefix(name, "Vlan") || err != nil || n < 1 || n > 4094 {
		return 0, fmt.Errorf("not a VlanN name (1-4094)")
	}
	return n, nil
}

// portChannels reads PORTCHANNEL and PORTCHANNEL_MEMBER, by name.
func portChannels(db DB, ports []Port) (map[string]*BridgePort, error) {
	isPort := map[string]bool{}
	for _, p := range ports {
		isPort[p.Name] = true
	}
	out := map[string]*BridgePort{}
	for _, name := range sortedKeys(db["PORTCHANNEL"]) {
		row := db["PORTCHANNEL"][name]
		lag := &BridgePort{Name: name, MTU: DefaultMTU}
		if mtu, _ := field(row, "PORTCHANNEL", name, "mtu"); mtu != "" {
			var err error
			if lag.MTU, err = strconv.Atoi(mtu); err != nil || lag.MTU < 68 || lag.MTU > 9216 {
				return nil, fmt.Errorf("PORTCHANNEL key %q: mtu %q is not a number in 68..9216", name, mtu)
			}
		}
		fb, _ := field(row, "PORTCHANNEL", name, "fallback")
		lag.Fallback = strings.EqualFold(fb, "true")
		out[name] = lag
	}
	for _, key := range sortedKeys(db["PORTCHANNEL_MEMBER"]) {
		name, port, _ := strings.Cut(key, "|")
		switch {
		case out[name] == nil:
			return nil, fmt.Errorf("PORTCHANNEL_MEMBER key %q: %s is not in PORTCHANNEL", key, name)
		case !isPort[port]:
			return nil, fmt.Errorf("PORTCHANNEL_MEMBER key %q: %s is not in PORT", key, port)
		}
		out[name].Members = append(out[name].Members, port)
	}
	for _, lag := range out {
		sort.Slice(lag.Members, func(i, j int) bool { return model.NaturalLess(lag.Members[i], lag.Members[j]) })
	}
	return out, nil
}

// bridge reads VLAN_MEMBER: each member is a port (not in a PortChannel,
// not routed: SONiC's YANG refuses both) or a PortChannel.
func bridge(db DB, ports []Port, lags map[string]*BridgePort, vlans map[string]int) ([]BridgePort, error) {
	isPort := map[string]bool{}
	for _, p := range ports {
		isPort[p.Name] = true
	}
	inLAG := map[string]bool{}
	for _, lag := range lags {
		for _, m := range lag.Members {
			inLAG[m] = true
		}
	}
	byName := map[string]*BridgePort{}
	for _, key := range sortedKeys(db["VLAN_MEMBER"]) {
		vlan, port, _ := strings.Cut(key, "|")
		mode, _ := field(db["VLAN_MEMBER"][key], "VLAN_MEMBER", key, "tagging_mode")
		switch {
		case vlans[vlan] == 0:
			return nil, fmt.Errorf("VLAN_MEMBER key %q: %s is not in VLAN", key, vlan)
		case lags[port] == nil && (!isPort[port] || inLAG[port] || db["INTERFACE"][port] != nil):
			return nil, fmt.Errorf("VLAN_MEMBER key %q: %s is neither a PortChannel nor a port outside PortChannels and INTERFACE", key, port)
		}
		bp := byName[port]
		if bp == nil {
			bp = &BridgePort{Name: port}
			if lag := lags[port]; lag != nil {
				bp = lag
			}
			byName[port] = bp
		}
		switch mode {
		case "untagged":
			if bp.Untagged != 0 {
				return nil, fmt.Errorf("VLAN_MEMBER key %q: %s is untagged in Vlan%d already", key, port, bp.Untagged)
			}
			bp.Untagged = vlans[vlan]
		case "tagged":
			bp.Tagged = append(bp.Tagged, vlans[vlan])
		default:
			return nil, fmt.Errorf("VLAN_MEMBER key %q: tagging_mode %q is neither untagged nor tagged (priority_tagged is not emulated)", key, mode)
		}
	}
	out := make([]BridgePort, 0, len(byName))
	for _, name := range sortedKeys(byName) {
		slices.Sort(byName[name].Tagged)
		out = append(out, *byName[name])
	}
	sort.Slice(out, func(i, j int) bool { return model.NaturalLess(out[i].Name, out[j].Name) })
	return out, nil
}

// svis reads the VLAN_INTERFACE name rows (their address rows are
// Plan.Addresses).
func svis(db DB, vlans map[string]int) ([]SVI, error) {
	var out []SVI
	for _, key := range sortedKeys(db["VLAN_INTERFACE"]) {
		if strings.Contains(key, "|") {
			continue
		}
		if vlans[key] == 0 {
			return nil, fmt.Errorf("VLAN_INTERFACE key %q: %s is not in VLAN", key, key)
		}
		vrf, err := field(db["VLAN_INTERFACE"][key], "VLAN_INTERFACE", key, "vrf_name")
		if err != nil {
			return nil, err
		}
		if _, ok := db["VRF"][vrf]; vrf != "" && !ok {
			return nil, fmt.Errorf("VLAN_INTERFACE key %q: VRF %s is not in VRF", key, vrf)
		}
		out = append(out, SVI{Name: key, VLAN: vlans[key], VRF: vrf})
	}
	slices.SortFunc(out, func(a, b SVI) int { return a.VLAN - b.VLAN })
	return out, nil
}

func vrfs(db DB) ([]VRF, error) {
	var out []VRF
	for _, name := range sortedKeys(db["VRF"]) {
		v := VRF{Name: name}
		if s, _ := field(db["VRF"][name], "VRF", name, "vni"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 || n > 1<<24-1 {
				return nil, fmt.Errorf("VRF key %q: vni %q is not 0-16777215", name, s)
			}
			v.VNI = n
		}
		out = append(out, v)
	}
	return out, nil
}
