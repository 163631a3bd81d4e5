// Package ribdiff compares the RIB underlay verify predicts with the RIB a
// real FRR installed: prefix → sorted next-hop interfaces of the selected
// BGP route. Tests use it to prove prediction equals reality.
package ribdiff

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/verify"
)

// RIB maps a prefix to its comma-joined, sorted next-hop interfaces.
type RIB map[string]string

// Predicted is verify's RIB of every device, BGP routes only.
func Predicted(f *model.Fabric) map[string]RIB {
	g := verify.NewGraph(f)
	out := map[string]RIB{}
	for _, d := range f.Devices {
		rib, _ := g.RIB(d.Name)
		out[d.Name] = RIB{}
		for _, r := range rib {
			if len(r.NextHops) == 0 {
				continue
			}
			var ifs []string
			for _, nh := range r.NextHops {
				ifs = append(ifs, nh.Interface)
			}
			sort.Strings(ifs)
			out[d.Name][r.Prefix] = strings.Join(ifs, ",")
		}
	}
	return out
}

// FRR reads the selected BGP routes of one router through vtysh.
func FRR(vtysh func(command string) (string, error)) (RIB, error) {
	out := RIB{}
	for _, cmd := range []string{"show ip route bgp json", "show ipv6 route bgp json"} {
		raw, err := vtysh(cmd)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", cmd, err)
		}
		var routes map[string][]struct {
			Selected bool `json:"selected"`
			Nexthops []struct {
				InterfaceName string `json:"interfaceName"`
				Active        bool   `json:"active"`
			} `json:"nexthops"`
		}
		if err := json.Unmarshal([]byte(raw), &routes); err != nil {
			return nil, fmt.Errorf("%s: %w", cmd, err)
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
	return out, nil
}

// Compare lists every difference between prediction and reality.
func Compare(device string, want, got RIB) []string {
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

// Count returns how many routes, and how many with ECMP, ribs hold: a test
// that compared too little proves too little.
func Count(ribs map[string]RIB) (routes, ecmp int) {
	for _, rib := range ribs {
		for _, via := range rib {
			routes++
			if strings.Contains(via, ",") {
				ecmp++
			}
		}
	}
	return routes, ecmp
}

// Converge compares every device's RIB with the prediction until they all
// match or within passes (BGP may still be converging), and returns the
// differences left.
func Converge(devices []string, want map[string]RIB, read func(device string) (RIB, error), within time.Duration) ([]string, error) {
	deadline := time.Now().Add(within)
	for {
		var diffs []string
		for _, d := range devices {
			got, err := read(d)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", d, err)
			}
			diffs = append(diffs, Compare(d, want[d], got)...)
		}
		if len(diffs) == 0 || time.Now().After(deadline) {
			return diffs, nil
		}
		time.Sleep(time.Second)
	}
}

// Assert fails t for every route where FRR (read) differs from verify's
// prediction for f once BGP had within to converge, and when the fabric
// holds too few routes to prove anything.
func Assert(t testing.TB, f *model.Fabric, read func(device string) (RIB, error), within time.Duration) {
	t.Helper()
	want := Predicted(f)
	devices := make([]string, len(f.Devices))
	for i, d := range f.Devices {
		devices[i] = d.Name
	}
	diffs, err := Converge(devices, want, read, within)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range diffs {
		t.Error(d)
	}
	routes, ecmp := Count(want)
	if routes < 50 || ecmp < 10 {
		t.Errorf("compared only %d routes (%d ECMP): the test proves too little", routes, ecmp)
	}
	t.Logf("%d devices, %d BGP routes (%d with ECMP): verify's prediction equals FRR's RIB on every device", len(f.Devices), routes, ecmp)
}
