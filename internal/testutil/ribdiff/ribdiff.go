// Package ribdiff compares the RIB underlay verify predicts with the RIB a
// real FRR installed, so tests can prove prediction equals reality.
//
// A prediction is "k of these n" (verify.Route): FRR installs exactly Width
// next hops, all among Candidates, the best path's always; which others it
// picks when maximum-paths is below the number of equal paths depends on
// next-hop order and arrival order, so nothing more is claimed. Each next
// hop is an interface and a gateway: the peer's IPv4 address, or LinkLocal
// where FRR installs the peer's IPv6 link-local address.
//
// The API, for the differential tests and for property tests that
// generate fabrics:
//
//	want := ribdiff.Predict(f)                  // device → Prediction
//	got, err := ribdiff.FRR(vtysh)              // one router's installed BGP routes
//	diffs := ribdiff.Compare("leaf1", want["leaf1"], got)
//	diffs, err := ribdiff.Converge(devices, want, read, 90*time.Second)
//	n := ribdiff.Count(want)                    // how much a comparison covered
//	ribdiff.Assert(t, f, read, 90*time.Second)  // all of the above, failing t
//
// Compare and Converge return messages naming device, prefix, prediction
// and reality, sorted, so a failing seed prints the same report each run.
package ribdiff

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/verify"
)

// LinkLocal is the Gateway of a next hop via the peer's IPv6 link-local
// address, whose value only the running kernel knows.
const LinkLocal = "link-local"

// Hop is one next hop: the local interface and the gateway (an IPv4
// address, or LinkLocal).
type Hop struct {
	Interface string
	Gateway   string
}

func (h Hop) String() string { return h.Interface + " " + h.Gateway }

func compareHops(a, b Hop) int {
	if c := strings.Compare(a.Interface, b.Interface); c != 0 {
		return c
	}
	return strings.Compare(a.Gateway, b.Gateway)
}

// RIB is what one router installed: prefix → the active next hops of its
// selected BGP route, sorted.
type RIB map[string][]Hop

// Expect is verify's prediction for one route of one device.
type Expect struct {
	Candidates []Hop // sorted
	Width      int   // how many of Candidates FRR installs
	Best       Hop   // always installed
}

// Exact reports whether the prediction names the one installed set.
func (e Expect) Exact() bool { return e.Width == len(e.Candidates) }

func (e Expect) String() string {
	hops := joinHops(e.Candidates)
	if e.Exact() {
		return hops
	}
	return "any " + strconv.Itoa(e.Width) + " of [" + hops + "] including " + e.Best.String()
}

// Admits says why an installed set is not one the prediction allows, or
// "" when it is.
func (e Expect) Admits(got []Hop) string {
	switch {
	case len(got) != e.Width:
		return strconv.Itoa(len(got)) + " next hop(s) installed, predicted " + strconv.Itoa(e.Width)
	case !slices.Contains(got, e.Best):
		return "the best path's next hop " + e.Best.String() + " is not installed"
	}
	for i, h := range got {
		if !slices.Contains(e.Candidates, h) {
			return h.String() + " is not a predicted candidate"
		}
		if i > 0 && got[i-1] == h {
			return h.String() + " is installed twice"
		}
	}
	return ""
}

// Prediction is verify's prediction for one router: prefix → Expect, for
// BGP-learned routes only (a device's own prefixes are connected routes).
type Prediction map[string]Expect

// Predict is verify's prediction for every device of f, in the default
// routing instance (the table FRR reads compare). What external
// neighbours and groups announce is left out: the lab runs no such
// neighbours, so no router can have it.
func Predict(f *model.Fabric) map[string]Prediction {
	g := verify.NewGraph(f)
	external := map[string]bool{}
	for _, d := range f.Devices {
		for _, in := range d.Instances {
			for _, s := range in.Sessions {
				for _, p := range announces(s) {
					external[p.String()] = true
				}
			}
		}
	}
	out := map[string]Prediction{}
	for _, d := range f.Devices {
		rib, _ := g.RIB(d.Name)
		out[d.Name] = Prediction{}
		for _, r := range rib {
			if len(r.Candidates) == 0 || r.VRF != "" || external[r.Prefix] {
				continue
			}
			e := Expect{Width: r.Width}
			for _, nh := range r.Candidates {
				h := Hop{Interface: nh.Interface, Gateway: nh.Address}
				if nh.LinkLocal {
					h.Gateway = LinkLocal
				}
				e.Candidates = append(e.Candidates, h)
				if nh.Best {
					e.Best = h
				}
			}
			slices.SortFunc(e.Candidates, compareHops)
			out[d.Name][r.Prefix] = e
		}
	}
	return out
}

// announces is what the neighbour of s originates when it is not a
// fabric device.
func announces(s *model.Session) []netip.Prefix {
	switch {
	case s.External != nil:
		return s.External.Announces
	case s.Group != nil:
		return s.Group.Announces
	}
	return nil
}

func joinHops(hs []Hop) string {
	parts := make([]string, len(hs))
	for i, h := range hs {
		parts[i] = h.String()
	}
	return strings.Join(parts, ", ")
}
