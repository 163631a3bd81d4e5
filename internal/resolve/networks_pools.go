package resolve

import (
	"fmt"
	"net/netip"
	"sort"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"underlay.dev/underlay/internal/model"
)

// poolSpan is a network's pool, or an address block fixed in the intent
// that must stay out of every other network's pool.
type poolSpan struct {
	p    netip.Prefix
	net  *network // the pool's network, or the network an explicit subnet pins; nil for a device's
	pool bool
	what string // "subnet", "loopback", "link prefix"
	path *field.Path
}

// checkNetworkPools keeps each network's pool to itself: two pools that
// overlap, or a subnet, loopback or link prefix the intent fixes inside a
// network's pool, would collide with the subnets carved from it, if not
// today then when the network reaches another leaf. Overlaps that only
// show once the subnets are carved would come one per leaf; this says it
// once, at the pool. It sweeps the blocks sorted by first address, as
// checkOverlaps does.
func (r *resolver) checkNetworkPools() {
	spans := r.poolSpans()
	sort.SliceStable(spans, func(i, j int) bool { return model.ComparePrefix(spans[i].p, spans[j].p) < 0 })
	var open *poolSpan // the pool reaching furthest so far
	for i := range spans {
		s := &spans[i]
		if open != nil && open.p.Addr().Is4() == s.p.Addr().Is4() && open.p.Overlaps(s.p) && open.net != s.net {
			r.poolOverlap(open, s)
		}
		if s.pool && (open == nil || open.p.Addr().Is4() != s.p.Addr().Is4() || lastAddr(s.p).Compare(lastAddr(open.p)) > 0) {
			open = s
		}
	}
}

func (r *resolver) poolSpans() []poolSpan {
	var spans []poolSpan
	for _, n := range r.nets {
		if n.pool != nil {
			spans = append(spans, poolSpan{p: n.pool.Prefix, net: n, pool: true, what: "pool", path: n.path.Child("pool")})
		}
		if n.pool6 != nil {
			spans = append(spans, poolSpan{p: n.pool6.Prefix, net: n, pool: true, what: "pool", path: n.path.Child("poolV6")})
		}
		for _, d := range n.pinned {
			spans = append(spans, poolSpan{p: n.explicit[d], net: n, what: "subnet", path: n.explicitPath[d]})
		}
		for _, d := range n.pinned6 {
			spans = append(spans, poolSpan{p: n.explicit6[d], net: n, what: "subnet", path: n.explicitPath6[d]})
		}
	}
	for _, d := range r.order {
		for i, s := range d.m.Subnets {
			spans = append(spans, poolSpan{p: s.Prefix, what: "subnet", path: d.path.Child("subnets").Index(i)})
		}
		for i, lo := range d.m.Loopbacks { // only the intent's: allocation comes later
			spans = append(spans, poolSpan{p: lo, what: "loopback", path: d.path.Child("loopbacks").Index(i)})
		}
	}
	for _, l := range r.links {
		for _, p := range []netip.Prefix{l.m.V4, l.m.V6} {
			if p.IsValid() {
				spans = append(spans, poolSpan{p: p, what: "link prefix", path: l.path})
			}
		}
	}
	return spans
}

// poolOverlap reports s inside (or across) the pool of open's network. The
// network s belongs to (or, for a device's block, the pool's) is broken:
// its subnets are not carved, so the overlap is not reported again per leaf.
func (r *resolver) poolOverlap(open, s *poolSpan) {
	if s.pool {
		r.errs = append(r.errs, field.Invalid(s.path, s.p.String(), fmt.Sprintf(
			"overlaps network %s's pool %s (%s): the subnets carved from the two would collide; give each network a pool of its own",
			open.net.m.Name, open.p, open.path)))
	} else {
		r.errs = append(r.errs, field.Invalid(s.path, s.p.String(), fmt.Sprintf(
			"%s lies in network %s's pool %s (%s), which underlay carves the network's per-leaf subnets from; move the %s out of the pool, or shrink the pool",
			s.what, open.net.m.Name, open.p, open.path, s.what)))
	}
	if s.net != nil {
		s.net.broken = true
	} else {
		open.net.broken = true
	}
}
