package verify

import (
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"underlay.dev/underlay/internal/model"
)

// policyTable gives every distinct policy (by content: hosts' identical
// import filters share one id) a dense id, and answers "which policies
// permit this prefix" through an index instead of scanning every rule.
type policyTable struct {
	ids    map[*model.Policy]int32
	byKey  map[string]int32
	exact  map[netip.Prefix][]int32
	ranges []rangeRule
	n      int32
}

type rangeRule struct {
	id   int32
	rule model.PrefixRule
}

func newPolicyTable(f *model.Fabric) *policyTable {
	t := &policyTable{ids: map[*model.Policy]int32{}, byKey: map[string]int32{}, exact: map[netip.Prefix][]int32{}}
	for _, d := range f.Devices {
		for _, p := range d.Policies {
			t.add(p)
		}
		for _, in := range d.Instances {
			for _, s := range in.Sessions {
				t.add(s.Import)
				t.add(s.Export)
			}
		}
	}
	return t
}

func (t *policyTable) add(p *model.Policy) {
	if p == nil {
		return
	}
	if _, done := t.ids[p]; done {
		return
	}
	// The rules in binary, not printed: a fabric with a session per
	// Kubernetes node has tens of thousands of policies.
	b := make([]byte, 0, len(p.Rules)*19)
	for _, r := range p.Rules {
		a := r.Prefix.Addr().As16()
		fam := byte(6)
		if r.Prefix.Addr().Is4() {
			fam = 4
		}
		b = append(append(b, fam), a[:]...)
		b = append(b, byte(r.Prefix.Bits()), byte(r.Ge), byte(r.Le))
	}
	key := string(b)
	if id, ok := t.byKey[key]; ok {
		t.ids[p] = id
		return
	}
	id := t.n
	t.n++
	t.byKey[key] = id
	t.ids[p] = id
	for _, r := range p.Rules {
		if r.Exact() {
			t.exact[r.Prefix] = append(t.exact[r.Prefix], id)
		} else {
			t.ranges = append(t.ranges, rangeRule{id, r})
		}
	}
}

func (t *policyTable) id(p *model.Policy) int32 {
	if p == nil {
		return -1
	}
	return t.ids[p]
}

// permitting returns the sorted ids of the policies that permit p.
func (t *policyTable) permitting(p netip.Prefix) []int32 {
	ids := append([]int32(nil), t.exact[p]...)
	for _, r := range t.ranges {
		if r.rule.Matches(p) {
			ids = append(ids, r.id)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	out := ids[:0]
	for i, id := range ids {
		if i == 0 || id != ids[i-1] {
			out = append(out, id)
		}
	}
	return out
}

// class is a set of prefixes with one origin that every policy treats
// alike: they spread identically, so one simulation covers them all.
type class struct {
	inst int32 // the routing instance (index in Graph.insts)
	// origins are the nodes that originate the prefixes: one device, or
	// every stub that announces them.
	origins  []int32
	fam      uint8
	prefixes []netip.Prefix
	permits  []int32 // sorted policy ids that permit these prefixes
	loopback bool    // holds a loopback of the origin
	subnet   bool    // holds a server subnet of the origin
	external bool    // announced by external neighbours or groups
	// evpn: not prefixes but the origin's EVPN routes, spread over the
	// l2vpn evpn sessions (overlay.go); never among Graph.classes.
	evpn bool
	ix   int32 // position in Graph.classes
}

// origin is the originating device of a class that is not external.
func (c *class) origin() int32 { return c.origins[0] }

func (c *class) permitted(id int32) bool {
	if id < 0 {
		return true
	}
	for _, x := range c.permits {
		if x == id {
			return true
		}
		if x > id {
			return false
		}
	}
	return false
}

func famOf(p netip.Prefix) uint8 {
	if p.Addr().Is6() {
		return famV6
	}
	return famV4
}

// classKey is what a prefix shares with the others of its class: family
// and the policies that permit it.
func classKey(p netip.Prefix, permits []int32) string {
	var kb strings.Builder
	kb.WriteByte(famOf(p))
	for _, id := range permits {
		kb.WriteString(",")
		kb.WriteString(strconv.Itoa(int(id)))
	}
	return kb.String()
}

// classes groups every originated prefix of the fabric, instance by
// instance: each device's own, then what the instance's stubs announce.
func (g *Graph) classes() []*class {
	var out []*class
	for ii, in := range g.insts {
		for v := in.lo; v < in.stubs; v++ {
			d := g.dev[v]
			byKey := map[string]*class{}
			for _, p := range g.in[v].Originated {
				permits := g.pols.permitting(p)
				key := classKey(p, permits)
				c := byKey[key]
				if c == nil {
					c = &class{inst: int32(ii), origins: []int32{v}, fam: famOf(p), permits: permits}
					byKey[key] = c
					out = append(out, c)
				}
				c.prefixes = append(c.prefixes, p)
				if isLoopback(d, p) {
					c.loopback = true
				} else {
					c.subnet = true
				}
			}
		}
		out = append(out, g.stubClasses(int32(ii))...)
	}
	for i, c := range out {
		c.ix = int32(i)
	}
	return out
}

func isLoopback(d *model.Device, p netip.Prefix) bool {
	for _, lo := range d.Loopbacks {
		if lo == p {
			return true
		}
	}
	return false
}
