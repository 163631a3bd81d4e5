package sonic

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"underlay.dev/underlay/internal/checker/sonicyang"
	"underlay.dev/underlay/internal/intent"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/resolve"
	"underlay.dev/underlay/internal/testutil/fabrics"
	"underlay.dev/underlay/internal/testutil/golden"
)

// baremetal resolves examples/baremetal/fabric.yaml: a 2-spine × 4-leaf
// unnumbered fabric with Ironic's networks, bonded and single-port
// servers, two tenant VRFs and the PXE relay; leaf4 and spine2 are SONiC.
func baremetal(t *testing.T) *model.Fabric {
	t.Helper()
	return fabrics.Example(t, "baremetal")
}

func device(t *testing.T, f *model.Fabric, name string) *model.Device {
	t.Helper()
	return fabrics.Device(t, f, name)
}

// TestBaremetal pins config_db.json of the bare-metal fabric's SONiC leaf
// (VLANs, members, a PortChannel with LACP fallback, SVIs in the default
// instance and in VRFs, the L3VNIs over the VTEP, the DHCP relay) and
// spine (routed ports only: EVPN is frr.conf's), each valid against
// SONiC's YANG models. frr.conf is render/frr's to pin.
func TestBaremetal(t *testing.T) {
	f := baremetal(t)
	for _, name := range []string{"leaf4", "spine2"} {
		d := device(t, f, name)
		db, err := ConfigDB(d, Split(d))
		if err != nil {
			t.Fatal(err)
		}
		golden.Assert(t, "TestBaremetal/"+name+"-config_db.json", db)
		if testing.Short() {
			continue
		}
		schema, err := sonicyang.Shared()
		if err == nil {
			err = schema.Check(context.Background(), db)
		}
		golden.Checked(t, "baremetal/"+name+"/config_db.json", err)
	}
}

// TestBaremetalLeafRows checks the rows the issue names on leaf4, so a
// golden regenerated with a mistake in it does not pass unnoticed.
func TestBaremetalLeafRows(t *testing.T) {
	d := device(t, baremetal(t), "leaf4")
	b, err := ConfigDB(d, true)
	if err != nil {
		t.Fatal(err)
	}
	var db map[string]map[string]map[string]any
	if err := json.Unmarshal(b, &db); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"VLAN|Vlan102":                                     `{"vlanid":"102"}`,
		"VLAN_MEMBER|Vlan102|Ethernet8":                    `{"tagging_mode":"untagged"}`,
		"VLAN_MEMBER|Vlan103|PortChannel0":                 `{"tagging_mode":"untagged"}`,
		"PORTCHANNEL|PortChannel0":                         `{"admin_status":"up","fallback":"true","lacp_key":"auto","min_links":"1"}`,
		"PORTCHANNEL_MEMBER|PortChannel0|Ethernet4":        `{}`,
		"VLAN_INTERFACE|Vlan102":                           `{}`,
		"VLAN_INTERFACE|Vlan102|10.10.3.1/24":              `{}`,
		"VLAN_INTERFACE|Vlan103":                           `{"vrf_name":"Vrf-tenant-a"}`,
		"VLAN_INTERFACE|Vlan4000":                          `{"vrf_name":"Vrf-tenant-a"}`,
		"VRF|Vrf-tenant-a":                                 `{"vni":"10000"}`,
		"VXLAN_TUNNEL|vtep":                                `{"src_ip":"10.255.0.4"}`,
		"VXLAN_EVPN_NVO|nvo":                               `{"source_vtep":"vtep"}`,
		"VXLAN_TUNNEL_MAP|vtep|map_10000_Vlan4000":         `{"vlan":"Vlan4000","vni":"10000"}`,
		"DHCPV4_RELAY|Vlan102":                             `{"dhcpv4_servers":["10.20.1.10"],"link_selection":"enable","source_interface":"Loopback0"}`,
		"DHCPV4_RELAY|Vlan100":                             `{"dhcpv4_servers":["10.20.1.10"],"link_selection":"enable","source_interface":"Loopback0"}`,
		"PORT|Ethernet0":                                   `{"admin_status":"up","alias":"etp1","index":"0","lanes":"0,1,2,3","speed":"100000"}`,
		"DEVICE_METADATA|localhost|has_sonic_dhcpv4_relay": `"True"`,
	}
	for path, js := range want {
		parts := strings.SplitN(path, "|", 2)
		table, key := parts[0], parts[1]
		var got any
		if table == "DEVICE_METADATA" {
			got = db[table]["localhost"]["has_sonic_dhcpv4_relay"]
		} else if r, ok := db[table][key]; ok {
			got = r
		}
		if b, _ := json.Marshal(got); string(b) != js {
			t.Errorf("%s: %s, want %s", path, b, js)
		}
	}
	for _, absent := range []string{"VLAN_MEMBER|Vlan103|Ethernet0", "DHCPV4_RELAY|Vlan103", "INTERFACE|Ethernet8"} {
		parts := strings.SplitN(absent, "|", 2)
		if _, ok := db[parts[0]][parts[1]]; ok {
			t.Errorf("%s: rendered, want none (a PortChannel member, a tenant network, a bridge port)", absent)
		}
	}
}

