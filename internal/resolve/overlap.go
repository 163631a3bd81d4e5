package resolve

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"sort"

	"k8s.io/apimachinery/pkg/util/validation/field"
	"underlay.dev/underlay/internal/model"
)

// span is an address block someone holds.
type span struct {
	p     netip.Prefix
	kind  string // loopback, link, subnet
	owner string
	path  *field.Path
}

// checkOverlaps finds every pair of loopbacks, link prefixes and subnets
// that share addresses, in O(n log n): sort by first address, then sweep.
// Equal loopbacks and equal link prefixes were already reported by the
// allocation ledgers, so those pairs are skipped here.
func (r *resolver) checkOverlaps() {
	var spans []span
	for _, d := range r.order {
		for i, lo := range d.m.Loopbacks {
			spans = append(spans, span{lo, "loopback", d.m.Name, d.path.Child("loopbacks").Index(i)})
		}
		for i, s := range d.m.Subnets {
			spans = append(spans, span{s.Prefix, "subnet", d.m.Name, d.path.Child("subnets").Index(i)})
		}
	}
	for _, n := range r.nets {
		for _, sn := range n.m.Subnets {
			p := n.path.Child("pool")
			if e := n.explicitPath[r.devs[sn.Leaf.Name]]; e != nil {
				p = e
			}
			spans = append(spans, span{sn.Prefix, "subnet", "network " + n.m.Name + " on " + sn.Leaf.Name, p})
			if sn.PrefixV6.IsValid() {
				p := n.path.Child("poolV6")
				if e := n.explicitPath6[r.devs[sn.Leaf.Name]]; e != nil {
					p = e
				}
				spans = append(spans, span{sn.PrefixV6, "subnet", "network " + n.m.Name + " on " + sn.Leaf.Name, p})
			}
		}
	}
	for _, l := range r.links {
		for _, p := range []netip.Prefix{l.m.V4, l.m.V6} {
			if p.IsValid() {
				spans = append(spans, span{p, "link", l.key, l.path})
			}
		}
	}
	sort.Slice(spans, func(i, j int) bool { return model.ComparePrefix(spans[i].p, spans[j].p) < 0 })
	var open *span // the block reaching furthest so far
	for i := range spans {
		s := &spans[i]
		if open != nil && open.p.Addr().Is4() == s.p.Addr().Is4() && open.p.Overlaps(s.p) {
			if s.kind != open.kind || s.kind == "subnet" {
				r.errs = append(r.errs, field.Invalid(s.path, s.p.String(), fmt.Sprintf(
					"%s overlaps the %s %s of %s (%s); move one of the two", s.kind, open.kind, open.p, open.owner, open.path)))
			}
		}
		if open == nil || open.p.Addr().Is4() != s.p.Addr().Is4() || lastAddr(s.p).Compare(lastAddr(open.p)) > 0 {
			open = s
		}
	}
}

func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().As16()
	host := 128 - p.Bits()
	if p.Addr().Is4() {
		host = 32 - p.Bits()
	}
	hi, lo := binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])
	if host >= 64 {
		lo = ^uint64(0)
		hi |= (uint64(1) << (host - 64)) - 1
		if host == 128 {
			hi = ^uint64(0)
		}
	} else {
		lo |= (uint64(1) << host) - 1
	}
	binary.BigEndian.PutUint64(b[:8], hi)
	binary.BigEndian.PutUint64(b[8:], lo)
	a := netip.AddrFrom16(b)
	if p.Addr().Is4() {
		return a.Unmap()
	}
	return a
}
