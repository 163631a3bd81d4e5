package verify

import (
	"fmt"
	"net/netip"

	"underlay.dev/underlay/internal/model"
)

// userChecks evaluates the intent's spec.checks. Each target prefix's class
// is simulated again (cheap: one class), so nothing from the standard pass
// has to be kept.
func (g *Graph) userChecks(classes []*class, workers int) []CheckResult {
	byPrefix := map[netip.Prefix]*class{}
	for _, c := range classes {
		for _, p := range c.prefixes {
			byPrefix[p] = c
		}
	}
	s := newSim(g)
	var out []CheckResult
	for _, chk := range g.F.Checks {
		res := CheckResult{Name: "check:" + chk.Name, Description: describe(chk.Reach, chk.MinPaths)}
		for _, p := range chk.To {
			c := byPrefix[p]
			if c == nil {
				if chk.Reach {
					res.Findings = append(res.Findings, Finding{Prefix: p.String(), Detail: "no device originates this prefix"})
				}
				continue
			}
			s.run(c)
			res.Findings = append(res.Findings, g.evaluate(s, c, p, chk.From, chk.Reach, chk.MinPaths)...)
		}
		res.Pass = len(res.Findings) == 0
		out = append(out, res)
	}
	_ = workers
	return out
}

func describe(reach bool, minPaths int) string {
	if !reach {
		return "the prefixes are not reachable from the given devices"
	}
	return fmt.Sprintf("the prefixes are reachable from the given devices over at least %d ECMP path(s)", minPaths)
}

func (g *Graph) evaluate(s *sim, c *class, p netip.Prefix, from []*model.Device, reach bool, minPaths int) []Finding {
	var fails []Finding
	origin := g.Devs[c.origin].Name
	for _, d := range from {
		v := g.index[d]
		if v == c.origin {
			continue
		}
		got := s.dist[v] >= 0
		var why string
		switch {
		case reach && !got:
			why = "unreachable: " + s.explain(v)
		case reach && int(s.nhLen[v]) < minPaths:
			why = fmt.Sprintf("%d ECMP path(s), want at least %d", s.nhLen[v], minPaths)
		case !reach && got:
			why = "reachable, but the check expects it isolated"
		}
		if why != "" {
			fails = append(fails, Finding{Prefix: p.String(), Origin: origin, Devices: []string{d.Name}, Detail: why})
		}
	}
	return fails
}
