package verify

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"underlay.dev/underlay/internal/model"
)

// A pod CIDR's blocks are too many to try one by one (a /16 of /26s is
// 1,024, an IPv6 /48 of /122s is 2^74), but prefix rules cut the CIDR
// into few runs: a rule matches a block of length b exactly when its
// prefix holds the block and b is among its lengths, and a rule's prefix
// no longer than b holds either all of a run of blocks or none. So the
// rules' prefix boundaries inside the CIDR split its blocks into runs
// that every policy of the fabric treats alike, and one block per run
// stands for the run, exactly: in the simulation, only which policies
// permit a prefix decides how it spreads.

// blockPart is the blocks of one pod CIDR that every policy of the fabric
// permits alike: one simulation proves them all.
type blockPart struct {
	runs    []blockRun // in address order
	permits []int32
	fam     uint8
}

// blockRun is the blocks first, the one after it, ..., last.
type blockRun struct{ first, last netip.Prefix }

// blockParts splits the blocks of length bits inside pool into parts.
func (t *policyTable) blockParts(pool netip.Prefix, bits int) []*blockPart {
	pool = pool.Masked()
	cuts := []netip.Addr{pool.Addr()}
	cut := func(r netip.Prefix) {
		if r.Bits() > pool.Bits() && pool.Contains(r.Addr()) && r.Bits() <= bits {
			cuts = append(cuts, r.Addr())
			if n := lastAddr(r).Next(); n.IsValid() && pool.Contains(n) {
				cuts = append(cuts, n)
			}
		}
	}
	for _, r := range t.ranges {
		if lo, hi := ruleLengths(r.rule); lo <= bits && bits <= hi {
			cut(r.rule.Prefix.Masked())
		}
	}
	for p := range t.exact {
		if p.Bits() == bits {
			cut(p.Masked())
		}
	}
	slices.SortFunc(cuts, func(a, b netip.Addr) int { return a.Compare(b) })
	cuts = slices.Compact(cuts)
	byKey := map[string]*blockPart{}
	var out []*blockPart
	for i, a := range cuts {
		end := lastAddr(pool)
		if i+1 < len(cuts) {
			end = cuts[i+1].Prev()
		}
		run := blockRun{netip.PrefixFrom(a, bits), netip.PrefixFrom(end, bits).Masked()}
		permits := t.permitting(run.first)
		key := classKey(run.first, permits)
		bp := byKey[key]
		if bp == nil {
			bp = &blockPart{permits: permits, fam: famOf(pool)}
			byKey[key] = bp
			out = append(out, bp)
		}
		if n := len(bp.runs); n > 0 && bp.runs[n-1].last.Addr().Next() == run.first.Addr() {
			bp.runs[n-1].last = run.last // adjacent runs alike: one
			continue
		}
		bp.runs = append(bp.runs, run)
	}
	return out
}

// permitted reports whether policy id permits the part's blocks.
func (bp *blockPart) permitted(id int32) bool {
	return (&class{permits: bp.permits}).permitted(id)
}

// rep is the block that stands for the part: the rack's own block when
// the rack announces one of the part (the one --rib shows), else the
// part's first.
func (bp *blockPart) rep(announces []netip.Prefix) netip.Prefix {
	for _, p := range announces {
		for _, r := range bp.runs {
			if p.Bits() == r.first.Bits() && p.Addr().Compare(r.first.Addr()) >= 0 && p.Addr().Compare(r.last.Addr()) <= 0 {
				return p
			}
		}
	}
	return bp.runs[0].first
}

// describe names the part's blocks: "every /26 of 10.244.0.0/16",
// "10.244.128.0/26 … 10.244.255.192/26".
func (bp *blockPart) describe(pool netip.Prefix) string {
	if len(bp.runs) == 1 && bp.runs[0].first.Addr() == pool.Masked().Addr() && lastAddr(bp.runs[0].last) == lastAddr(pool) {
		return fmt.Sprintf("every /%d of %s", bp.runs[0].first.Bits(), pool)
	}
	var parts []string
	for i, r := range bp.runs {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("and %d more runs", len(bp.runs)-i))
			break
		}
		if r.first == r.last {
			parts = append(parts, r.first.String())
		} else {
			parts = append(parts, r.first.String()+" … "+r.last.String())
		}
	}
	return fmt.Sprintf("the /%d blocks %s of %s", bp.runs[0].first.Bits(), strings.Join(parts, ", "), pool)
}

