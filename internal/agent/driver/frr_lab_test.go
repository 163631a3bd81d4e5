package driver_test

import (
	"context"
	"encoding/json"
	"net/netip"
	"strings"
	"testing"
	"time"

	"underlay.dev/underlay/internal/agent"
	"underlay.dev/underlay/internal/agent/driver"
	"underlay.dev/underlay/internal/agent/store"
	"underlay.dev/underlay/internal/expect"
	"underlay.dev/underlay/internal/gen"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/render/frr"
	"underlay.dev/underlay/internal/resolve"
	"underlay.dev/underlay/internal/testutil/fabrics"
	"underlay.dev/underlay/internal/testutil/frrlab"
)

func files(t *testing.T, f *model.Fabric, d *model.Device) store.Files {
	t.Helper()
	conf, err := frr.Render(f, d, frr.Options{})
	if err != nil {
		t.Fatal(err)
	}
	exp, err := expect.File(d)
	if err != nil {
		t.Fatal(err)
	}
	return store.Files{"frr.conf": conf, exp.Name: exp.Content}
}

func device(f *model.Fabric, name string) *model.Device {
	for _, d := range f.Devices {
		if d.Name == name {
			return d
		}
	}
	return nil
}

type counters struct{ established, dropped int }

func sessionCounters(t *testing.T, lab *frrlab.Lab, router, neighbor string) counters {
	t.Helper()
	out, err := lab.Vtysh(router, "show bgp summary json")
	if err != nil {
		t.Fatal(err)
	}
	var sum map[string]struct {
		Peers map[string]struct {
			Established int `json:"connectionsEstablished"`
			Dropped     int `json:"connectionsDropped"`
		} `json:"peers"`
	}
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatal(err)
	}
	p, ok := sum["ipv4Unicast"].Peers[neighbor]
	if !ok || p.Established == 0 {
		t.Fatalf("%s has no established session to %s: %s", router, neighbor, out)
	}
	return counters{p.Established, p.Dropped}
}

// TestFRRDriverOnRealRouters drives the agent engine against real FRR:
// first apply, a change that resets no session, a config the pre-check
// refuses, and a config that breaks the uplink session and is rolled back
// by the health gate.
func TestFRRDriverOnRealRouters(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real FRR routers")
	}
	lab := frrlab.New(t)
	f := fabrics.Clos(t, gen.Clos{Spines: 1, Leaves: 2, Unnumbered: true})
	lab.AddFabric(f)
	ctx := context.Background()
	for _, name := range []string{"spine1", "leaf2"} {
		drv := &driver.FRR{Pathspace: lab.Pathspace(name)}
		if err := drv.Apply(ctx, files(t, f, device(f, name))); err != nil {
			t.Fatal(err)
		}
	}
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	drv := &driver.FRR{Pathspace: lab.Pathspace("leaf1")}
	eng := &agent.Engine{Driver: drv, Prober: drv, Store: st, HealthTimeout: 30 * time.Second}
	leaf1 := device(f, "leaf1")

	start := time.Now()
	if res := eng.Apply(ctx, "r1", files(t, f, leaf1)); res.Outcome != agent.Applied {
		t.Fatalf("first apply: %s: %v", res.Outcome, res.Err)
	}
	t.Logf("first apply healthy after %s", time.Since(start).Round(time.Millisecond))
	before := sessionCounters(t, lab, "spine1", "swp1")

	// A new announced prefix: the session must not reset.
	extra := netip.MustParsePrefix("198.51.100.1/32")
	lab.AddAddress("leaf1", extra.String())
	leaf1.Default().Originated = append(leaf1.Default().Originated, extra)
	resolve.ApplyPolicies(f)
	resolve.Derive(f) // again: the default instance, which renderers read, holds Originated as Derive saw it
	start = time.Now()
	if res := eng.Apply(ctx, "r2", files(t, f, leaf1)); res.Outcome != agent.Applied {
		t.Fatalf("change: %s: %v", res.Outcome, res.Err)
	}
	waitFor(t, 10*time.Second, func() bool {
		out, _ := lab.Vtysh("spine1", "show ip route 198.51.100.1/32 json")
		return strings.Contains(out, `"198.51.100.1/32"`)
	})
	t.Logf("change applied and seen on the spine after %s", time.Since(start).Round(time.Millisecond))
	if after := sessionCounters(t, lab, "spine1", "swp1"); after != before {
		t.Errorf("session reset by a change: before %+v, after %+v", before, after)
	}

	// As the runner does after every apply: on FRR's datacenter profile
	// (Cumulus) default-valued lines never show in the running config.
	if err := eng.RecordBaseline(ctx); err != nil {
		t.Fatal(err)
	}

	// Someone removes the announcement by hand: drift is reported, then
	// corrected by re-applying the last-known-good.
	if out, err := lab.Vtysh("leaf1", "configure terminal\nrouter bgp "+leaf1.ASN.String()+"\naddress-family ipv4 unicast\nno network 198.51.100.1/32"); err != nil {
		t.Fatalf("hand-made change: %v: %s", err, out)
	}
	if res := eng.CheckDrift(ctx, agent.DriftReport); res.Outcome != agent.DriftDetected || !strings.Contains(res.Err.Error(), "+ network 198.51.100.1/32") {
		t.Fatalf("drift report: %s: %v", res.Outcome, res.Err)
	}
	if res := eng.CheckDrift(ctx, agent.DriftCorrect); res.Outcome != agent.DriftCorrected {
		t.Fatalf("drift correction: %s: %v", res.Outcome, res.Err)
	}
	if res := eng.CheckDrift(ctx, agent.DriftReport); res.Outcome != agent.NoDrift || res.Err != nil {
		t.Fatalf("after correction: %s: %v", res.Outcome, res.Err) // residual diff shown
	}

	// Refused before it reaches the device.
	bad := files(t, f, leaf1)
	bad["frr.conf"] = append(bad["frr.conf"], []byte("router bgp 4294967296\n")...)
	if res := eng.Apply(ctx, "r3", bad); res.Outcome != agent.Rejected {
		t.Fatalf("bad config: %s: %v", res.Outcome, res.Err)
	}

	// Passes the pre-check but breaks the uplink: rolled back.
	eng.HealthTimeout = 6 * time.Second
	spineLo := device(f, "spine1").Loopbacks[0].String()
	leaf1.Sessions()[len(leaf1.Sessions())-1].PeerASN = 65999
	res := eng.Apply(ctx, "r4", files(t, f, leaf1))
	if res.Outcome != agent.RolledBack || !strings.Contains(res.Err.Error(), "health gate") {
		t.Fatalf("breaking config: %s: %v", res.Outcome, res.Err)
	}
	waitFor(t, 30*time.Second, func() bool {
		s, err := drv.Probe(ctx)
		return err == nil && s.Sessions["swp49"] == "Established" && s.Prefixes[spineLo]
	})
	if rev, _, _ := st.Good(); rev != "r2" {
		t.Errorf("last-known-good is %s, want r2", rev)
	}
}

func waitFor(t *testing.T, d time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %s", d)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
