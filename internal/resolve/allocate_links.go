package resolve

import (
	"fmt"
	"net/netip"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"underlay.dev/underlay/internal/ipam"
	"underlay.dev/underlay/internal/model"
)

// allocateLinks gives every numbered link its /31 (or /127): explicit,
// else from the lock, else from the pool. A numbered link needs at least
// one family; IPv6 is used only where a pool or an explicit value exists.
func (r *resolver) allocateLinks(f model.Family) {
	pool, lock, next, name := r.pools.link4, r.lock.LinkIPv4, r.next.LinkIPv4, "linkIPv4"
	get := func(l *link) *netip.Prefix { return &l.m.V4 }
	if f == model.IPv6 {
		pool, lock, next, name = r.pools.link6, r.lock.LinkIPv6, r.next.LinkIPv6, "linkIPv6"
		get = func(l *link) *netip.Prefix { return &l.m.V6 }
	}
	lg := newLedger[netip.Prefix]("link prefix")
	var want []*link
	for _, l := range r.links {
		if v := *get(l); v.IsValid() {
			lg.claim(r, v, holding{owner: l.key, path: l.path.Child(string(f))})
		}
	}
	for _, l := range r.links {
		if l.m.Unnumbered || get(l).IsValid() || pool == nil {
			continue
		}
		if s, ok := lock[l.key]; ok {
			v, ok := r.lockPrefix(name, l.key, s, *pool)
			if !ok {
				continue
			}
			if lg.claim(r, v, holding{owner: l.key, path: lockPath(name, l.key), locked: true}) {
				*get(l) = v
				continue
			}
		}
		want = append(want, l)
	}
	if pool != nil {
		a := ipam.NewAllocator(*pool)
		for v, h := range lg.holder {
			if i, ok := pool.Index(v); ok {
				a.Reserve(i, h.owner)
			}
		}
		for _, l := range want {
			if i, ok := a.Next(l.key); ok {
				*get(l) = pool.Slot(i)
			}
		}
		if msg := a.Shortfall("link prefixes"); msg != "" {
			r.errs = append(r.errs, field.Invalid(field.NewPath("spec", "pools", name), pool.Prefix.String(), msg))
		}
	}
	for _, l := range r.links {
		if v := *get(l); v.IsValid() {
			next[l.key] = v.String()
		}
		if f == model.IPv6 && !l.m.Unnumbered && !l.m.V4.IsValid() && !l.m.V6.IsValid() && r.pools.link4 == nil && r.pools.link6 == nil &&
			!r.pools.prefixBroken["linkIPv4"] && !r.pools.prefixBroken["linkIPv6"] {
			r.errs = append(r.errs, field.Required(l.path, fmt.Sprintf(
				"numbered link %s has no address: set ipv4 on it, set spec.pools.linkIPv4, or make it unnumbered", l.in.Endpoints)))
		}
	}
}
