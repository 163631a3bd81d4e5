package driver_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"underlay.dev/underlay/internal/agent"
	"underlay.dev/underlay/internal/agent/driver"
	"underlay.dev/underlay/internal/agent/store"
	"underlay.dev/underlay/internal/gen"
	"underlay.dev/underlay/internal/testutil/fabrics"
	"underlay.dev/underlay/internal/testutil/frrlab"
)

// TestFirstApplyRollsBackToTheCapturedConfig: a router already runs a
// working config when its agent starts; the first revision drops its
// uplink session. The agent captured the running config before applying
// and rolls back to it, and the session comes back (the router was left
// on the broken config before: no last-known-good to roll back to).
func TestFirstApplyRollsBackToTheCapturedConfig(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real FRR routers")
	}
	lab := frrlab.New(t)
	f := fabrics.Clos(t, gen.Clos{Spines: 1, Leaves: 2, Unnumbered: true})
	lab.AddFabric(f)
	ctx := context.Background()
	for _, name := range []string{"spine1", "leaf1", "leaf2"} {
		drv := &driver.FRR{Pathspace: lab.Pathspace(name)}
		if err := drv.Apply(ctx, files(t, f, device(f, name))); err != nil {
			t.Fatal(err)
		}
	}
	drv := &driver.FRR{Pathspace: lab.Pathspace("leaf1")}
	spineLo := device(f, "spine1").Loopbacks[0].String()
	healthy := func() bool {
		s, err := drv.Probe(ctx)
		return err == nil && s.Sessions["swp49"] == "Established" && s.Prefixes[spineLo]
	}
	waitFor(t, 30*time.Second, healthy)

	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	eng := &agent.Engine{Driver: drv, Prober: drv, Store: st, HealthTimeout: 6 * time.Second, Device: "leaf1"}
	leaf1 := device(f, "leaf1")
	leaf1.Sessions()[len(leaf1.Sessions())-1].PeerASN = 65999
	res := eng.Apply(ctx, "r1", files(t, f, leaf1))
	if res.Outcome != agent.RolledBack || !strings.Contains(res.Err.Error(), "health gate") {
		t.Fatalf("first apply of a session-dropping config: %s: %v", res.Outcome, res.Err)
	}
	waitFor(t, 30*time.Second, healthy)
	orig, err := st.Original()
	if err != nil || !strings.Contains(string(orig["frr.conf"]), "router bgp") {
		t.Fatalf("captured original: %v\n%s", err, orig["frr.conf"])
	}
	if strings.Contains(string(orig["frr.conf"]), "Building configuration") {
		t.Errorf("the capture kept vtysh's banner:\n%s", orig["frr.conf"])
	}
	if rev, _, _ := st.Good(); rev != "" {
		t.Errorf("last-known-good is %q after a failed first apply", rev)
	}
	if out, _ := lab.Vtysh("leaf1", "show running-config"); strings.Contains(out, "65999") {
		t.Errorf("leaf1 still runs the broken config:\n%s", out)
	}
}
