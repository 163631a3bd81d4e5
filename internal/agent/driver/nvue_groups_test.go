package driver

import (
	"context"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"underlay.dev/underlay/internal/agent/store"
	"underlay.dev/underlay/internal/nvueemu"
)

// TestNVUEAppliesGroups: a document with a peer group, its listen range
// and limit and a prefix limit (the NVUE renderer's outside-border1
// golden, resolved from an intent) passes the pre-check, applies, shows no
// drift, and a hand-made change to the listen limit shows as drift.
func TestNVUEAppliesGroups(t *testing.T) {
	doc, err := os.ReadFile(repoRoot + "/internal/render/nvue/testdata/TestGolden/outside-border1.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg := store.Files{"nvue.yaml": doc}
	emu := nvueemu.New()
	srv := httptest.NewServer(emu)
	defer srv.Close()
	d := &NVUE{BaseURL: srv.URL}
	ctx := context.Background()
	if err := d.Precheck(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	if err := d.Apply(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	if diff, err := d.Drift(ctx, cfg); err != nil || diff != "" {
		t.Fatalf("right after apply: %q, %v", diff, err)
	}
	if !strings.Contains(string(doc), "limit: 64\n") {
		t.Fatalf("the golden has no listen limit 64:\n%s", doc)
	}
	hand := store.Files{"nvue.yaml": []byte(strings.Replace(string(doc), "limit: 64\n", "limit: 500\n", 1))}
	if err := d.Apply(ctx, hand); err != nil {
		t.Fatal(err)
	}
	diff, err := d.Drift(ctx, cfg)
	if err != nil || !strings.Contains(diff, "vrf.default.router.bgp.dynamic-neighbor.limit: 500, want 64") {
		t.Errorf("hand-made listen limit: %q, %v", diff, err)
	}
}
