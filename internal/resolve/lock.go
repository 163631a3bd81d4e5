package resolve

import (
	"errors"
	"fmt"
	"net/netip"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"underlay.dev/underlay/internal/intent"
	"underlay.dev/underlay/internal/ipam"
	"underlay.dev/underlay/internal/model"
)

// A lock entry is a value allocated from a pool earlier. It is used only
// where the intent sets no value of its own, and only if it still is one
// the pool could hand out: a reserved ASN, a prefix of the other family,
// of the wrong length or outside the (since changed) pool is an error on
// the lock file's line, never a value that reaches a renderer. Only the
// entries that are read are checked; the rest are dropped from the next
// lock anyway.

// lockPath is the field path of a lock file entry; intent.Locate places it
// on the lock file's line.
func lockPath(table, key string) *field.Path { return intent.LockRoot.Child(table, key) }

// lockedASNs claims the lock file's ASN of every group without an explicit
// one. It returns the groups whose entry is unusable, which get no fresh
// ASN either: the error says to delete the entry for that.
func (r *resolver) lockedASNs(groups []*asnGroup, lg *ledger[model.ASN], values map[*asnGroup]model.ASN) map[*asnGroup]bool {
	bad := map[*asnGroup]bool{}
	for _, g := range groups {
		v, ok := r.lock.ASNs[g.key]
		if !ok || g.explicit != nil {
			continue
		}
		p := lockPath("asns", g.key)
		if why := r.lockASNProblem(g.role, model.ASN(v)); why != "" {
			r.errs = append(r.errs, field.Invalid(p, v, fmt.Sprintf("the lock file's ASN for %s is not usable: %s", g.key, why)))
			bad[g] = true
			continue
		}
		if lg.claim(r, model.ASN(v), holding{owner: g.key, path: p, locked: true}) {
			values[g] = model.ASN(v)
		}
	}
	return bad
}

// lockASNProblem says what is wrong with a locked ASN for role, or "".
func (r *resolver) lockASNProblem(role model.Role, v model.ASN) string {
	if res := (*model.ReservedError)(nil); errors.As(v.Check(), &res) {
		return fmt.Sprintf("AS %d is reserved (%s); delete the entry to let underlay allocate afresh", v, res.Why)
	}
	if pool := r.pools.asn[role]; pool != nil && !pool.Contains(v) {
		return fmt.Sprintf("%d is outside the pool %s, which must have changed since it was allocated; "+
			"set asn on the device to keep it, or delete the entry to let underlay allocate afresh from %s", v, pool, r.pools.asnPath[role])
	}
	return ""
}

// lockPrefix reads the lock file's entry for key in table (loopbackIPv4,
// linkIPv6, ...), which must be a slot of pool. It reports false, after
// recording the error, when the entry is unusable.
func (r *resolver) lockPrefix(table, key, s string, pool ipam.PrefixPool) (netip.Prefix, bool) {
	return r.lockPrefixFrom(table, key, s, pool, "spec.pools."+table)
}

// lockPrefixFrom is lockPrefix for a pool the intent sets at from.
func (r *resolver) lockPrefixFrom(table, key, s string, pool ipam.PrefixPool, from string) (netip.Prefix, bool) {
	v, err := netip.ParsePrefix(s)
	if err == nil {
		err = pool.Check(v)
	} else {
		err = fmt.Errorf("not a prefix")
	}
	if err == nil {
		return v, true
	}
	why := err.Error()
	if v.IsValid() && v.Addr().Is4() == pool.Prefix.Addr().Is4() && !pool.Prefix.Overlaps(v) {
		why += ", which must have changed since it was allocated"
	}
	r.errs = append(r.errs, field.Invalid(lockPath(table, key), s, fmt.Sprintf(
		"the lock file's %s entry for %s is not usable: %s; fix it, or delete the entry to let underlay allocate afresh from %s",
		table, key, why, from)))
	return netip.Prefix{}, false
}
