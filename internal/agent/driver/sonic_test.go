package driver

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"underlay.dev/underlay/internal/agent/store"
	"underlay.dev/underlay/internal/checker/sonicyang"
	"underlay.dev/underlay/internal/lab/sonicemu"
	"underlay.dev/underlay/internal/testutil/golden"
)

// sonicCLI records commands and follows the documented behaviour of the
// SONiC CLI it is asked for: `show runningconfiguration all` prints
// CONFIG_DB as JSON; `config apply-patch [--dry-run] FILE` applies an RFC
// 6902 patch, validating the result against SONiC's YANG models first (as
// the Generic Config Updater does) and changing nothing on a dry run or a
// failure; `config reload -y FILE` replaces CONFIG_DB. It is a fake; the
// patch itself goes through the lab's SONiC emulation (RFC 6902, as GCU).
type sonicCLI struct {
	t        *testing.T
	running  []byte
	commands []string
}

func (c *sonicCLI) Run(ctx context.Context, args ...string) ([]byte, error) {
	c.commands = append(c.commands, strings.Join(args, " "))
	switch {
	case strings.Join(args, " ") == "show runningconfiguration all":
		return c.running, nil
	case len(args) >= 3 && args[0] == "config" && args[1] == "apply-patch":
		patch, err := os.ReadFile(args[len(args)-1])
		if err != nil {
			return nil, err
		}
		next, err := sonicemu.ApplyPatch(c.running, patch)
		if err != nil {
			return []byte(err.Error()), err
		}
		schema, err := sonicyang.Shared()
		if err != nil {
			golden.Unavailable(c.t, err.Error())
		}
		if err := schema.Check(ctx, next); err != nil {
			return []byte(err.Error()), fmt.Errorf("patch fails YANG validation")
		}
		if args[2] != "--dry-run" {
			c.running = next
		}
		return []byte("Patch applied successfully."), nil
	case len(args) == 4 && args[0] == "config" && args[1] == "reload":
		b, err := os.ReadFile(args[3])
		c.running = b
		return nil, err
	case args[0] == "docker":
		return nil, nil
	}
	return nil, fmt.Errorf("unexpected command %v", args)
}

func renderedSpine(t *testing.T, example string) []byte {
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "examples", example, "rendered", "spine", "config_db.json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSONiCAppliesChange738AsOnePatch: the seed lab's change #738 on the
// SONiC spine becomes one JSON-patch operation applied with the Generic
// Config Updater (dry run first), never a disruptive config reload.
func TestSONiCAppliesChange738AsOnePatch(t *testing.T) {
	if testing.Short() {
		t.Skip("validates with the SONiC YANG models")
	}
	cli := &sonicCLI{t: t, running: renderedSpine(t, "seed-lab")}
	dir := t.TempDir()
	d := &SONiC{Run: cli.Run, ConfigPath: filepath.Join(dir, "config_db.json"), WorkDir: dir}
	desired := store.Files{"config_db.json": renderedSpine(t, "seed-lab-update")}
	if err := d.Precheck(context.Background(), desired); err != nil {
		t.Fatalf("pre-check: %v", err)
	}
	var running, want map[string]any
	must(t, json.Unmarshal(cli.running, &running))
	must(t, json.Unmarshal(desired["config_db.json"], &want))
	ops := Diff(running, want)
	if len(ops) != 1 || ops[0].Op != "add" || ops[0].Path != "/LOOPBACK_INTERFACE/Loopback0|198.51.100.100~132" {
		t.Fatalf("patch: %+v", ops)
	}
	if err := d.Apply(context.Background(), desired); err != nil {
		t.Fatal(err)
	}
	must(t, json.Unmarshal(cli.running, &running))
	if !reflect.DeepEqual(running, want) {
		t.Error("running CONFIG_DB differs from the desired one after the patch")
	}
	want3 := []string{"show runningconfiguration all", "config apply-patch --dry-run", "config apply-patch " + dir}
	for i, w := range want3 {
		if i >= len(cli.commands) || !strings.HasPrefix(cli.commands[i], w) {
			t.Fatalf("commands %q, want prefixes %q", cli.commands, want3)
		}
	}
	// A patch the YANG models refuse is stopped by the dry run.
	bad := strings.Replace(string(desired["config_db.json"]), `"mtu": "9216"`, `"mtu": "99999"`, 1)
	before := string(cli.running)
	if err := d.Apply(context.Background(), store.Files{"config_db.json": []byte(bad)}); err == nil || !strings.Contains(err.Error(), "--dry-run") {
		t.Errorf("bad patch: %v", err)
	}
	if string(cli.running) != before {
		t.Error("a refused patch changed CONFIG_DB")
	}
}

// TestSONiCRoutingModeChangeReloads: bgpcfgd reads the routing mode only
// when the bgp container starts, so a mode change is a config reload.
func TestSONiCRoutingModeChangeReloads(t *testing.T) {
	desired := renderedSpine(t, "seed-lab")
	unified := strings.Replace(string(desired), `"docker_routing_config_mode": "split"`, `"docker_routing_config_mode": "unified"`, 1)
	if unified == string(desired) {
		t.Fatal("the seed spine is expected in split mode")
	}
	cli := &sonicCLI{t: t, running: []byte(unified)}
	dir := t.TempDir()
	d := &SONiC{Run: cli.Run, ConfigPath: filepath.Join(dir, "config_db.json"), WorkDir: dir}
	if err := d.Apply(context.Background(), store.Files{"config_db.json": desired}); err != nil {
		t.Fatal(err)
	}
	if len(cli.commands) != 2 || !strings.HasPrefix(cli.commands[1], "config reload -y") {
		t.Errorf("commands %q: want show, then config reload", cli.commands)
	}
}

// TestSONiCDrift: a hand-made CONFIG_DB change shows as the patch that
// would undo it; tables the file does not hold are not drift.
func TestSONiCDrift(t *testing.T) {
	desired := renderedSpine(t, "seed-lab")
	var db map[string]any
	must(t, json.Unmarshal(desired, &db))
	db["FEATURE"] = map[string]any{"bgp": map[string]any{"state": "enabled"}}
	running, _ := json.Marshal(db)
	cli := &sonicCLI{t: t, running: running}
	d := &SONiC{Run: cli.Run}
	cfg := store.Files{"config_db.json": desired}
	if diff, err := d.Drift(context.Background(), cfg); err != nil || diff != "" {
		t.Fatalf("in sync: %q, %v", diff, err)
	}
	cli.running = []byte(strings.Replace(string(running), `"mtu":"9216"`, `"mtu":"1500"`, 1))
	diff, err := d.Drift(context.Background(), cfg)
	if err != nil || !strings.Contains(diff, "replace /PORT/Ethernet0/mtu") {
		t.Errorf("hand-made MTU change: %q, %v", diff, err)
	}
}
