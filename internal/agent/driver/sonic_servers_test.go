package driver

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"underlay.dev/underlay/internal/agent/store"
)

func renderedLeaf4(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "internal", "render", "sonic", "testdata", "TestBaremetal", "leaf4-config_db.json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// factorySwitch is a SONiC image's factory CONFIG_DB as far as it meets
// a server leaf: Vlan1000 with the server ports as untagged members and
// an address, and an operator's VRF (not underlay's: no Vrf- prefix).
func factorySwitch(t *testing.T) []byte {
	t.Helper()
	db := configDB{
		"DEVICE_METADATA": {"localhost": {"hostname": "sonic", "buffer_model": "traditional"}},
		"VLAN":            {"Vlan1000": {"vlanid": "1000", "dhcp_servers": []any{"192.0.0.1"}}},
		"VLAN_MEMBER": {"Vlan1000|Ethernet0": {"tagging_mode": "untagged"}, "Vlan1000|Ethernet4": {"tagging_mode": "untagged"},
			"Vlan1000|Ethernet8": {"tagging_mode": "untagged"}},
		"VLAN_INTERFACE": {"Vlan1000": {}, "Vlan1000|192.168.0.1/21": {}},
		"VRF":            {"Vrf_ops": {}},
	}
	for k, v := range sonicOperatorTables() {
		var rows map[string]map[string]any
		must(t, json.Unmarshal(jsonOf(v), &rows))
		db[k] = rows
	}
	return jsonOf(db)
}

// TestSONiCAppliesServerLeaf: the bare-metal leaf's config_db.json
// (VLANs, a PortChannel, SVIs in VRFs, the VTEP, the relay) passes the
// pre-check and is patched onto a factory switch, whose Vlan1000 and its
// members go (they hold the server ports) while the operator's VRF and
// tables stay; then moving a server is a patch of that port's membership
// only.
func TestSONiCAppliesServerLeaf(t *testing.T) {
	if testing.Short() {
		t.Skip("validates with the SONiC YANG models")
	}
	cli := &sonicCLI{t: t, running: factorySwitch(t)}
	dir := t.TempDir()
	d := &SONiC{Run: cli.Run, ConfigPath: filepath.Join(dir, "config_db.json"), WorkDir: dir}
	ctx := context.Background()
	cfg := store.Files{"config_db.json": renderedLeaf4(t)}
	if err := d.Precheck(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	if err := d.Apply(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	got, file := decodeDB(t, cli.running), decodeDB(t, cfg["config_db.json"])
	for _, table := range []string{"VLAN", "VLAN_MEMBER", "VLAN_INTERFACE", "PORTCHANNEL", "PORTCHANNEL_MEMBER",
		"VXLAN_TUNNEL", "VXLAN_EVPN_NVO", "VXLAN_TUNNEL_MAP", "DHCPV4_RELAY"} {
		if string(jsonOf(got[table])) != string(jsonOf(file[table])) {
			t.Errorf("table %s: %s, want the file's %s", table, jsonOf(got[table]), jsonOf(file[table]))
		}
	}
	if _, kept := got["VRF"]["Vrf_ops"]; !kept || got["VRF"]["Vrf-tenant-a"]["vni"] != "10000" {
		t.Errorf("VRF: %s, want the operator's Vrf_ops and underlay's Vrf-tenant-a", jsonOf(got["VRF"]))
	}
	if got["DEVICE_METADATA"]["localhost"]["buffer_model"] != "traditional" {
		t.Error("SONiC's own DEVICE_METADATA field was dropped")
	}
	if diff, err := d.Drift(ctx, cfg); err != nil || diff != "" {
		t.Fatalf("right after apply: %q, %v", diff, err)
	}

	// bm6 (PortChannel0) moves from tenant-a (Vlan103) to tenant-b (Vlan104).
	moved := strings.Replace(string(cfg["config_db.json"]), `"Vlan103|PortChannel0"`, `"Vlan104|PortChannel0"`, 1)
	var running, want map[string]any
	must(t, json.Unmarshal(cli.running, &running))
	must(t, json.Unmarshal([]byte(moved), &want))
	ops := Diff(running, sonicTarget(running, want))
	if len(ops) != 2 || ops[0].Path != "/VLAN_MEMBER/Vlan103|PortChannel0" || ops[1].Path != "/VLAN_MEMBER/Vlan104|PortChannel0" {
		t.Fatalf("a server move: patch %+v, want the one membership removed and the other added", ops)
	}
	if err := d.Apply(ctx, store.Files{"config_db.json": []byte(moved)}); err != nil {
		t.Fatal(err)
	}
}

// TestSONiCRelayAgentChangeReloads: the dhcp_relay container picks SONiC's
// DHCPv4 relay agent (has_sonic_dhcpv4_relay) only when it starts, so
// turning it on is a config reload; the same file again is a patch.
func TestSONiCRelayAgentChangeReloads(t *testing.T) {
	desired := renderedLeaf4(t)
	without := strings.Replace(string(desired), `"has_sonic_dhcpv4_relay": "True",`, "", 1)
	if without == string(desired) {
		t.Fatal("leaf4 is expected to relay")
	}
	cli := &sonicCLI{t: t, running: []byte(without)}
	dir := t.TempDir()
	d := &SONiC{Run: cli.Run, ConfigPath: filepath.Join(dir, "config_db.json"), WorkDir: dir}
	if err := d.Apply(context.Background(), store.Files{"config_db.json": desired}); err != nil {
		t.Fatal(err)
	}
	if len(cli.commands) != 2 || !strings.HasPrefix(cli.commands[1], "config reload -y") {
		t.Errorf("commands %q: want show, then config reload", cli.commands)
	}
}
