package driver

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"underlay.dev/underlay/internal/agent/store"
)

func globAll(t *testing.T, patterns ...string) []string {
	t.Helper()
	var out []string
	for _, p := range patterns {
		m, err := filepath.Glob(filepath.Join("..", "..", "..", p))
		if err != nil || len(m) == 0 {
			t.Fatalf("%s: no files (%v)", p, err)
		}
		out = append(out, m...)
	}
	return out
}

// TestAdmitsEveryRenderedFile: what the NVUE and SONiC renderers produce
// (every example's rendered tree and every golden) is inside what the
// drivers own, so admission never refuses underlay's own output.
func TestAdmitsEveryRenderedFile(t *testing.T) {
	for _, f := range globAll(t, "examples/*/rendered/*/nvue.yaml", "internal/render/nvue/testdata/*/*.yaml") {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := (&NVUE{}).Precheck(context.Background(), store.Files{"nvue.yaml": b}); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	for _, f := range globAll(t, "examples/*/rendered/*/config_db.json", "internal/render/sonic/testdata/TestGolden/*config_db.json",
		"internal/render/sonic/testdata/TestBaremetal/*config_db.json") {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := admitSONiC(b); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// nvueWith returns the seed leaf2 document with a value set at a path of
// its `set` tree (dotted; "+" appends an item to the list instead).
func nvueWith(t *testing.T, path, js string) []byte {
	t.Helper()
	var doc []map[string]any
	if err := yaml.Unmarshal(seedLeaf2(t)["nvue.yaml"], &doc); err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal([]byte(js), &v); err != nil {
		t.Fatal(err)
	}
	if item, ok := strings.CutPrefix(path, "+"); ok {
		doc = append(doc, map[string]any{item: v})
	} else {
		putAt(doc[0]["set"].(map[string]any), strings.Split(path, "."), v)
	}
	b, _ := yaml.Marshal(doc)
	return b
}

func TestAdmitNVUERefuses(t *testing.T) {
	for _, tt := range []struct{ name, path, value, want string }{
		{"NTP", "service.ntp", `{"mgmt": {"server": {"192.0.2.9": {}}}}`, "set.service.ntp is not a subtree underlay renders; refused"},
		{"a user", "system.aaa.user.evil", `{"role": "system-admin"}`, "set.system.aaa is not a subtree underlay renders"},
		{"the management port", "interface.eth0", `{"type": "eth"}`, "set.interface.eth0 is not one underlay renders (want lo, a swp port, a bond or an SVI (vlanN))"},
		{"a port in another VRF", "interface.swp1.ip.vrf", `"mgmt"`, `set.interface.swp1.ip.vrf: "mgmt" is not a value underlay renders (a server network's VRF)`},
		{"the management VRF", "vrf.mgmt", `{"router": {}}`, "set.vrf.mgmt is not a subtree underlay renders"},
		{"BGP switched off", "router.bgp.enable", `"off"`, `set.router.bgp.enable: "off" is not a value underlay renders (on)`},
		{"OSPF", "router.ospf", `{"enable": "on"}`, "set.router.ospf is not a subtree underlay renders"},
		{"a foreign route map", "router.policy.route-map.ALLOW-ALL", `{"rule": {}}`, `set.router.policy.route-map.ALLOW-ALL is not one underlay renders (want an UNDERLAY-* name)`},
		{"a second set", "+set", `{"service": {}}`, "[1].set: a second `set` item"},
		{"an unset", "+unset", `{"interface": {}}`, "[1].unset: only one `set` item is rendered"},
		{"a number as a string", "router.bgp.autonomous-system", `"65002"`, "want a number"},
		{"a foreign peer group", "vrf.default.router.bgp.peer-group.SPINE", `{"remote-as": "external"}`,
			"set.vrf.default.router.bgp.peer-group.SPINE is not one underlay renders (want a group name)"},
		{"a peer group's password", "vrf.default.router.bgp.peer-group.k8s.password", `"x"`,
			"set.vrf.default.router.bgp.peer-group.k8s.password is not a subtree underlay renders"},
		{"a peer group of any word", "vrf.default.router.bgp.peer-group.k8s.remote-as", `"auto"`, `want a number or external, internal, got "auto"`},
		{"a neighbor of any AS", "vrf.default.router.bgp.neighbor.swp1.remote-as", `"external"`, `want a number or internal, got "external"`},
		// A cluster's session settings, and nothing looser.
		{"a BFD profile", "vrf.default.router.bgp.peer-group.k8s.bfd.detect-multiplier", `3`,
			"set.vrf.default.router.bgp.peer-group.k8s.bfd.detect-multiplier is not a subtree underlay renders"},
		{"graceful restart full", "vrf.default.router.bgp.neighbor.swp1.graceful-restart.mode", `"full"`,
			`"full" is not a value underlay renders (helper-only)`},
		{"next hop forced", "vrf.default.router.bgp.peer-group.k8s.address-family.ipv4-unicast.nexthop-setting", `"force"`,
			`"force" is not a value underlay renders (self)`},
		{"private AS removed", "vrf.default.router.bgp.peer-group.k8s.address-family.ipv4-unicast.aspath.private-as", `"remove"`,
			"aspath.private-as is not a subtree underlay renders"},
		{"a default route by policy", "vrf.default.router.bgp.peer-group.k8s.address-family.ipv4-unicast.default-route-origination.policy", `"X"`,
			"default-route-origination.policy is not a subtree underlay renders"},
		{"iBGP multipaths in a VRF", "vrf.tenant-a.router.bgp.address-family.ipv4-unicast.multipaths.ibgp", `64`,
			"set.vrf.tenant-a.router.bgp.address-family.ipv4-unicast.multipaths.ibgp is not a subtree underlay renders"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := (&NVUE{}).Precheck(context.Background(), store.Files{"nvue.yaml": nvueWith(t, tt.path, tt.value)})
			if !errors.Is(err, ErrRejected) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an ErrRejected naming %q", err, tt.want)
			}
		})
	}
	// A neighbor's name holds dots, so this one is edited as text.
	doc := strings.Replace(string(seedLeaf2(t)["nvue.yaml"]), "remote-as: 65100", "remote-as: 65100\n                password: hunter2", 1)
	if _, err := admitNVUE([]byte(doc)); err == nil || !strings.Contains(err.Error(), "set.vrf.default.router.bgp.neighbor.10.0.0.2.password is not a subtree") {
		t.Errorf("a neighbor password: %v", err)
	}
	// The document is decoded once, strictly, for the admission and the
	// validator both: a key twice is refused before anything else.
	doc = strings.Replace(string(seedLeaf2(t)["nvue.yaml"]), "remote-as: 65100", "remote-as: 65100\n                remote-as: 65101", 1)
	err := (&NVUE{}).Precheck(context.Background(), store.Files{"nvue.yaml": []byte(doc)})
	if !errors.Is(err, ErrRejected) || !strings.Contains(err.Error(), "nvue.yaml: nvue document is not a list of header/set items") {
		t.Errorf("a key twice: %v", err)
	}
}

func sonicWith(t *testing.T, edit func(db configDB)) []byte {
	t.Helper()
	db := decodeDB(t, renderedSpine(t, "seed-lab"))
	edit(db)
	return jsonOf(db)
}

func TestAdmitSONiCRefuses(t *testing.T) {
	for _, tt := range []struct {
		name string
		edit func(db configDB)
		want string
	}{
		{"BGP disabled in FEATURE", func(db configDB) { db["FEATURE"] = map[string]map[string]any{"bgp": {"state": "disabled"}} },
			`config_db.json: table "FEATURE" (key "bgp") is not one underlay renders; refused`},
		{"sessions down at start", func(db configDB) { db["DEVICE_METADATA"]["localhost"]["default_bgp_status"] = "down" },
			`DEVICE_METADATA|localhost field "default_bgp_status" is not one underlay renders; refused`},
		{"FRR handed to the management framework", func(db configDB) { db["DEVICE_METADATA"]["localhost"]["frr_mgmt_framework_config"] = "true" },
			`field "frr_mgmt_framework_config" is not one underlay renders`},
		{"a port shut", func(db configDB) { db["PORT"]["Ethernet0"]["admin_status"] = "down" },
			`PORT|Ethernet0 field "admin_status" is "down"; underlay renders only up; refused`},
		{"a port moved to a VRF", func(db configDB) { db["INTERFACE"]["Ethernet0"]["vrf_name"] = "Vrf1" },
			`INTERFACE|Ethernet0 field "vrf_name" is not one underlay renders`},
		{"another loopback", func(db configDB) { db["LOOPBACK_INTERFACE"]["Loopback1"] = map[string]any{} },
			`LOOPBACK_INTERFACE key "Loopback1" is not one underlay renders (want Loopback0 or Loopback0|address/length)`},
		{"the management VRF's default route", func(db configDB) {
			db["STATIC_ROUTE"] = map[string]map[string]any{"mgmt|0.0.0.0/0": {"nexthop": "192.0.2.1"}}
		}, `STATIC_ROUTE key "mgmt|0.0.0.0/0" is not one underlay renders`},
		{"a default-VRF static route (bgpcfgd would push it into frr.conf)", func(db configDB) {
			db["STATIC_ROUTE"] = map[string]map[string]any{"10.1.0.0/24": {"blackhole": "true"}}
		}, `STATIC_ROUTE|10.1.0.0/24: underlay no longer renders STATIC_ROUTE`},
		{"the management interface", func(db configDB) {
			db["MGMT_INTERFACE"] = map[string]map[string]any{"eth0|10.0.0.9/24": {"gwaddr": "10.0.0.1"}}
		}, `table "MGMT_INTERFACE" (key "eth0|10.0.0.9/24") is not one underlay renders`},
		{"a list field", func(db configDB) { db["PORT"]["Ethernet0"]["mtu"] = []any{"9216"} },
			`PORT|Ethernet0 field "mtu": want a string`},
		{"a VLAN whose vlanid is not its name's", func(db configDB) { db["VLAN"] = map[string]map[string]any{"Vlan10": {"vlanid": "11"}} },
			`VLAN|Vlan10: vlanid 11 is not the VLAN the key names; refused`},
		{"Vlan1, which SONiC's YANG has not", func(db configDB) { db["VLAN"] = map[string]map[string]any{"Vlan1": {"vlanid": "1"}} },
			`VLAN key "Vlan1" is not one underlay renders (want VlanN)`},
		{"a priority-tagged member", func(db configDB) {
			db["VLAN_MEMBER"] = map[string]map[string]any{"Vlan10|Ethernet8": {"tagging_mode": "priority_tagged"}}
		}, `VLAN_MEMBER|Vlan10|Ethernet8 field "tagging_mode" is "priority_tagged"; underlay renders only untagged or tagged`},
		{"an SVI in the operator's VRF", func(db configDB) {
			db["VLAN_INTERFACE"] = map[string]map[string]any{"Vlan10": {"vrf_name": "Vrf_blue"}}
		}, `VLAN_INTERFACE|Vlan10: vrf_name "Vrf_blue" is not a VRF underlay renders (Vrf-…); refused`},
		{"LACP fallback off", func(db configDB) {
			db["PORTCHANNEL"] = map[string]map[string]any{"PortChannel0": {"admin_status": "up", "fallback": "false"}}
		}, `PORTCHANNEL|PortChannel0 field "fallback" is "false"; underlay renders only true`},
		{"a PortChannel shut", func(db configDB) {
			db["PORTCHANNEL"] = map[string]map[string]any{"PortChannel0": {"admin_status": "down"}}
		}, `PORTCHANNEL|PortChannel0 field "admin_status" is "down"`},
		{"a tunnel map off its key", func(db configDB) {
			db["VXLAN_TUNNEL_MAP"] = map[string]map[string]any{"vtep|map_10000_Vlan3725": {"vlan": "Vlan3726", "vni": "10000"}}
		}, `VXLAN_TUNNEL_MAP|vtep|map_10000_Vlan3725: vni 10000, vlan Vlan3726: not the VNI and VLAN the key names`},
		{"an IPv6 VTEP source", func(db configDB) { db["VXLAN_TUNNEL"] = map[string]map[string]any{"vtep": {"src_ip": "2001:db8::1"}} },
			`VXLAN_TUNNEL|vtep: src_ip 2001:db8::1 is not an IPv4 address`},
		{"a relay to a name", func(db configDB) {
			db["DHCPV4_RELAY"] = map[string]map[string]any{"Vlan10": {"dhcpv4_servers": []any{"pxe.example"}}}
		}, `DHCPV4_RELAY|Vlan10 field "dhcpv4_servers": item pxe.example is not one underlay renders`},
		{"a relay into a VRF", func(db configDB) {
			db["DHCPV4_RELAY"] = map[string]map[string]any{"Vlan10": {"dhcpv4_servers": []any{"10.0.0.1"}, "server_vrf": "Vrf-a"}}
		}, `DHCPV4_RELAY|Vlan10 field "server_vrf" is not one underlay renders`},
		{"a relay servers string", func(db configDB) {
			db["DHCPV4_RELAY"] = map[string]map[string]any{"Vlan10": {"dhcpv4_servers": "10.0.0.1"}}
		}, `DHCPV4_RELAY|Vlan10 field "dhcpv4_servers": want a list of strings`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := (&SONiC{}).Precheck(context.Background(), store.Files{"config_db.json": sonicWith(t, tt.edit)})
			if !errors.Is(err, ErrRejected) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an ErrRejected naming %q", err, tt.want)
			}
		})
	}
}

