package driver

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"underlay.dev/underlay/internal/agent/store"
)

type configDB = map[string]map[string]map[string]any

func decodeDB(t *testing.T, b []byte) configDB {
	t.Helper()
	var db configDB
	if err := json.Unmarshal(b, &db); err != nil {
		t.Fatal(err)
	}
	return db
}

func jsonOf(v any) []byte { b, _ := json.Marshal(v); return b }

// assertOperatorKept fails for each part of was that underlay does not own
// and that got does not hold byte for byte.
func assertOperatorKept(t *testing.T, got, was configDB) {
	t.Helper()
	for table := range sonicOperatorTables() {
		if !bytes.Equal(jsonOf(got[table]), jsonOf(was[table])) {
			t.Errorf("table %s changed: %s, was %s", table, jsonOf(got[table]), jsonOf(was[table]))
		}
	}
	for _, f := range []string{"buffer_model", "synchronous_mode", "timezone"} {
		if g, w := got["DEVICE_METADATA"]["localhost"][f], was["DEVICE_METADATA"]["localhost"][f]; g != w {
			t.Errorf("DEVICE_METADATA|localhost %s: %v, was %v", f, g, w)
		}
	}
	if !bytes.Equal(jsonOf(got["PORT"]["Ethernet8"]), jsonOf(was["PORT"]["Ethernet8"])) || got["PORT"]["Ethernet0"]["fec"] != "rs" {
		t.Errorf("ports underlay does not configure changed: Ethernet8 %v, Ethernet0 fec %v", got["PORT"]["Ethernet8"], got["PORT"]["Ethernet0"]["fec"])
	}
	if !bytes.Equal(jsonOf(got["STATIC_ROUTE"]), jsonOf(was["STATIC_ROUTE"])) {
		t.Errorf("management-VRF routes changed: %s", jsonOf(got["STATIC_ROUTE"]))
	}
}

// assertOwnedIs fails unless what underlay owns in got is the file's.
func assertOwnedIs(t *testing.T, got, file configDB) {
	t.Helper()
	for table, rows := range file {
		for key, row := range rows {
			for f, v := range row {
				if got[table][key][f] != v {
					t.Errorf("%s|%s %s: %v, want %v", table, key, f, got[table][key][f], v)
				}
			}
		}
	}
	for _, table := range []string{"INTERFACE", "LOOPBACK_INTERFACE", "DEVICE_NEIGHBOR", "BGP_NEIGHBOR"} {
		if !bytes.Equal(jsonOf(got[table]), jsonOf(file[table])) {
			t.Errorf("table %s: %s, want the file's %s", table, jsonOf(got[table]), jsonOf(file[table]))
		}
	}
}

// TestSONiCLeavesOperatorConfigAlone: applied to a switch that holds the
// operator's tables, SONiC's own fields and ports underlay never
// configures, the patch changes only what underlay owns (and removes the
// rows it owns and no longer renders); config_db.json is saved with all
// of it, and none of it is drift.
func TestSONiCLeavesOperatorConfigAlone(t *testing.T) {
	if testing.Short() {
		t.Skip("validates with the SONiC YANG models")
	}
	before := sonicSwitch(t)
	cli := &sonicCLI{t: t, running: before}
	dir := t.TempDir()
	d := &SONiC{Run: cli.Run, ConfigPath: filepath.Join(dir, "config_db.json"), WorkDir: dir}
	ctx := context.Background()
	cfg := store.Files{"config_db.json": renderedSpine(t, "seed-lab-update")}
	if err := d.Precheck(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	if err := d.Apply(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(strings.Join(cli.commands, "\n"), "config reload") {
		t.Fatalf("commands %q: want a patch, not a reload", cli.commands)
	}
	got, file := decodeDB(t, cli.running), decodeDB(t, cfg["config_db.json"])
	assertOperatorKept(t, got, decodeDB(t, before))
	assertOwnedIs(t, got, file)
	saved, err := os.ReadFile(d.ConfigPath)
	if err != nil || !bytes.Equal(jsonOf(decodeDB(t, saved)), jsonOf(got)) {
		t.Errorf("saved config_db.json is not the running CONFIG_DB (%v)", err)
	}
	if t.Failed() {
		return
	}

	if diff, err := d.Drift(ctx, cfg); err != nil || diff != "" {
		t.Fatalf("right after apply: %q, %v", diff, err)
	}
	got["NTP_SERVER"]["10.250.0.9"] = map[string]any{}
	got["DEVICE_METADATA"]["localhost"]["timezone"] = "UTC"
	got["PORT"]["Ethernet8"]["admin_status"] = "up"
	cli.running = jsonOf(got)
	if diff, err := d.Drift(ctx, cfg); err != nil || diff != "" {
		t.Errorf("the operator's changes are not drift: %q, %v", diff, err)
	}
	got["PORT"]["Ethernet0"]["mtu"] = "1500"
	cli.running = jsonOf(got)
	if diff, err := d.Drift(ctx, cfg); err != nil || diff != "replace /PORT/Ethernet0/mtu" {
		t.Errorf("a change to a port underlay configures: %q, %v", diff, err)
	}
}

// TestSONiCReloadKeepsOperatorConfig: `config reload` replaces CONFIG_DB
// with the file it is given, so that file must be the running CONFIG_DB
// with underlay's part replaced, never the rendered file alone.
func TestSONiCReloadKeepsOperatorConfig(t *testing.T) {
	before := sonicSwitch(t)
	cli := &sonicCLI{t: t, running: before}
	dir := t.TempDir()
	d := &SONiC{Run: cli.Run, ConfigPath: filepath.Join(dir, "config_db.json"), WorkDir: dir, Reload: true}
	cfg := store.Files{"config_db.json": renderedSpine(t, "seed-lab-update")}
	if err := d.Apply(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	if len(cli.commands) != 2 || !strings.HasPrefix(cli.commands[1], "config reload -y") {
		t.Fatalf("commands %q: want show, then config reload", cli.commands)
	}
	got := decodeDB(t, cli.running)
	assertOperatorKept(t, got, decodeDB(t, before))
	assertOwnedIs(t, got, decodeDB(t, cfg["config_db.json"]))
}

// TestSONiCRestoresACapturedBaseline: a baseline captured from the switch
// (the running rows of the tables underlay owns, SONiC's own fields
// included, never admitted) is what a failed first revision rolls back to,
// and Apply restores the switch to exactly what it ran.
func TestSONiCRestoresACapturedBaseline(t *testing.T) {
	if testing.Short() {
		t.Skip("validates with the SONiC YANG models")
	}
	before := sonicSwitch(t)
	was := decodeDB(t, before)
	baseline := configDB{}
	for table := range SONiCOwned {
		if rows, ok := was[table]; ok {
			baseline[table] = rows
		}
	}
	cli := &sonicCLI{t: t, running: before}
	dir := t.TempDir()
	d := &SONiC{Run: cli.Run, ConfigPath: filepath.Join(dir, "config_db.json"), WorkDir: dir}
	ctx := context.Background()
	if err := d.Apply(ctx, store.Files{"config_db.json": renderedSpine(t, "seed-lab-update")}); err != nil {
		t.Fatal(err)
	}
	if err := d.Apply(ctx, store.Files{"config_db.json": jsonOf(baseline)}); err != nil {
		t.Fatal(err)
	}
	if got := decodeDB(t, cli.running); !bytes.Equal(jsonOf(got), jsonOf(was)) {
		t.Errorf("restored:\n%s\nwant the switch as it was:\n%s", jsonOf(got), jsonOf(was))
	}
}
