package verify

import (
	"net/netip"
	"runtime"
	"sort"
	"sync"
	"time"

	"underlay.dev/underlay/internal/model"
)

// Options select what Verify does beyond the standard checks.
type Options struct {
	// Failures is "", "links", "devices" or "all": re-check under every
	// single link and/or device failure.
	Failures string
	// Workers defaults to GOMAXPROCS.
	Workers int
}

// Check names, stable for JSON consumers.
const (
	CheckSessions  = "sessions"
	CheckLoopbacks = "loopback-reachability"
	CheckSubnets   = "subnet-reachability"
	CheckECMP      = "leaf-ecmp"
	CheckFailures  = "single-failures"
)

// Finding is one failed expectation: prefix (from origin) and the devices
// it fails on.
type Finding struct {
	// VRF is the prefix's routing instance unless it is the default one.
	VRF     string   `json:"vrf,omitempty"`
	Prefix  string   `json:"prefix,omitempty"`
	Origin  string   `json:"origin,omitempty"`
	Devices []string `json:"devices,omitempty"`
	Detail  string   `json:"detail"`
	// Network and Servers: the server network a network check's finding
	// is about and the servers concerned; Detail then names them too.
	Network string   `json:"network,omitempty"`
	Servers []string `json:"servers,omitempty"`
	// Cluster is the Kubernetes cluster a cluster check's finding is
	// about; Detail then names it, its racks and nodes, and Servers are
	// the nodes concerned.
	Cluster string `json:"cluster,omitempty"`
}

// CheckResult is the outcome of one check.
type CheckResult struct {
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Pass        bool      `json:"pass"`
	Findings    []Finding `json:"findings,omitempty"`
	// Notes are what a check reports beyond pass or fail (the ECMP width
	// of each cluster's service ranges, the nodes a leaf failure cuts
	// off), in a stable order.
	Notes []string `json:"notes,omitempty"`
}

// Report is everything verify found.
type Report struct {
	Fabric    string        `json:"fabric"`
	Devices   int           `json:"devices"`
	Sessions  int           `json:"sessions"`
	Prefixes  int           `json:"prefixes"`
	Classes   int           `json:"classes"`
	Scenarios int           `json:"failureScenarios,omitempty"`
	Checks    []CheckResult `json:"checks"`
	Elapsed   string        `json:"elapsed"`
}

// Pass reports whether every check passed.
func (r *Report) Pass() bool {
	for _, c := range r.Checks {
		if !c.Pass {
			return false
		}
	}
	return true
}

// Verify simulates the fabric and runs every check.
func Verify(f *model.Fabric, opt Options) *Report {
	start := time.Now()
	g := NewGraph(f)
	classes := g.classes()
	rep := &Report{Fabric: f.Name, Devices: len(f.Devices), Sessions: g.sessions(), Classes: len(classes)}
	for _, c := range classes {
		rep.Prefixes += len(c.prefixes)
	}
	rep.Checks = append(rep.Checks, g.sessionCheck())
	acc := newAccumulator(g)
	var reach [][]uint64 // what the network checks read, by class
	if len(f.Networks) > 0 {
		reach = make([][]uint64, len(classes))
	}
	g.forEachClass(classes, opt.workers(), nil, -1, func(s *sim, c *class) {
		acc.check(s, c)
		if reach != nil {
			reach[c.ix] = s.reachSet()
		}
	})
	rep.Checks = append(rep.Checks, acc.results()...)
	if reach != nil {
		rep.Checks = append(rep.Checks, g.networkChecks(classes, reach)...)
	}
	if len(f.Clusters) > 0 {
		rep.Checks = append(rep.Checks, g.clusterChecks()...)
	}
	rep.Checks = append(rep.Checks, g.userChecks(classes)...)
	if opt.Failures != "" {
		fc, n := g.failureCheck(classes, opt)
		rep.Checks = append(rep.Checks, fc)
		rep.Scenarios = n
	}
	rep.Elapsed = time.Since(start).Round(time.Millisecond).String()
	return rep
}

// sessions counts the BGP sessions: each edge but the overlay's is one
// end of one.
func (g *Graph) sessions() int {
	n := 0
	for i := range g.edges {
		if !g.edges[i].overlay {
			n++
		}
	}
	return n / 2
}

func (o Options) workers() int {
	if o.Workers > 0 {
		return o.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// forEachClass simulates every class on workers goroutines, each with its
// own scratch state, and hands each converged class to fn (concurrently).
func (g *Graph) forEachClass(classes []*class, workers int, down []bool, dead int32, fn func(*sim, *class)) {
	work := make(chan *class, 64)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			s := newSim(g)
			s.down, s.dead = down, dead
			for c := range work {
				s.run(c)
				fn(s, c)
			}
		})
	}
	for _, c := range classes {
		work <- c
	}
	close(work)
	wg.Wait()
}

func (g *Graph) sessionCheck() CheckResult {
	res := CheckResult{Name: CheckSessions, Description: "every configured BGP session has a matching other end", Pass: len(g.Broken) == 0}
	for _, p := range g.Broken {
		res.Findings = append(res.Findings, Finding{Devices: []string{p.Device}, Detail: p.String()})
	}
	return res
}

func sortFindings(fs []Finding) {
	sort.Slice(fs, func(i, j int) bool {
		if fs[i].VRF != fs[j].VRF {
			return fs[i].VRF < fs[j].VRF // "", the default instance, first
		}
		if fs[i].Prefix != fs[j].Prefix {
			return prefixLess(fs[i].Prefix, fs[j].Prefix)
		}
		return fs[i].Detail < fs[j].Detail
	})
}

func prefixLess(a, b string) bool {
	pa, errA := netip.ParsePrefix(a)
	pb, errB := netip.ParsePrefix(b)
	if errA != nil || errB != nil {
		return a < b
	}
	return model.ComparePrefix(pa, pb) < 0
}