// TestAdmitNVUERefusesServerParts: around what server networks render
// (bonds, bridge ports, the DHCP relay, EVPN, VRFs), what underlay never
// renders stays refused.
func TestAdmitNVUERefusesServerParts(t *testing.T) {
	for _, tt := range []struct{ name, path, value, want string }{
		{"a relay in the management VRF", "service.dhcp-relay.mgmt", `{"server": {"10.0.0.1": {}}}`, "set.service.dhcp-relay.mgmt is not a subtree underlay renders"},
		{"relay option 82", "service.dhcp-relay.default", `{"agent": {"enable": "on"}}`, "set.service.dhcp-relay.default.agent is not a subtree"},
		{"a balance-rr bond", "interface.bond1", `{"type": "bond", "bond": {"member": {"swp1": {}}, "mode": "static"}}`, `bond.mode: "static" is not a value underlay renders (lacp)`},
		{"an MLAG bond", "interface.bond1", `{"type": "bond", "bond": {"member": {"swp1": {}}, "mlag": {"id": 1}}}`, "set.interface.bond1.bond.mlag is not a subtree"},
		{"the peerlink", "interface.peerlink", `{"type": "peerlink"}`, "set.interface.peerlink is not one underlay renders"},
		{"another bridge domain", "bridge.domain.br_storage", `{"vlan": {"10": {}}}`, "set.bridge.domain.br_storage is not a subtree"},
		{"an L2VNI", "bridge.domain.br_default.vlan", `{"10": {"vni": {"10": {}}}}`, "want {}, as underlay renders set members"},
		{"STP on a port", "interface.swp1.bridge.domain.br_default.stp", `{"admin-edge": "on"}`, "br_default.stp is not a subtree"},
		{"EVPN multihoming", "evpn.multihoming", `{"enable": "on"}`, "set.evpn.multihoming is not a subtree"},
		{"the management VRF's EVPN", "vrf.mgmt.evpn", `{"enable": "on"}`, "set.vrf.mgmt is not a subtree underlay renders"},
		{"EVPN peering in a tenant VRF", "vrf.tenant-a.router.bgp.address-family.l2vpn-evpn", `{"enable": "on"}`, "l2vpn-evpn is not a subtree"},
		{"a neighbour in a tenant VRF", "vrf.tenant-a.router.bgp.neighbor.swp1", `{"remote-as": 65000}`, "set.vrf.tenant-a.router.bgp.neighbor is not a subtree"},
		{"type-5 export in default", "vrf.default.router.bgp.address-family.ipv4-unicast.route-export", `{"to-evpn": {"enable": "on"}}`, "ipv4-unicast.route-export is not a subtree"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := admitNVUE(nvueWith(t, tt.path, tt.value)); !errors.Is(err, ErrRejected) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an ErrRejected naming %q", err, tt.want)
			}
		})
	}
}
