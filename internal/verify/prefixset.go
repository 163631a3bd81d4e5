package verify

import (
	"net/netip"
	"slices"
	"sort"
)

// pfxEntry is one originated prefix of an instance and its class.
type pfxEntry struct {
	p netip.Prefix
	c *class
}

// prefixSet indexes the prefixes originated in one routing instance for
// the network checks: which cover an address or a prefix (longest-prefix
// match), and which lie inside one, without scanning them all.
type prefixSet struct {
	exact  map[netip.Prefix][]pfxEntry
	bits   []int      // the lengths present, longest first
	sorted []pfxEntry // by address, then length
}

// newPrefixSets indexes every class's prefixes by instance.
func newPrefixSets(n int, classes []*class) []*prefixSet {
	sets := make([]*prefixSet, n)
	for i := range sets {
		sets[i] = &prefixSet{exact: map[netip.Prefix][]pfxEntry{}}
	}
	for _, c := range classes {
		ps := sets[c.inst]
		for _, p := range c.prefixes {
			e := pfxEntry{p, c}
			if len(ps.exact[p]) == 0 && !slices.Contains(ps.bits, p.Bits()) {
				ps.bits = append(ps.bits, p.Bits())
			}
			ps.exact[p] = append(ps.exact[p], e)
			ps.sorted = append(ps.sorted, e)
		}
	}
	for _, ps := range sets {
		sort.Sort(sort.Reverse(sort.IntSlice(ps.bits)))
		sort.SliceStable(ps.sorted, func(i, j int) bool {
			a, b := ps.sorted[i].p, ps.sorted[j].p
			if c := a.Addr().Compare(b.Addr()); c != 0 {
				return c < 0
			}
			return a.Bits() < b.Bits()
		})
	}
	return sets
}

// covering returns the entries whose prefix holds all of p, longest
// first: the order a router matches them in.
func (ps *prefixSet) covering(p netip.Prefix) []pfxEntry {
	var out []pfxEntry
	for _, b := range ps.bits {
		if b > p.Bits() {
			continue
		}
		q, err := p.Addr().Prefix(b)
		if err != nil { // a length of the other family
			continue
		}
		out = append(out, ps.exact[q]...)
	}
	return out
}

// inside returns the entries strictly inside p.
func (ps *prefixSet) inside(p netip.Prefix) []pfxEntry {
	p = p.Masked()
	i := sort.Search(len(ps.sorted), func(i int) bool { return ps.sorted[i].p.Addr().Compare(p.Addr()) >= 0 })
	var out []pfxEntry
	for ; i < len(ps.sorted) && p.Contains(ps.sorted[i].p.Addr()); i++ {
		if ps.sorted[i].p.Bits() > p.Bits() {
			out = append(out, ps.sorted[i])
		}
	}
	return out
}

// overlapping returns the entries sharing an address with p: covering
// ones first (longest first), then those inside it.
func (ps *prefixSet) overlapping(p netip.Prefix) []pfxEntry {
	return append(ps.covering(p), ps.inside(p)...)
}
