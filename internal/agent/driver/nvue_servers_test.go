package driver

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"underlay.dev/underlay/internal/agent/store"
	"underlay.dev/underlay/internal/nvueemu"
)

// serversLeaf is the nvue renderer's golden of the bare-metal example's
// leaf3: a bond, a trunk, SVIs in two VRFs, EVPN and a DHCP relay.
func serversLeaf(t *testing.T) store.Files {
	t.Helper()
	b, err := os.ReadFile(repoRoot + "/internal/render/nvue/testdata/TestServersGolden/baremetal-leaf3.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return store.Files{"nvue.yaml": b}
}

func setTree(t *testing.T, doc []byte) map[string]any {
	t.Helper()
	var items []map[string]map[string]any
	if err := yaml.Unmarshal(doc, &items); err != nil {
		t.Fatal(err)
	}
	return items[0]["set"]
}

// TestNVUEAppliesServers: a leaf with server networks applies next to the
// operator's configuration (left as it was), the switch then holds
// exactly the document's part; moving a server to another network patches
// that one bond; a document without servers removes every server part.
func TestNVUEAppliesServers(t *testing.T) {
	emu := nvueemu.New()
	// The operator's own VRF, named as a network could be, has no L3VNI:
	// it stays theirs.
	operator := map[string]string{"vrf.storage": `{"router": {"static": {"10.60.0.0/16": {"via": {"blackhole": {"type": "blackhole"}}}}}}`}
	for k, v := range nvueOperator {
		operator[k] = v
	}
	emu.SetApplied(switchTree(t, operator))
	srv := httptest.NewServer(emu)
	defer srv.Close()
	d := &NVUE{BaseURL: srv.URL}
	ctx := context.Background()
	cfg := serversLeaf(t)
	if err := d.Precheck(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	if err := d.Apply(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	applied := emu.Applied()
	for path, js := range operator {
		got, _ := treeAt(applied, path)
		var want any
		must(t, json.Unmarshal([]byte(js), &want))
		if !reflect.DeepEqual(jsonOf(got), jsonOf(want)) {
			t.Errorf("%s: %s, was %s", path, jsonOf(got), js)
		}
		deleteAt(applied, path)
	}
	deleteAt(applied, "service.ntp")
	deleteAt(applied, "service.syslog")
	deleteAt(applied, "service.snmp-server")
	deleteAt(applied, "service.dns")
	if want := setTree(t, cfg["nvue.yaml"]); !reflect.DeepEqual(jsonOf(applied), jsonOf(want)) {
		t.Errorf("underlay's part of the switch:\n%s\nwant the document's:\n%s", jsonOf(applied), jsonOf(want))
	}

	moved := store.Files{"nvue.yaml": []byte(strings.Replace(string(cfg["nvue.yaml"]), "access: 101", "access: 102", 1))}
	patch := nvuePatch(emu.Applied(), setTree(t, moved["nvue.yaml"]))
	if got := string(jsonOf(patch)); got != `{"interface":{"bond1":{"bridge":{"domain":{"br_default":{"access":102}}}}}}` {
		t.Errorf("a server move patches %s", got)
	}
	if err := d.Apply(ctx, moved); err != nil {
		t.Fatal(err)
	}
	if diff, err := d.Drift(ctx, moved); err != nil || diff != "" {
		t.Errorf("after the move: %q, %v", diff, err)
	}

	if err := d.Apply(ctx, seedLeaf2(t)); err != nil {
		t.Fatal(err)
	}
	applied = emu.Applied()
	for _, path := range []string{"interface.bond1", "interface.vlan100", "bridge.domain.br_default.vlan", "evpn.enable",
		"nve.vxlan.source", "service.dhcp-relay.default", "vrf.tenant-a.evpn", "vrf.tenant-a.router.bgp"} {
		if v, ok := treeAt(applied, path); ok {
			t.Errorf("%s stayed: %s", path, jsonOf(v))
		}
	}
	if _, ok := treeAt(applied, "service.ntp"); !ok {
		t.Error("the operator's NTP went with the relay")
	}
	if _, ok := treeAt(applied, "vrf.storage.router.static"); !ok {
		t.Error("the operator's VRF went with the tenant VRFs")
	}
}
