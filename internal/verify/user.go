package verify

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"

	"underlay.dev/underlay/internal/model"
)

// userChecks evaluates the intent's spec.checks the way routers forward:
// by longest-prefix match. A target may be an originated prefix, an address
// or a prefix inside a covering one, or a prefix that covers more specific
// ones. Each class a check involves is simulated again, once for all
// checks (a few classes per target), so nothing from the standard pass has
// to be kept.
func (g *Graph) userChecks(classes []*class) []CheckResult {
	ix := newPrefixIndex(classes)
	sims := simCache{g: g, of: map[*class]*sim{}}
	var out []CheckResult
	for _, chk := range g.F.Checks {
		res := CheckResult{Name: "check:" + chk.Name, Description: describe(chk.Reach, chk.MinPaths)}
		for _, p := range chk.To {
			if chk.Reach {
				res.Findings = append(res.Findings, g.checkReach(ix, sims, p, chk)...)
			} else {
				res.Findings = append(res.Findings, g.checkIsolated(ix, sims, p, chk.From)...)
			}
		}
		res.Pass = len(res.Findings) == 0
		out = append(out, res)
	}
	return out
}

// simCache holds each class's converged simulation, run on first use.
type simCache struct {
	g  *Graph
	of map[*class]*sim
}

func (c simCache) get(cl *class) *sim {
	if c.of[cl] == nil {
		c.of[cl] = newSim(c.g)
		c.of[cl].run(cl)
	}
	return c.of[cl]
}

func describe(reach bool, minPaths int) string {
	if !reach {
		return "nothing in the prefixes is reachable from the given devices"
	}
	return fmt.Sprintf("every address of the prefixes is reachable from the given devices, over at least %d installed ECMP path(s)", minPaths)
}

// originated is one originated prefix and its class.
type originated struct {
	p netip.Prefix
	c *class
}

// prefixIndex lists every originated prefix, in class order.
type prefixIndex []originated

// spec.checks name devices, not instances: they are about the default
// one.
func newPrefixIndex(classes []*class) prefixIndex {
	var ix prefixIndex
	for _, c := range classes {
		if c.inst != 0 {
			continue
		}
		for _, p := range c.prefixes {
			ix = append(ix, originated{p, c})
		}
	}
	return ix
}

// covers reports whether q holds every address of p.
func covers(q, p netip.Prefix) bool { return q.Bits() <= p.Bits() && q.Contains(p.Addr()) }

// overlapping returns the prefixes sharing an address with p.
func (ix prefixIndex) overlapping(p netip.Prefix) []originated {
	var out []originated
	for _, o := range ix {
		if o.p.Overlaps(p) {
			out = append(out, o)
		}
	}
	return out
}

// checkIsolated fails every device with a route to any prefix that shares
// an address with p: a covering prefix carries p's traffic, a more
// specific one part of it. Having a route is enough to fail: isolation
// must not pass on the hope that traffic is dropped further on.
func (g *Graph) checkIsolated(ix prefixIndex, sims simCache, p netip.Prefix, from []*model.Device) []Finding {
	var fails []Finding
	reported := map[*model.Device]bool{}
	for _, o := range ix.overlapping(p) {
		s := sims.get(o.c)
		origin := g.originName(o.c)
		for _, d := range from {
			v := g.insts[0].nodes[d]
			if reported[d] || s.dist[v] < 0 {
				continue
			}
			reported[d] = true
			why := fmt.Sprintf("reachable, but the check expects it isolated: %s is a route here (from %s, %s)", o.p, origin, relation(o.p, p))
			if s.dist[v] == 0 {
				why = fmt.Sprintf("reachable, but the check expects it isolated: this device originates %s (%s)", o.p, relation(o.p, p))
			}
			fails = append(fails, Finding{Prefix: p.String(), Origin: origin, Devices: []string{d.Name}, Detail: why})
		}
	}
	return fails
}

func relation(q, p netip.Prefix) string {
	switch {
	case q == p:
		return "the prefix itself"
	case covers(q, p):
		return "it covers " + p.String()
	}
	return "it is inside " + p.String()
}

// checkReach proves that from every device every address of p is
// delivered: each device must have a route to (or originate) a prefix
// covering p, and the longest such is the route it forwards by, whose
// width minPaths counts. That is enough for the whole path: every device
// on a covering prefix's path has that prefix's route (that is how it
// spread), and a device that has a longer covering prefix follows that
// one, whose path devices all have it in turn. The prefix matched only
// grows along the way, so the traffic neither loops nor is dropped; and
// more specific prefixes inside p divert part of its traffic to their
// origins, which are covered the same way.
func (g *Graph) checkReach(ix prefixIndex, sims simCache, p netip.Prefix, chk model.Check) []Finding {
	var chain []lpmEntry
	var inner []originated
	for _, o := range ix.overlapping(p) {
		if !covers(o.p, p) {
			inner = append(inner, o)
			continue
		}
		chain = append(chain, lpmEntry{o.p, o.c, sims.get(o.c)})
	}
	if len(chain) == 0 {
		detail := "no device originates this prefix"
		if len(inner) > 0 {
			detail = "no device originates a prefix covering all of it; only parts are: " + listPrefixes(inner)
		}
		return []Finding{{Prefix: p.String(), Detail: detail}}
	}
	sort.SliceStable(chain, func(i, j int) bool { return chain[i].p.Bits() > chain[j].p.Bits() })
	var fails []Finding
	for _, d := range chk.From {
		v := g.insts[0].nodes[d]
		e := lookup(chain, v)
		var why string
		origin := g.originName(chain[0].c)
		if e == nil {
			why = "unreachable: " + chain[0].s.explain(v)
		} else {
			origin = g.originName(e.c)
			why = widthShortfall(e, v, chk.MinPaths)
		}
		if why != "" {
			fails = append(fails, Finding{Prefix: p.String(), Origin: origin, Devices: []string{d.Name}, Detail: why})
		}
	}
	return fails
}

// lpmEntry is one originated prefix covering a check's target, with its
// class's converged simulation.
type lpmEntry struct {
	p netip.Prefix
	c *class
	s *sim
}

// lookup is v's longest-prefix match in chain (longest first), nil when
// v has a route to none of them.
func lookup(chain []lpmEntry, v int32) *lpmEntry {
	for i := range chain {
		if chain[i].s.dist[v] >= 0 {
			return &chain[i]
		}
	}
	return nil
}

// widthShortfall compares the ECMP width v installs for e with the
// check's minimum.
func widthShortfall(e *lpmEntry, v int32, minPaths int) string {
	if e.s.dist[v] == 0 {
		return "" // v originates it
	}
	got, n := e.s.width(v), int(e.s.nhLen[v])
	switch {
	case got >= minPaths:
		return ""
	case got < n:
		return fmt.Sprintf("%d ECMP path(s), want at least %d (maximum-paths %d installs %d of %d equal paths)",
			got, minPaths, e.s.g.dev[v].BGP.MaximumPaths, got, n)
	}
	return fmt.Sprintf("%d ECMP path(s), want at least %d", got, minPaths)
}

func listPrefixes(os []originated) string {
	const most = 8
	var parts []string
	for i, o := range os {
		if i == most {
			parts = append(parts, fmt.Sprintf("and %d more", len(os)-most))
			break
		}
		parts = append(parts, o.p.String())
	}
	return strings.Join(parts, ", ")
}

// originName names a class's origin: its device, or the stubs that
// announce it.
func (g *Graph) originName(c *class) string {
	names := make([]string, len(c.origins))
	for i, o := range c.origins {
		names[i] = g.name(o)
	}
	return strings.Join(names, ", ")
}
