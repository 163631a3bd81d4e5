package sonicemu

import (
	"fmt"
	"net/netip"
	"strings"
)

// relays reads DHCPV4_RELAY when SONiC's DHCPv4 relay agent runs
// (DEVICE_METADATA has_sonic_dhcpv4_relay True, the value sonic-utilities
// and the dhcp_relay container test); otherwise the table has no
// consumer and is listed in Plan.Ignored. VLAN dhcp_servers, which
// isc-dhcp-relay reads when the agent does not run, is not emulated:
// Realize refuses it rather than leave clients without their relay.
func relays(db DB, meta map[string]any, svis []SVI) ([]Relay, bool, error) {
	for _, key := range sortedKeys(db["VLAN"]) {
		if _, ok := db["VLAN"][key]["dhcp_servers"]; ok {
			return nil, false, fmt.Errorf("VLAN key %q: dhcp_servers (isc-dhcp-relay) is not emulated; "+
				"the emulation runs DHCPV4_RELAY with has_sonic_dhcpv4_relay True", key)
		}
	}
	on, err := field(meta, "DEVICE_METADATA", "localhost", "has_sonic_dhcpv4_relay")
	if err != nil || on != "True" {
		return nil, false, err
	}
	isSVI := map[string]bool{}
	for _, s := range svis {
		isSVI[s.Name] = true
	}
	var out []Relay
	for _, key := range sortedKeys(db["DHCPV4_RELAY"]) {
		row := db["DHCPV4_RELAY"][key]
		if !isSVI[key] {
			return nil, false, fmt.Errorf("DHCPV4_RELAY key %q: %s is not in VLAN_INTERFACE", key, key)
		}
		r := Relay{Interface: key}
		list, _ := row["dhcpv4_servers"].([]any)
		for _, item := range list {
			a, err := netip.ParseAddr(fmt.Sprint(item))
			if err != nil || !a.Is4() {
				return nil, false, fmt.Errorf("DHCPV4_RELAY key %q: server %v is not an IPv4 address", key, item)
			}
			r.Servers = append(r.Servers, a)
		}
		if len(r.Servers) == 0 {
			return nil, false, fmt.Errorf("DHCPV4_RELAY key %q: no dhcpv4_servers", key)
		}
		if r.Source, err = field(row, "DHCPV4_RELAY", key, "source_interface"); err != nil {
			return nil, false, err
		}
		ls, err := field(row, "DHCPV4_RELAY", key, "link_selection")
		if err != nil {
			return nil, false, err
		}
		r.LinkSelection = ls == "enable"
		if r.LinkSelection && r.Source == "" {
			return nil, false, fmt.Errorf("DHCPV4_RELAY key %q: link_selection without source_interface", key)
		}
		if r.Source != "" && !strings.HasPrefix(r.Source, "Loopback") && !isSVI[r.Source] && db["PORT"][r.Source] == nil {
			return nil, false, fmt.Errorf("DHCPV4_RELAY key %q: source_interface %s is not an interface", key, r.Source)
		}
		out = append(out, r)
	}
	return out, true, nil
}
