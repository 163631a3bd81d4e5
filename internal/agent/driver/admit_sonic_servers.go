package driver

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/platform"
)

// sonicServerTables are the tables of a leaf's server networks, as
// internal/render/sonic renders them: VLANs and their members, the
// PortChannels of bonded servers, SVIs, VRFs with their L3VNI over the
// VTEP, and the DHCP relay. Every VLAN, VLAN member, SVI, PortChannel and
// PortChannel member is underlay's (ownKeys), as every Ethernet port's
// INTERFACE rows are: the factory Vlan1000 of a SONiC image, say, is
// removed, where it would hold the server ports. VRFs are underlay's only
// when named platform.SONiCVRFPrefix…; the VTEP, its NVO and its maps
// only under the names underlay gives them.
var sonicServerTables = map[string]sonicTable{
	"VLAN": {Key: sonicVLAN, KeyDoc: "VlanN", Rows: ownKeys, Fields: map[string][]string{"vlanid": nil},
		Check: func(key string, row map[string]any) string {
			if row["vlanid"] != strings.TrimPrefix(key, "Vlan") {
				return fmt.Sprintf("vlanid %v is not the VLAN the key names", row["vlanid"])
			}
			return ""
		}},
	"VLAN_MEMBER": {Key: pair(sonicVLAN, bridgePort), KeyDoc: "VlanN|EthernetN or VlanN|PortChannelN", Rows: ownKeys,
		Fields: map[string][]string{"tagging_mode": {"untagged", "tagged"}},
		Check:  require("tagging_mode")},
	"VLAN_INTERFACE": {Key: portOrAddr(sonicVLAN), KeyDoc: "VlanN or VlanN|address/length", Rows: ownKeys,
		Fields: map[string][]string{"vrf_name": nil},
		Check: func(key string, row map[string]any) string {
			v, ok := row["vrf_name"].(string)
			switch {
			case !ok:
				return ""
			case strings.Contains(key, "|"):
				return "an address row has no vrf_name"
			case !underlayVRF(v):
				return fmt.Sprintf("vrf_name %q is not a VRF underlay renders (%s…)", v, platform.SONiCVRFPrefix)
			}
			return ""
		}},
	"PORTCHANNEL": {Key: sonicPortChannel, KeyDoc: "PortChannelN", Rows: ownKeys, Fields: map[string][]string{
		"admin_status": {"up"}, "lacp_key": {"auto"}, "min_links": {"1"}, "fallback": {"true"}, "mtu": nil,
	}, Check: func(_ string, row map[string]any) string {
		if mtu, ok := row["mtu"].(string); ok && !inRange(mtu, 68, 9216) {
			return fmt.Sprintf("mtu %q is not 68-9216", mtu)
		}
		return require("admin_status")("", row)
	}},
	"PORTCHANNEL_MEMBER": {Key: pair(sonicPortChannel, sonicPort), KeyDoc: "PortChannelN|EthernetN", Rows: ownKeys},
	"VRF": {Key: underlayVRF, KeyDoc: platform.SONiCVRFPrefix + "NAME", Rows: ownKeys, Fields: map[string][]string{"vni": nil},
		Check: vniField("vni")},
	"VXLAN_TUNNEL": {Key: eq(sonicVTEP), KeyDoc: sonicVTEP, Rows: ownKeys, Fields: map[string][]string{"src_ip": nil},
		Check: func(_ string, row map[string]any) string {
			if a, err := netip.ParseAddr(fmt.Sprint(row["src_ip"])); err != nil || !a.Is4() {
				return fmt.Sprintf("src_ip %v is not an IPv4 address", row["src_ip"])
			}
			return ""
		}},
	"VXLAN_EVPN_NVO": {Key: eq(sonicNVO), KeyDoc: sonicNVO, Rows: ownKeys, Fields: map[string][]string{"source_vtep": {sonicVTEP}},
		Check: require("source_vtep")},
	"VXLAN_TUNNEL_MAP": {Key: tunnelMap.MatchString, KeyDoc: sonicVTEP + "|map_VNI_VlanN", Rows: ownKeys,
		Fields: map[string][]string{"vlan": nil, "vni": nil},
		Check: func(key string, row map[string]any) string {
			m := tunnelMap.FindStringSubmatch(key)
			if row["vni"] != m[1] || row["vlan"] != "Vlan"+m[2] {
				return fmt.Sprintf("vni %v, vlan %v: not the VNI and VLAN the key names", row["vni"], row["vlan"])
			}
			return vniField("vni")(key, row)
		}},
	"DHCPV4_RELAY": {Key: sonicVLAN, KeyDoc: "VlanN", Rows: ownKeys,
		Fields: map[string][]string{"source_interface": {"Loopback0"}, "link_selection": {"enable"}},
		Lists:  map[string]func(string) bool{"dhcpv4_servers": parsesAsIPv4},
		Check:  require("dhcpv4_servers")},
}

// The names the renderer gives the VTEP and its NVO (render/sonic.VTEP,
// NVO; the driver does not import the renderer).
const (
	sonicVTEP = "vtep"
	sonicNVO  = "nvo"
)

var (
	sonicVLANName = regexp.MustCompile(`^Vlan([1-9][0-9]{0,3})$`)
	tunnelMap     = regexp.MustCompile(`^` + sonicVTEP + `\|map_([1-9][0-9]{0,7})_Vlan([1-9][0-9]{0,3})$`)
	sonicLAG      = platform.MustGet(model.PlatformSONiC).Servers.Bond.Pattern
	vrfSuffix     = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
)

func sonicVLAN(k string) bool {
	m := sonicVLANName.FindStringSubmatch(k)
	return m != nil && inRange(m[1], 2, 4094)
}

func sonicPortChannel(k string) bool { return sonicLAG.MatchString(k) }

func bridgePort(k string) bool { return sonicPort(k) || sonicPortChannel(k) }

// underlayVRF: a VRF the renderer names (platform.VRFName), within the
// 15 characters of a device name.
func underlayVRF(k string) bool {
	name, ok := strings.CutPrefix(k, platform.SONiCVRFPrefix)
	return ok && len(k) <= 15 && vrfSuffix.MatchString(name)
}

// pair accepts "A|B" keys.
func pair(a, b func(string) bool) func(string) bool {
	return func(k string) bool {
		x, y, ok := strings.Cut(k, "|")
		return ok && a(x) && b(y)
	}
}

// require refuses a row without the field.
func require(field string) func(string, map[string]any) string {
	return func(_ string, row map[string]any) string {
		if _, ok := row[field]; !ok {
			return fmt.Sprintf("field %q is missing", field)
		}
		return ""
	}
}

func vniField(field string) func(string, map[string]any) string {
	return func(_ string, row map[string]any) string {
		if v, _ := row[field].(string); !inRange(v, 1, 1<<24-1) {
			return fmt.Sprintf("%s %v is not a VNI (1-16777215)", field, row[field])
		}
		return ""
	}
}

// inRange: s is a decimal number (no sign, no leading zero) in lo..hi.
func inRange(s string, lo, hi int) bool {
	n, err := strconv.Atoi(s)
	return err == nil && strconv.Itoa(n) == s && n >= lo && n <= hi
}

func parsesAsIPv4(s string) bool { a, err := netip.ParseAddr(s); return err == nil && a.Is4() }
