package verify

import (
	"fmt"
	"sort"
	"sync"
)

// scenario is one single failure: a link (link >= 0) or a device.
type scenario struct {
	link   int32
	device int32
}

func (g *Graph) describe(sc scenario) string {
	if sc.link >= 0 {
		l := g.F.Links[sc.link]
		return "link " + l.A.String() + " -- " + l.B.String()
	}
	return "device " + g.Devs[sc.device].Name
}

func (g *Graph) scenarios(kind string) []scenario {
	var out []scenario
	if kind == "links" || kind == "all" {
		for i := range g.F.Links {
			out = append(out, scenario{link: int32(i), device: -1})
		}
	}
	if kind == "devices" || kind == "all" {
		for i := range g.Devs {
			out = append(out, scenario{link: -1, device: int32(i)})
		}
	}
	return out
}

// failureCheck re-simulates every class under every single failure and
// reports each failure that costs a leaf or host a leaf or host prefix it
// had before (the traffic endpoints; a spine losing a leaf behind a failed
// link, or a leaf losing one spine's loopback, is how the design is meant
// to degrade). The failed device and its own prefixes do not count.
func (g *Graph) failureCheck(classes []*class, opt Options) (CheckResult, int) {
	res := CheckResult{Name: CheckFailures, Description: "no single " + kindWord(opt.Failures) +
		" failure cuts a leaf or host off a leaf or host prefix it reaches today"}
	baseline := make([][]uint64, len(classes))
	index := make(map[*class]int, len(classes))
	for i, c := range classes {
		index[c] = i
	}
	g.forEachClass(classes, opt.workers(), nil, -1, func(s *sim, c *class) {
		baseline[index[c]] = s.reachSet()
	})
	scs := g.scenarios(opt.Failures)
	findings := make([]*Finding, len(scs))
	var wg sync.WaitGroup
	work := make(chan int)
	for range opt.workers() {
		wg.Go(func() {
			s := newSim(g)
			s.down = make([]bool, len(g.F.Links))
			for i := range work {
				findings[i] = g.runScenario(s, scs[i], classes, baseline)
			}
		})
	}
	for i := range scs {
		work <- i
	}
	close(work)
	wg.Wait()
	for _, f := range findings {
		if f != nil {
			res.Findings = append(res.Findings, *f)
		}
	}
	res.Pass = len(res.Findings) == 0
	return res, len(scs)
}

func kindWord(k string) string {
	switch k {
	case "links":
		return "link"
	case "devices":
		return "device"
	}
	return "link or device"
}

func (s *sim) reachSet() []uint64 {
	set := make([]uint64, (len(s.dist)+63)/64)
	for v, d := range s.dist {
		if d >= 0 {
			set[v/64] |= 1 << (v % 64)
		}
	}
	return set
}

func (g *Graph) runScenario(s *sim, sc scenario, classes []*class, baseline [][]uint64) *Finding {
	s.dead = sc.device
	if sc.link >= 0 {
		s.down[sc.link] = true
		defer func() { s.down[sc.link] = false }()
	}
	lostBy := map[int32]int{} // device (index in Devs) → prefixes lost
	lostPrefixes := 0
	example := ""
	for i, c := range classes {
		// What external neighbours announce is not a leaf or host prefix.
		// VRF classes ride on the underlay, whose loopbacks (the VTEPs)
		// are checked here; their overlay is not re-simulated (overlay.go).
		if c.external || g.devIx[c.origin()] == sc.device || g.dev[c.origin()].Role.Tier() > 1 || g.overlayNode(c.origin()) {
			continue
		}
		s.run(c)
		base := baseline[i]
		lostHere := false
		in := g.insts[c.inst]
		for v := in.lo; v < in.stubs; v++ {
			if g.devIx[v] == sc.device || g.dev[v].Role.Tier() > 1 || base[v/64]&(1<<(v%64)) == 0 || s.dist[v] >= 0 {
				continue
			}
			lostBy[g.devIx[v]] += len(c.prefixes)
			lostHere = true
			if example == "" {
				example = fmt.Sprintf("%s loses %s (%s)", g.dev[v].Name, c.prefixes[0], g.dev[c.origin()].Name)
			}
		}
		if lostHere {
			lostPrefixes += len(c.prefixes)
		}
	}
	if len(lostBy) == 0 {
		return nil
	}
	var devs []string
	for dv := range lostBy {
		devs = append(devs, g.Devs[dv].Name)
	}
	sort.Strings(devs)
	return &Finding{Devices: devs, Detail: fmt.Sprintf("%s down: %d prefix(es) lost on %d device(s), e.g. %s",
		g.describe(sc), lostPrefixes, len(devs), example)}
}
