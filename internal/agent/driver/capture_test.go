package driver

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"underlay.dev/underlay/internal/agent/store"
	"underlay.dev/underlay/internal/nvueemu"
)

func TestRunningToConf(t *testing.T) {
	got := string(runningToConf([]byte("Building configuration...\n\nCurrent configuration:\n!\nfrr version 10.3\n!\nend\n")))
	if got != "\n!\nfrr version 10.3\n!\nend\n" {
		t.Errorf("got %q", got)
	}
}

// TestNVUECaptureRoundTrip: the captured applied revision, applied again
// over a later one, restores the earlier tree exactly.
func TestNVUECaptureRoundTrip(t *testing.T) {
	emu := nvueemu.New()
	srv := httptest.NewTLSServer(emu)
	defer srv.Close()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	writePEM(t, ca, srv)
	d := &NVUE{BaseURL: srv.URL, CAFile: ca}
	ctx := context.Background()
	if err := d.Apply(ctx, seedLeaf2(t)); err != nil {
		t.Fatal(err)
	}
	before := emu.Applied()
	orig, err := d.Capture(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Apply(ctx, store.Files{"nvue.yaml": []byte("- set:\n    system:\n      hostname: other\n")}); err != nil {
		t.Fatal(err)
	}
	if err := d.Apply(ctx, orig); err != nil {
		t.Fatalf("restoring the capture: %v", err)
	}
	if after := emu.Applied(); !reflect.DeepEqual(before, after) {
		t.Errorf("restored tree differs:\nbefore %v\nafter  %v", before, after)
	}
}

func TestIfupdown2Capture(t *testing.T) {
	path := filepath.Join(t.TempDir(), "interfaces")
	i := &Ifupdown2{Path: path}
	got, err := i.Capture(context.Background())
	if err != nil || len(got["interfaces"]) != 0 || got["interfaces"] == nil {
		t.Fatalf("missing file: %q, %v", got, err)
	}
	must(t, os.WriteFile(path, []byte("auto lo\niface lo inet loopback\n"), 0o644))
	if got, err := i.Capture(context.Background()); err != nil || string(got["interfaces"]) != "auto lo\niface lo inet loopback\n" {
		t.Fatalf("file: %q, %v", got, err)
	}
}

// TestSONiCCaptureKeepsOwnedTables: the capture holds the tables underlay
// renders as they run, and nothing else (FEATURE stays the image's).
func TestSONiCCaptureKeepsOwnedTables(t *testing.T) {
	var db map[string]any
	must(t, json.Unmarshal(renderedSpine(t, "seed-lab"), &db))
	db["FEATURE"] = map[string]any{"bgp": map[string]any{"state": "enabled"}}
	running, _ := json.Marshal(db)
	cli := &sonicCLI{t: t, running: running}
	got, err := (&SONiC{Run: cli.Run}).Capture(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var captured map[string]any
	if err := json.Unmarshal(got["config_db.json"], &captured); err != nil {
		t.Fatal(err)
	}
	if _, ok := captured["FEATURE"]; ok || !reflect.DeepEqual(captured["BGP_NEIGHBOR"], db["BGP_NEIGHBOR"]) {
		t.Errorf("captured tables: %v", keys(captured))
	}
	if _, ok := got["frr.conf"]; ok != (routingMode(db) == "split") {
		t.Errorf("frr.conf captured: %v in %s mode", ok, routingMode(db))
	}
}

func keys(m map[string]any) string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return strings.Join(out, ",")
}

// must fails the test when a step of its setup fails, so a test cannot
// pass on a setup that never happened.
func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
