package driver

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"underlay.dev/underlay/internal/agent/store"
	"underlay.dev/underlay/internal/nvueemu"
)

// nvueOperator is configuration an NVUE switch holds that underlay never
// renders, by path: the management port in the management VRF, a local
// user, NTP, syslog, SNMP, DNS and the operator's own route map.
var nvueOperator = map[string]string{
	"interface.eth0":                  `{"type": "eth", "ip": {"vrf": "mgmt", "address": {"10.250.0.11/24": {}}}}`,
	"vrf.mgmt":                        `{"router": {"static": {"0.0.0.0/0": {"via": {"10.250.0.1": {}}}}}}`,
	"system.aaa":                      `{"user": {"netops": {"role": "system-admin", "hashed-password": "$6$x$y"}}}`,
	"system.timezone":                 `"Europe/Berlin"`,
	"service.ntp":                     `{"mgmt": {"server": {"10.250.0.5": {"iburst": "on"}}}}`,
	"service.syslog":                  `{"mgmt": {"server": {"10.250.0.6": {"port": 514}}}}`,
	"service.snmp-server":             `{"enable": "on", "readonly-community": {"netops-ro": {"access": {"any": {}}}}}`,
	"service.dns":                     `{"mgmt": {"server": {"10.250.0.53": {}}}}`,
	"router.policy.route-map.MGMT-IN": `{"rule": {"10": {"action": {"deny": {}}}}}`,
}

// nvueStale is what an earlier revision left that underlay owns and no
// longer renders.
var nvueStale = map[string]string{
	"interface.swp9":                       `{"type": "swp", "ip": {"address": {"10.9.9.0/31": {}}}}`,
	"router.policy.route-map.UNDERLAY-OLD": `{"rule": {"10": {"action": {"deny": {}}}}}`,
	"system.hostname":                      `"cumulus"`,
}

func treeAt(tree map[string]any, path string) (any, bool) {
	var v any = tree
	for _, k := range strings.Split(path, ".") {
		m, _ := v.(map[string]any)
		var ok bool
		if v, ok = m[k]; !ok {
			return nil, false
		}
	}
	return v, true
}

func deleteAt(tree map[string]any, path string) {
	parent, key := any(tree), path
	if i := strings.LastIndex(path, "."); i >= 0 {
		parent, _ = treeAt(tree, path[:i])
		key = path[i+1:]
	}
	if m, ok := parent.(map[string]any); ok {
		delete(m, key)
	}
}

func switchTree(t *testing.T, parts ...map[string]string) map[string]any {
	tree := map[string]any{}
	for _, part := range parts {
		for path, js := range part {
			var v any
			if err := json.Unmarshal([]byte(js), &v); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			putAt(tree, strings.Split(path, "."), v)
		}
	}
	return tree
}

// TestNVUELeavesOperatorConfigAlone: applied to a switch that holds the
// operator's configuration, the revision leaves every byte of it as it was,
// makes what underlay owns exactly the document's (removing what an
// earlier revision left), and none of the operator's changes is drift.
func TestNVUELeavesOperatorConfigAlone(t *testing.T) {
	emu := nvueemu.New()
	emu.SetApplied(switchTree(t, nvueOperator, nvueStale))
	srv := httptest.NewServer(emu)
	defer srv.Close()
	d := &NVUE{BaseURL: srv.URL}
	ctx := context.Background()
	cfg := seedLeaf2(t)
	if err := d.Apply(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	applied := emu.Applied()
	for path, js := range nvueOperator {
		got, ok := treeAt(applied, path)
		var want any
		must(t, json.Unmarshal([]byte(js), &want))
		if !ok || !reflect.DeepEqual(jsonOf(got), jsonOf(want)) {
			t.Errorf("%s: %s, was %s", path, jsonOf(got), js)
		}
		deleteAt(applied, path)
	}
	deleteAt(applied, "service")
	var doc []map[string]map[string]any
	if err := yaml.Unmarshal(cfg["nvue.yaml"], &doc); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(jsonOf(applied), jsonOf(doc[0]["set"])) {
		t.Errorf("underlay's part of the switch:\n%s\nwant the document's:\n%s", jsonOf(applied), jsonOf(doc[0]["set"]))
	}

	if diff, err := d.Drift(ctx, cfg); err != nil || diff != "" {
		t.Fatalf("right after apply: %q, %v", diff, err)
	}
	changed := emu.Applied()
	putAt(changed, []string{"service", "ntp", "mgmt", "server", "10.250.0.9"}, map[string]any{})
	putAt(changed, []string{"interface", "eth0", "ip", "address", "10.250.0.12/24"}, map[string]any{})
	emu.SetApplied(changed)
	if diff, err := d.Drift(ctx, cfg); err != nil || diff != "" {
		t.Errorf("the operator's changes are not drift: %q, %v", diff, err)
	}
	putAt(changed, []string{"interface", "swp1", "link", "mtu"}, 1500.0)
	emu.SetApplied(changed)
	if diff, err := d.Drift(ctx, cfg); err != nil || diff != "~ interface.swp1.link.mtu: 1500, want 9216" {
		t.Errorf("a change to an interface underlay owns: %q, %v", diff, err)
	}
}

// TestNVUERestoresACapturedBaseline: a baseline captured from the switch
// (its whole applied tree, the operator's part included, never admitted)
// is what a failed first revision rolls back to, and Apply restores it
// exactly.
func TestNVUERestoresACapturedBaseline(t *testing.T) {
	emu := nvueemu.New()
	before := switchTree(t, nvueOperator, nvueStale)
	emu.SetApplied(before)
	srv := httptest.NewServer(emu)
	defer srv.Close()
	d := &NVUE{BaseURL: srv.URL}
	ctx := context.Background()
	baseline, _ := yaml.Marshal([]map[string]any{{"set": before}})
	if err := d.Apply(ctx, seedLeaf2(t)); err != nil {
		t.Fatal(err)
	}
	if err := d.Apply(ctx, store.Files{"nvue.yaml": baseline}); err != nil {
		t.Fatal(err)
	}
	// Containers above the owned subtrees (vrf default router, router
	// policy prefix-list) may stay behind empty: they configure nothing.
	got := emu.Applied()
	pruneContainers(NVUEOwned, got)
	if !reflect.DeepEqual(jsonOf(got), jsonOf(before)) {
		t.Errorf("restored:\n%s\nwant the switch as it was:\n%s", jsonOf(got), jsonOf(before))
	}
}

// pruneContainers drops the objects of tree at s's non-unit nodes that hold
// nothing; what is inside a unit (set members such as addresses are empty
// objects too) is never touched.
func pruneContainers(s *shape, tree map[string]any) {
	for k, v := range tree {
		f := s.Fields[k]
		if f == nil && s.Each != nil && s.Name(k) {
			f = s.Each
		}
		m, ok := v.(map[string]any)
		if f == nil || f.Unit || !ok {
			continue
		}
		pruneContainers(f, m)
		if len(m) == 0 {
			delete(tree, k)
		}
	}
}
