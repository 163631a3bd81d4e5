package sonicemu

import (
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func readLeaf4(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "render", "sonic", "testdata", "TestBaremetal", "leaf4-config_db.json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRealizeServerLeaf realizes the bare-metal example's SONiC leaf: its
// L2 (a bonded server untagged in tenant-a, a single-port one in
// provisioning), SVI addresses, VRFs and the PXE relay.
func TestRealizeServerLeaf(t *testing.T) {
	p, err := Realize(readLeaf4(t))
	if err != nil {
		t.Fatal(err)
	}
	want := L2{
		VLANs: []int{100, 101, 102, 103, 104, 4000, 4001},
		Bridge: []BridgePort{{Name: "Ethernet8", Untagged: 102},
			{Name: "PortChannel0", Members: []string{"Ethernet0", "Ethernet4"}, Fallback: true, MTU: DefaultMTU, Untagged: 103}},
		SVIs: []SVI{{"Vlan100", 100, ""}, {"Vlan101", 101, ""}, {"Vlan102", 102, ""}, {"Vlan103", 103, "Vrf-tenant-a"},
			{"Vlan104", 104, "Vrf-tenant-b"}, {"Vlan4000", 4000, "Vrf-tenant-a"}, {"Vlan4001", 4001, "Vrf-tenant-b"}},
	}
	if !reflect.DeepEqual(p.L2, want) {
		t.Errorf("L2:\n%+v\nwant\n%+v", p.L2, want)
	}
	if got := p.Addresses["Vlan102"]; len(got) != 1 || got[0] != netip.MustParsePrefix("10.10.3.1/24") {
		t.Errorf("Vlan102 addresses %v", got)
	}
	if _, ok := p.Addresses["Vlan4000"]; ok {
		t.Error("the L3VNI's VLAN has no address")
	}
	if want := []VRF{{"Vrf-tenant-a", 10000}, {"Vrf-tenant-b", 10001}}; !reflect.DeepEqual(p.VRFs, want) {
		t.Errorf("VRFs %+v", p.VRFs)
	}
	if len(p.Relays) != 3 || !reflect.DeepEqual(p.Relays[2], Relay{Interface: "Vlan102",
		Servers: []netip.Addr{netip.MustParseAddr("10.20.1.10")}, Source: "Loopback0", LinkSelection: true}) {
		t.Errorf("relays %+v", p.Relays)
	}
	if want := []string{"VXLAN_EVPN_NVO", "VXLAN_TUNNEL", "VXLAN_TUNNEL_MAP"}; !reflect.DeepEqual(p.Ignored, want) {
		t.Errorf("ignored %v, want %v", p.Ignored, want)
	}
}

// TestRealizeRelayNeedsTheAgent: without has_sonic_dhcpv4_relay True no
// process reads DHCPV4_RELAY, so nothing relays.
func TestRealizeRelayNeedsTheAgent(t *testing.T) {
	db := strings.Replace(string(readLeaf4(t)), `"has_sonic_dhcpv4_relay": "True",`, "", 1)
	p, err := Realize([]byte(db))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Relays) != 0 || !strings.Contains(strings.Join(p.Ignored, " "), "DHCPV4_RELAY") {
		t.Errorf("relays %v, ignored %v", p.Relays, p.Ignored)
	}
}

func TestRealizeRejectsServerTables(t *testing.T) {
	ports := `"PORT": {"Ethernet0": {}, "Ethernet4": {}}`
	tests := []struct{ name, db, want string }{
		{"member of no VLAN", `{` + ports + `, "VLAN_MEMBER": {"Vlan10|Ethernet0": {"tagging_mode": "untagged"}}}`,
			`VLAN_MEMBER key "Vlan10|Ethernet0": Vlan10 is not in VLAN`},
		{"a PortChannel member in a VLAN", `{` + ports + `, "VLAN": {"Vlan10": {"vlanid": "10"}}, "PORTCHANNEL": {"PortChannel0": {}},
 "PORTCHANNEL_MEMBER": {"PortChannel0|Ethernet0": {}}, "VLAN_MEMBER": {"Vlan10|Ethernet0": {"tagging_mode": "untagged"}}}`,
			`neither a PortChannel nor a port outside PortChannels`},
		{"two untagged VLANs", `{` + ports + `, "VLAN": {"Vlan10": {}, "Vlan11": {}},
 "VLAN_MEMBER": {"Vlan10|Ethernet0": {"tagging_mode": "untagged"}, "Vlan11|Ethernet0": {"tagging_mode": "untagged"}}}`,
			`Ethernet0 is untagged in Vlan10 already`},
		{"vlanid off its name", `{"VLAN": {"Vlan10": {"vlanid": "11"}}}`, `vlanid "11" is another VLAN`},
		{"SVI in no VRF", `{"VLAN": {"Vlan10": {}}, "VLAN_INTERFACE": {"Vlan10": {"vrf_name": "Vrf-x"}}}`, `VRF Vrf-x is not in VRF`},
		{"SVI address of no VLAN", `{"VLAN_INTERFACE": {"Vlan10|10.0.0.1/24": {}}}`, `Vlan10 is not in VLAN`},
		{"member of no PortChannel", `{` + ports + `, "PORTCHANNEL_MEMBER": {"PortChannel0|Ethernet0": {}}}`, `PortChannel0 is not in PORTCHANNEL`},
		{"isc-dhcp-relay", `{"VLAN": {"Vlan10": {"dhcp_servers": ["10.0.0.1"]}}}`, `dhcp_servers (isc-dhcp-relay) is not emulated`},
		{"relay off an SVI", `{"DEVICE_METADATA": {"localhost": {"has_sonic_dhcpv4_relay": "True"}},
 "DHCPV4_RELAY": {"Vlan10": {"dhcpv4_servers": ["10.0.0.1"]}}}`, `Vlan10 is not in VLAN_INTERFACE`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Realize([]byte(tt.db)); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