// TestTrunkAndMTU: a trunk port (native VLAN untagged, others tagged) and
// a bond with an MTU, which its members take too (SONiC refuses a member
// whose MTU differs from its PortChannel's); YANG-valid.
func TestTrunkAndMTU(t *testing.T) {
	b, err := os.ReadFile("../../../examples/baremetal/fabric.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.NewReplacer(
		"{name: bm6, leaf: leaf4, ports: [Ethernet0, Ethernet4], untagged: tenant-a}",
		"{name: bm6, leaf: leaf4, ports: [Ethernet0, Ethernet4], mtu: 9000, lacpBypass: false, untagged: tenant-a, tagged: [tenant-b]}",
		"{name: bm7, leaf: leaf4, ports: [Ethernet8], untagged: provisioning}",
		"{name: bm7, leaf: leaf4, ports: [Ethernet8], tagged: [tenant-a, tenant-b]}").Replace(string(b))
	doc, err := intent.Parse("fabric.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	res, errs := resolve.Resolve(doc.Fabric, nil)
	if len(errs) > 0 {
		t.Fatal(doc.Locate(errs))
	}
	out, err := ConfigDB(device(t, res.Fabric, "leaf4"), true)
	if err != nil {
		t.Fatal(err)
	}
	var db map[string]map[string]map[string]any
	if err := json.Unmarshal(out, &db); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"VLAN_MEMBER|Vlan103|PortChannel0": `{"tagging_mode":"untagged"}`,
		"VLAN_MEMBER|Vlan104|PortChannel0": `{"tagging_mode":"tagged"}`,
		"VLAN_MEMBER|Vlan103|Ethernet8":    `{"tagging_mode":"tagged"}`,
		"VLAN_MEMBER|Vlan104|Ethernet8":    `{"tagging_mode":"tagged"}`,
		"PORTCHANNEL|PortChannel0":         `{"admin_status":"up","lacp_key":"auto","min_links":"1","mtu":"9000"}`,
	}
	for path, js := range want {
		parts := strings.SplitN(path, "|", 2)
		if got, _ := json.Marshal(db[parts[0]][parts[1]]); string(got) != js {
			t.Errorf("%s: %s, want %s", path, got, js)
		}
	}
	for _, port := range []string{"Ethernet0", "Ethernet4"} {
		if db["PORT"][port]["mtu"] != "9000" {
			t.Errorf("member %s: mtu %v, want the PortChannel's 9000", port, db["PORT"][port]["mtu"])
		}
	}
	if _, ok := db["VLAN_MEMBER"]["Vlan102|Ethernet8"]; ok {
		t.Error("bm7 left provisioning: Vlan102|Ethernet8 should be gone")
	}
	if testing.Short() {
		return
	}
	schema, err := sonicyang.Shared()
	if err == nil {
		err = schema.Check(context.Background(), out)
	}
	golden.Checked(t, "trunk/leaf4/config_db.json", err)
}
