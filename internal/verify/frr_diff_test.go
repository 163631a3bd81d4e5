package verify

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"underlay.dev/underlay/internal/agent/driver"
	"underlay.dev/underlay/internal/agent/store"
	"underlay.dev/underlay/internal/gen"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/render/frr"
	"underlay.dev/underlay/internal/testutil/fabrics"
	"underlay.dev/underlay/internal/testutil/frrlab"
)

// TestPredictionsMatchRealFRR builds a generated unnumbered fabric with
// hosts out of real FRR routers and compares, device by device, the RIB
// verify predicts with FRR's: prefix → set of next-hop interfaces of the
// selected BGP route. Any difference is a bug in one of the two.
func TestPredictionsMatchRealFRR(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real FRR routers")
	}
	for name, c := range map[string]gen.Clos{
		"3-stage with hosts": {Spines: 2, Leaves: 3, HostsPerLeaf: 1, Unnumbered: true},
		"5-stage":            {Superspines: 2, Pods: 2, Spines: 2, Leaves: 2, Unnumbered: true},
	} {
		t.Run(name, func(t *testing.T) { predictionsMatch(t, c) })
	}
}

func predictionsMatch(t *testing.T, c gen.Clos) {
	lab := frrlab.New(t)
	f := fabrics.Clos(t, c)
	lab.AddFabric(f)
	ctx := context.Background()
	for _, d := range f.Devices {
		conf, err := frr.Render(f, d, frr.Options{OwnAddresses: d.Platform == model.PlatformLinuxFRR})
		if err != nil {
			t.Fatal(err)
		}
		if err := (&driver.FRR{Pathspace: lab.Pathspace(d.Name)}).Apply(ctx, store.Files{"frr.conf": conf}); err != nil {
			t.Fatal(err)
		}
	}
	g := NewGraph(f)
	want := map[string]map[string]string{}
	for _, d := range f.Devices {
		rib, _ := g.RIB(d.Name)
		want[d.Name] = map[string]string{}
		for _, r := range rib {
			if len(r.NextHops) > 0 {
				var ifs []string
				for _, nh := range r.NextHops {
					ifs = append(ifs, nh.Interface)
				}
				sort.Strings(ifs)
				want[d.Name][r.Prefix] = strings.Join(ifs, ",")
			}
		}
	}
	var diffs []string
	deadline := time.Now().Add(90 * time.Second)
	for {
		diffs = diffs[:0]
		for _, d := range f.Devices {
			got := frrRIB(t, lab, d.Name)
			diffs = append(diffs, compareRIB(d.Name, want[d.Name], got)...)
		}
		if len(diffs) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Second)
	}
	for _, d := range diffs {
		t.Error(d)
	}
	routes, ecmp := 0, 0
	for _, rib := range want {
		for _, via := range rib {
			routes++
			if strings.Contains(via, ",") {
				ecmp++
			}
		}
	}
	if routes < 50 || ecmp < 10 {
		t.Errorf("compared only %d routes (%d ECMP): the test proves too little", routes, ecmp)
	}
	t.Logf("%d devices, %d BGP routes (%d with ECMP) predicted exactly as FRR installs them", len(f.Devices), routes, ecmp)
}

// frrRIB reads the selected BGP routes: prefix → sorted next-hop interfaces.
func frrRIB(t *testing.T, lab *frrlab.Lab, router string) map[string]string {
	out := map[string]string{}
	for _, cmd := range []string{"show ip route bgp json", "show ipv6 route bgp json"} {
		raw, err := lab.Vtysh(router, cmd)
		if err != nil {
			t.Fatalf("%s: %v", router, err)
		}
		var routes map[string][]struct {
			Selected bool `json:"selected"`
			Nexthops []struct {
				InterfaceName string `json:"interfaceName"`
				Active        bool   `json:"active"`
			} `json:"nexthops"`
		}
		if err := json.Unmarshal([]byte(raw), &routes); err != nil {
			t.Fatalf("%s: %v", router, err)
		}
		for prefix, rs := range routes {
			for _, r := range rs {
				if !r.Selected {
					continue
				}
				var ifs []string
				for _, nh := range r.Nexthops {
					if nh.Active {
						ifs = append(ifs, nh.InterfaceName)
					}
				}
				sort.Strings(ifs)
				out[prefix] = strings.Join(ifs, ",")
			}
		}
	}
	return out
}

func compareRIB(device string, want, got map[string]string) []string {
	var diffs []string
	for p, w := range want {
		if got[p] != w {
			diffs = append(diffs, fmt.Sprintf("%s %s: predicted via %q, FRR has %q", device, p, w, got[p]))
		}
	}
	for p, g := range got {
		if _, ok := want[p]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s %s: FRR has it via %q, verify predicts no route", device, p, g))
		}
	}
	sort.Strings(diffs)
	return diffs
}
