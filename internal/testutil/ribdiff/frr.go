package ribdiff

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"testing"
	"time"

	"underlay.dev/underlay/internal/model"
)

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
				IP            string `json:"ip"`
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
				hops := []Hop{}
				for _, nh := range r.Nexthops {
					if nh.Active {
						hops = append(hops, Hop{Interface: nh.InterfaceName, Gateway: gateway(nh.IP)})
					}
				}
				slices.SortFunc(hops, compareHops)
				out[prefix] = hops
			}
		}
	}
	return out, nil
}

// gateway names a next-hop address as Hop does: link-local addresses all
// read LinkLocal, anything else as FRR printed it.
func gateway(ip string) string {
	if a, err := netip.ParseAddr(ip); err == nil && a.Is6() && a.IsLinkLocalUnicast() {
		return LinkLocal
	}
	return ip
}

// Compare lists every difference between prediction and reality on one
// device, sorted.
func Compare(device string, want Prediction, got RIB) []string {
	var diffs []string
	for p, w := range want {
		g, ok := got[p]
		switch {
		case !ok:
			diffs = append(diffs, fmt.Sprintf("%s %s: predicted via %s, FRR has no route", device, p, w))
		default:
			if why := w.Admits(g); why != "" {
				diffs = append(diffs, fmt.Sprintf("%s %s: predicted via %s, FRR has [%s]: %s", device, p, w, joinHops(g), why))
			}
		}
	}
	for p, g := range got {
		if _, ok := want[p]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s %s: FRR has it via [%s], verify predicts no route", device, p, joinHops(g)))
		}
	}
	sort.Strings(diffs)
	return diffs
}

// Counts say how much a comparison covered: a test that compared too
// little proves too little.
type Counts struct {
	Routes int // BGP routes predicted
	ECMP   int // of those, installed over more than one next hop
	KofN   int // of those, "k of n": fewer installed than candidates
}

// Count counts the routes of a prediction.
func Count(want map[string]Prediction) Counts {
	var c Counts
	for _, rib := range want {
		for _, e := range rib {
			c.Routes++
			if e.Width > 1 {
				c.ECMP++
			}
			if !e.Exact() {
				c.KofN++
			}
		}
	}
	return c
}

// Converge compares every device's RIB with the prediction until they all
// match or within has passed (BGP may still be converging), and returns
// the differences left.
func Converge(devices []string, want map[string]Prediction, read func(device string) (RIB, error), within time.Duration) ([]string, error) {
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
// prediction for f once BGP had within to converge, and when the
// prediction holds fewer routes than least says (a zero Counts field
// checks nothing). It returns what was compared.
func Assert(t testing.TB, f *model.Fabric, read func(device string) (RIB, error), within time.Duration, least Counts) Counts {
	t.Helper()
	want := Predict(f)
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
	n := Count(want)
	if n.Routes < least.Routes || n.ECMP < least.ECMP || n.KofN < least.KofN {
		t.Errorf("compared %+v, want at least %+v: the test proves too little", n, least)
	}
	verdict := "verify's prediction admits FRR's RIB on every device"
	if len(diffs) > 0 {
		verdict = fmt.Sprintf("%d difference(s)", len(diffs))
	}
	t.Logf("%d devices, %d BGP routes (%d with ECMP, %d of them k-of-n): %s", len(f.Devices), n.Routes, n.ECMP, n.KofN, verdict)
	return n
}
