package resolve

import (
	"fmt"
	"net/netip"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"underlay.dev/underlay/internal/ipam"
)

// A dual-stack network (poolV6) has an IPv6 subnet on each of its leaves
// besides the IPv4 one its pool or pinned subnets give: both are the
// gateway's addresses on the one SVI, so a server (a Kubernetes node) has
// both families on one interface. A leaf's IPv6 subnet is pinned in
// subnets (an IPv6 entry beside the leaf's IPv4 one), or carved from
// poolV6.

// defaultPrefixLengthV6 is the length of a dual-stack network's IPv6
// subnets: SLAAC and most IPAMs want a /64.
const defaultPrefixLengthV6 = 64

// networkPoolV6 reads poolV6, once pool and subnets are read.
func (r *resolver) networkPoolV6(n *network) {
	in, p := n.in, n.path.Child("poolV6")
	if in.PoolV6 == "" {
		if in.PrefixLengthV6 != 0 {
			r.errs = append(r.errs, field.Forbidden(n.path.Child("prefixLengthV6"), "is the length of IPv6 subnets carved from poolV6: set poolV6 too"))
			n.broken = true
		}
		return
	}
	pfx, err := netip.ParsePrefix(in.PoolV6)
	switch {
	case err != nil:
		r.errs = append(r.errs, field.Invalid(p, in.PoolV6, "not a prefix: want e.g. fd00:10::/48"))
	case !pfx.Addr().Is6() || pfx.Addr().Is4In6():
		r.errs = append(r.errs, field.Invalid(p, in.PoolV6, "is not IPv6: poolV6 is a dual-stack network's IPv6 pool; the IPv4 one goes in pool"))
	case pfx.Masked() != pfx:
		r.errs = append(r.errs, field.Invalid(p, in.PoolV6, fmt.Sprintf("host bits are set; did you mean %s?", pfx.Masked())))
	case n.pool != nil && n.pool.Prefix.Addr().Is6():
		r.errs = append(r.errs, field.Invalid(p, in.PoolV6, fmt.Sprintf(
			"pool %s is IPv6 already: a dual-stack network takes its IPv4 subnets from pool (or subnets) and its IPv6 ones from poolV6; give pool an IPv4 prefix, or drop poolV6",
			n.pool.Prefix)))
	case in.Pool == "" && len(in.Subnets) == 0:
		r.errs = append(r.errs, field.Required(n.path.Child("pool"),
			"poolV6 is the IPv6 side of a dual-stack network, which needs IPv4 subnets too: set pool (or subnets) to an IPv4 prefix, or for an IPv6-only network put the IPv6 pool in pool"))
	case r.subnetInPool(p, pfx):
	default:
		bits := in.PrefixLengthV6
		if bits == 0 {
			bits = defaultPrefixLengthV6
		}
		if bits < pfx.Bits() || bits > 126 {
			r.errs = append(r.errs, field.Invalid(n.path.Child("prefixLengthV6"), bits, fmt.Sprintf(
				"IPv6 subnets carved from %s are /%d to /126 (room for hosts)", pfx, pfx.Bits())))
			break
		}
		n.pool6 = &ipam.PrefixPool{Prefix: pfx, Bits: bits}
		r.pinnedInPoolV6(n)
		return
	}
	n.broken = true
}

// pinV6 records subnets entry p (pfx, on leaf d) as the leaf's IPv6
// subnet of a dual-stack network.
func (r *resolver) pinV6(n *network, d *device, pfx netip.Prefix, p *field.Path) bool {
	switch {
	case d == nil:
	case n.explicitPath6[d] != nil:
		r.errs = append(r.errs, field.Duplicate(p.Child("leaf"), fmt.Sprintf("%s (its IPv6 subnet is already set at %s)", d.m.Name, n.explicitPath6[d])))
	default:
		n.explicit6[d], n.explicitPath6[d] = pfx, p.Child("prefix")
		n.pinned6 = append(n.pinned6, d)
		return true
	}
	return false
}

// pinnedInPoolV6 refuses a pinned IPv6 subnet inside poolV6 that is not
// one of its blocks: it would straddle the pool's slots.
func (r *resolver) pinnedInPoolV6(n *network) {
	for _, d := range n.pinned6 {
		if pfx := n.explicit6[d]; n.pool6.Prefix.Overlaps(pfx) && pfx.Bits() != n.pool6.Bits {
			r.errs = append(r.errs, field.Invalid(n.explicitPath6[d], pfx.String(), fmt.Sprintf(
				"lies in the network's poolV6 %s but is not one of its /%d blocks: pin a /%d, or move the subnet out of the pool",
				n.pool6.Prefix, n.pool6.Bits, n.pool6.Bits)))
			n.broken = true
		}
	}
}

// allocateSubnetsV6 gives each leaf subnet of dual-stack network n its
// IPv6 side: the lock's, or the pool's lowest free block.
func (r *resolver) allocateSubnetsV6(n *network) {
	if n.pool6 == nil {
		return
	}
	const table = "networkSubnetsV6"
	lg := newLedger[netip.Prefix]("network IPv6 subnet")
	lg.fix = "give each leaf a subnet of its own"
	chosen := map[*device]netip.Prefix{}
	for _, d := range n.pinned6 {
		if lg.claim(r, n.explicit6[d], holding{owner: n.m.Name + "/" + d.m.Name, path: n.explicitPath6[d]}) {
			chosen[d] = n.explicit6[d]
		}
	}
	var want []*device
	for _, sn := range n.m.Subnets {
		d, key := r.devs[sn.Leaf.Name], n.m.Name+"/"+sn.Leaf.Name
		if _, ok := chosen[d]; ok {
			continue
		}
		if s, ok := r.lock.NetworkSubnetsV6[key]; ok {
			if v, ok := r.lockPrefixFrom(table, key, s, *n.pool6, n.path.Child("poolV6").String()); ok &&
				lg.claim(r, v, holding{owner: key, path: lockPath(table, key), locked: true}) {
				chosen[d] = v
				continue
			}
		}
		want = append(want, d)
	}
	r.fromPool(*n.pool6, lg, want, chosen, n.path.Child("poolV6"), "IPv6 subnets")
	for _, sn := range n.m.Subnets {
		d := r.devs[sn.Leaf.Name]
		if pfx, ok := chosen[d]; ok {
			if _, pinned := n.explicit6[d]; !pinned {
				r.next.NetworkSubnetsV6[n.m.Name+"/"+sn.Leaf.Name] = pfx.String()
			}
			sn.PrefixV6, sn.GatewayV6 = pfx, netip.PrefixFrom(pfx.Addr().Next(), pfx.Bits())
		}
	}
}
