package resolve

import (
	"fmt"
	"net/netip"
	"sort"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"underlay.dev/underlay/internal/ipam"
	"underlay.dev/underlay/internal/model"
)

// allocate settles every ASN, loopback and link prefix. The order is the
// one that makes allocation stable: explicit values first, then the lock,
// then the pools, each in sorted order.
func (r *resolver) allocate() {
	r.allocateASNs()
	r.allocateLoopbacks(model.IPv4)
	r.allocateLoopbacks(model.IPv6)
	r.allocateLinks(model.IPv4)
	r.allocateLinks(model.IPv6)
}

// asnGroup is the set of devices that share one ASN: superspines always,
// the spines of one pod when spec.bgp.sharedSpineASN (default), else one
// device.
func (r *resolver) asnGroup(d *device) string {
	shared := r.in.Spec.BGP.SharedSpineASN == nil || *r.in.Spec.BGP.SharedSpineASN
	switch {
	case d.m.Role == model.RoleSuperspine:
		return "superspine"
	case d.m.Role == model.RoleSpine && shared && d.m.Pod == 0:
		return "spine"
	case d.m.Role == model.RoleSpine && shared:
		return fmt.Sprintf("spine@pod%d", d.m.Pod)
	}
	return d.m.Name
}

type asnGroup struct {
	key      string
	role     model.Role
	members  []*device
	explicit *device // first member with an explicit ASN
}

func (r *resolver) asnGroups() []*asnGroup {
	byKey := map[string]*asnGroup{}
	var groups []*asnGroup
	for _, d := range r.order {
		if d.broken {
			continue
		}
		k := r.asnGroup(d)
		g := byKey[k]
		if g == nil {
			g = &asnGroup{key: k, role: d.m.Role}
			byKey[k] = g
			groups = append(groups, g)
		}
		g.members = append(g.members, d)
		if !d.explicitASN {
			continue
		}
		if g.explicit == nil {
			g.explicit = d
		} else if g.explicit.m.ASN != d.m.ASN {
			r.errs = append(r.errs, field.Invalid(d.path.Child("asn"), d.in.ASN, fmt.Sprintf(
				"%s shares one ASN with %s (%s); use %s, or set spec.bgp.sharedSpineASN: false",
				d.m.Name, g.explicit.m.Name, g.key, g.explicit.m.ASN)))
		}
	}
	sort.Slice(groups, func(i, j int) bool { return groups[i].key < groups[j].key })
	return groups
}

func (r *resolver) allocateASNs() {
	groups := r.asnGroups()
	lg := newLedger[model.ASN]("asn")
	values := map[*asnGroup]model.ASN{}
	for _, g := range groups {
		if g.explicit != nil && lg.claim(r, g.explicit.m.ASN, holding{owner: g.key, path: g.explicit.path.Child("asn")}) {
			values[g] = g.explicit.m.ASN
		}
	}
	badLock := r.lockedASNs(groups, lg, values)
	allocs := map[model.Role]*ipam.Allocator{}
	for role, rng := range r.pools.asn {
		allocs[role] = ipam.NewAllocator(*rng)
		for v, h := range lg.holder {
			if i, ok := rng.Index(v); ok {
				allocs[role].Reserve(i, h.owner)
			}
		}
	}
	for _, g := range groups {
		if _, done := values[g]; !done && g.explicit == nil && !badLock[g] {
			r.newASN(g, allocs, values)
		}
	}
	for role, a := range allocs {
		if msg := a.Shortfall("ASNs"); msg != "" {
			r.errs = append(r.errs, field.Invalid(r.pools.asnPath[role], r.pools.asn[role].String(), msg))
		}
	}
	for g, v := range values {
		r.next.ASNs[g.key] = uint32(v)
		for _, d := range g.members {
			d.m.ASN = v
		}
	}
}

func (r *resolver) newASN(g *asnGroup, allocs map[model.Role]*ipam.Allocator, values map[*asnGroup]model.ASN) {
	a := allocs[g.role]
	if a == nil && r.pools.asnBroken[g.role] {
		return // the pool's own error says what to fix
	}
	if a == nil {
		r.errs = append(r.errs, field.Required(g.members[0].path.Child("asn"),
			fmt.Sprintf("no asn and no pool to allocate one from: set it, or set spec.pools.asn.%s", g.role)))
		return
	}
	if i, ok := a.Next(g.key); ok {
		values[g] = r.pools.asn[g.role].Slot(i)
	}
}

func (r *resolver) allocateLoopbacks(f model.Family) {
	pool, lock, next := r.pools.lo4, r.lock.LoopbackIPv4, r.next.LoopbackIPv4
	what := "loopbackIPv4"
	if f == model.IPv6 {
		pool, lock, next, what = r.pools.lo6, r.lock.LoopbackIPv6, r.next.LoopbackIPv6, "loopbackIPv6"
	}
	lg := newLedger[netip.Prefix]("loopback")
	chosen := map[*device]netip.Prefix{}
	for _, d := range r.order {
		for i, lo := range d.m.Loopbacks {
			if (f == model.IPv4) == lo.Addr().Is4() && lg.claim(r, lo, holding{owner: d.m.Name, path: d.path.Child("loopbacks").Index(i)}) {
				if _, first := chosen[d]; !first {
					chosen[d] = lo
				}
			}
		}
	}
	var want []*device
	for _, d := range sortedDevices(r.order) {
		if _, has := chosen[d]; has || pool == nil || d.broken {
			continue
		}
		if s, ok := lock[d.m.Name]; ok {
			v, ok := r.lockPrefix(what, d.m.Name, s, *pool)
			if !ok {
				continue
			}
			if lg.claim(r, v, holding{owner: d.m.Name, path: lockPath(what, d.m.Name), locked: true}) {
				chosen[d] = v
				continue
			}
		}
		want = append(want, d)
	}
	if f == model.IPv4 && pool == nil && !r.pools.prefixBroken["loopbackIPv4"] {
		for _, d := range r.order {
			if _, has := chosen[d]; !has && !d.hasLo4 && !d.broken {
				r.errs = append(r.errs, field.Required(d.path.Child("loopbacks"),
					"needs an IPv4 loopback (it is the BGP router ID): add one, or set spec.pools.loopbackIPv4"))
			}
		}
	}
	if pool != nil {
		r.fromPool(*pool, lg, want, chosen, field.NewPath("spec", "pools", what), "loopbacks")
	}
	for d, v := range chosen {
		next[d.m.Name] = v.String()
		if !containsPrefix(d.m.Loopbacks, v) {
			d.m.Loopbacks = append(d.m.Loopbacks, v)
		}
	}
}

func (r *resolver) fromPool(pool ipam.PrefixPool, lg *ledger[netip.Prefix], want []*device, chosen map[*device]netip.Prefix, p *field.Path, what string) {
	a := ipam.NewAllocator(pool)
	for v, h := range lg.holder {
		if i, ok := pool.Index(v); ok {
			a.Reserve(i, h.owner)
		}
	}
	for _, d := range want {
		if i, ok := a.Next(d.m.Name); ok {
			chosen[d] = pool.Slot(i)
		}
	}
	if msg := a.Shortfall(what); msg != "" {
		r.errs = append(r.errs, field.Invalid(p, pool.Prefix.String(), msg))
	}
}

func containsPrefix(ps []netip.Prefix, p netip.Prefix) bool {
	for _, x := range ps {
		if x == p {
			return true
		}
	}
	return false
}

func sortedDevices(ds []*device) []*device {
	out := append([]*device(nil), ds...)
	sort.Slice(out, func(i, j int) bool { return out[i].m.Name < out[j].m.Name })
	return out
}
