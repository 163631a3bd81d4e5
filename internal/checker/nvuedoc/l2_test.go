package nvuedoc

import (
	"os"
	"strings"
	"testing"
)

// TestValidateRejectsServers: every edit breaks one rule of a leaf with
// server networks (testdata/servers.yaml is the nvue renderer's
// baremetal-leaf3 golden: a bond, a trunk, SVIs in two VRFs with L3VNIs,
// EVPN and a DHCP relay).
func TestValidateRejectsServers(t *testing.T) {
	b, err := os.ReadFile("testdata/servers.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	if err := Validate(b); err != nil {
		t.Fatal(err)
	}
	for name, tt := range map[string]struct{ from, to, want string }{
		"reserved VLAN":        {`            "104": {}` + "\n    evpn", `            "3800": {}` + "\n    evpn", `vlan.3800: VLAN 3800 is reserved`},
		"access not in bridge": {"access: 101", "access: 999", "access: VLAN 999 is not a VLAN of bridge domain br_default"},
		"no such domain":       {"          domain:\n            br_default:\n              access", "          domain:\n            br_other:\n              access", "bridge domain br_other does not exist"},
		"untagged not port's":  {"untagged: 104", "untagged: 100", "untagged: want none or one of the port's VLANs"},
		"bond name":            {"      bond1:\n", "      po1:\n", `"po1" is not a bond name`},
		"member not a port":    {"            swp2: {}\n          mode", "            swp9: {}\n          mode", "bond.member.swp9: not a swp interface"},
		"member in bridge":     {"            swp1: {}\n            swp2: {}\n          mode", "            swp1: {}\n            swp3: {}\n          mode", "bond.member.swp3: a bond member has no address and is no bridge port"},
		"bond mode":            {"mode: lacp", "mode: balance-rr", "bond.mode: want lacp or static"},
		"svi VLAN name":        {"        type: svi\n        vlan: 100", "        type: svi\n        vlan: 101", "vlan100.vlan: vlan100 is VLAN 100's SVI, got 101"},
		"svi VLAN not bridged": {"        type: svi\n        vlan: 100", "        type: svi\n        vlan: 100\n      vlan200:\n        type: svi\n        vlan: 200", "vlan200.vlan: VLAN 200 is in no bridge domain"},
		"svi vrf missing":      {"vrf: tenant-a", "vrf: tenant-c", "ip.vrf: vrf tenant-c does not exist"},
		"duplicate L3VNI":      {`"10001": {}`, `"10000": {}`, "also vrf tenant-a's L3VNI"},
		"L3VNI without vxlan":  {"          address: 10.255.0.3\n    router", "          address: nowhere\n    router", "nve.vxlan.source.address: want an IPv4 address"},
		"relay interface":      {"            swp49: {}\n            swp50: {}\n            vlan100", "            swp49: {}\n            swp51: {}\n            vlan100", "interface.swp51: not an interface of this document"},
		"relay server":         {"10.20.1.10: {}", "fd00::10: {}", `server: "fd00::10" is not an IPv4 address`},
		"gateway address":      {"address: 10.255.0.3\n          interface", "address: 10.255.0.9\n          interface", "address: 10.255.0.9 is not an address of lo"},
		"relay vrf":            {"      dhcp-relay:\n        default:", "      dhcp-relay:\n        tenant-c:", "dhcp-relay.tenant-c: vrf tenant-c does not exist"},
		"evpn neighbor":        {"              l2vpn-evpn:\n                enable: \"on\"\n            enable", "              l2vpn-evpn:\n                enable: \"off\"\n            enable", "neighbor.swp49.address-family.l2vpn-evpn: the vrf does not enable l2vpn-evpn"},
		"vlan on a port":       {"        type: swp\n      swp49:", "        type: swp\n        vlan: 100\n      swp49:", "swp3.vlan: only an SVI has a VLAN here"},
		"bond on a port":       {"      swp1:\n        type: swp", "      swp1:\n        bond:\n          mode: lacp\n        type: swp", "swp1.bond: a swp interface has no bond settings"},
		"export without VNI":   {"      tenant-a:\n        evpn:\n          enable: \"on\"\n          vni:\n            \"10000\": {}\n", "      tenant-a:\n", "to-evpn: vrf tenant-a has no L3VNI"},
	} {
		t.Run(name, func(t *testing.T) {
			bad := strings.Replace(doc, tt.from, tt.to, 1)
			if bad == doc {
				t.Fatalf("edit %q did not apply", tt.from)
			}
			err := Validate([]byte(bad))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want …%s…", err, tt.want)
			}
			for range 20 { // map order must not change the report
				if again := Validate([]byte(bad)); again.Error() != err.Error() {
					t.Fatalf("same document, different report:\n%v\n%v", err, again)
				}
			}
		})
	}
}