// ruleLengths are the lengths a rule matches, never shorter than its own
// prefix (FRR refuses ge below the prefix length).
func ruleLengths(r model.PrefixRule) (lo, hi int) {
	lo, hi = r.Lengths()
	return max(lo, r.Prefix.Bits()), hi
}

// lastAddr is the highest address of p.
func lastAddr(p netip.Prefix) netip.Addr {
	p = p.Masked()
	a := p.Addr().AsSlice()
	for i := p.Bits(); i < len(a)*8; i++ {
		a[i/8] |= 0x80 >> (i % 8)
	}
	out, _ := netip.AddrFromSlice(a)
	return out
}

// escape is a prefix a policy lets in that the allowed rules do not, and
// the policy's rule that lets it in.
type escape struct {
	prefix netip.Prefix
	rule   model.PrefixRule
	any    bool // the policy is nil: everything is accepted
}

// escapes finds the first prefix (shortest length first, then lowest
// address) that pol permits and no allowed rule matches; false when every
// prefix pol permits is allowed. It is exact: for a rule of pol and one
// length L it matches, the allowed rules with L among their lengths and a
// prefix no longer than L hold each prefix of length L wholly or not at
// all, so the rule's prefixes of length L are allowed exactly when those
// rules' prefixes cover the rule's address range.
func escapes(pol *model.Policy, allowed []model.PrefixRule) (escape, bool) {
	if pol == nil {
		return escape{prefix: netip.PrefixFrom(netip.IPv4Unspecified(), 0), any: true}, true
	}
	for _, r := range pol.Rules {
		p := r.Prefix.Masked()
		lo, hi := ruleLengths(r)
		if r.Exact() {
			lo, hi = p.Bits(), p.Bits()
		}
		for l := lo; l <= hi; l++ {
			if a, ok := uncovered(p, coversAt(p, l, allowed)); ok {
				return escape{prefix: netip.PrefixFrom(a, l).Masked(), rule: r}, true
			}
		}
	}
	return escape{}, false
}

// coversAt lists the prefixes of the allowed rules that match prefixes
// of length l and overlap p.
func coversAt(p netip.Prefix, l int, allowed []model.PrefixRule) []netip.Prefix {
	var out []netip.Prefix
	for _, a := range allowed {
		q := a.Prefix.Masked()
		lo, hi := ruleLengths(a)
		if a.Exact() {
			lo, hi = q.Bits(), q.Bits()
		}
		if q.Addr().Is4() == p.Addr().Is4() && q.Bits() <= l && lo <= l && l <= hi && q.Overlaps(p) {
			out = append(out, q)
		}
	}
	return out
}

// uncovered returns the lowest address of p that no prefix of covers
// holds, or false when they cover all of p.
func uncovered(p netip.Prefix, covers []netip.Prefix) (netip.Addr, bool) {
	slices.SortFunc(covers, func(a, b netip.Prefix) int { return a.Addr().Compare(b.Addr()) })
	cur, last := p.Addr(), lastAddr(p)
	for _, c := range covers {
		if c.Bits() <= p.Bits() {
			return netip.Addr{}, false // c holds all of p
		}
		if c.Addr().Compare(cur) > 0 {
			return cur, true
		}
		if end := lastAddr(c); end.Compare(cur) >= 0 {
			if end == last {
				return netip.Addr{}, false
			}
			cur = end.Next()
		}
	}
	return cur, true
}

// ruleString prints a rule as a prefix-list entry does.
func ruleString(r model.PrefixRule) string {
	s := r.Prefix.String()
	if r.Ge > 0 {
		s += fmt.Sprintf(" ge %d", r.Ge)
	}
	if r.Le > 0 {
		s += fmt.Sprintf(" le %d", r.Le)
	}
	return s
}
