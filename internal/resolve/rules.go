package resolve

import (
	"fmt"
	"net/netip"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/model"
)

// prefix parses a prefix the user wrote, refusing host bits: 10.1.0.5/24
// is a typo for either 10.1.0.0/24 or one address, and guessing either
// filters routes the user did not mean.
func (r *resolver) prefix(p *field.Path, s string) (netip.Prefix, bool) {
	pfx, err := netip.ParsePrefix(s)
	switch {
	case err != nil:
		r.errs = append(r.errs, field.Invalid(p, s, "not a prefix: want e.g. 10.1.0.0/24 or fd00:1::/64"))
	case pfx.Masked() != pfx:
		r.errs = append(r.errs, field.Invalid(p, s, fmt.Sprintf("host bits are set; did you mean %s?", pfx.Masked())))
	default:
		return pfx, true
	}
	return netip.Prefix{}, false
}

// outsideRules parses what a neighbour announces and its import and export
// rules. nil rules take the defaults (ApplyPolicies); an empty list is an
// error because it would read as "the default" once written back.
func (r *resolver) outsideRules(p *field.Path, announces []string, accept, advertise []v1alpha1.PrefixRule) (
	ann []netip.Prefix, acc, adv []model.PrefixRule, ok bool) {
	ok = true
	seen := map[netip.Prefix]bool{}
	for i, s := range announces {
		pfx, good := r.prefix(p.Child("announces").Index(i), s)
		switch {
		case !good:
			ok = false
		case seen[pfx]:
			r.errs = append(r.errs, field.Duplicate(p.Child("announces").Index(i), s))
			ok = false
		default:
			seen[pfx] = true
			ann = append(ann, pfx)
		}
	}
	model.SortPrefixes(ann)
	if accept == nil && len(announces) == 0 {
		r.errs = append(r.errs, field.Required(p.Child("announces"),
			"list what the neighbour announces (the default import policy accepts exactly that), or set accept"))
		ok = false
	}
	if accept == nil {
		for i, a := range announces {
			if pfx, err := netip.ParsePrefix(a); err == nil && seen[pfx] && !r.importable(p.Child("announces").Index(i), model.PrefixRule{Prefix: pfx}, a) {
				ok = false
			}
		}
	}
	acc, okAcc := r.rules(p.Child("accept"), accept, true)
	adv, okAdv := r.rules(p.Child("advertise"), advertise, false)
	return ann, acc, adv, ok && okAcc && okAdv
}

// rules parses prefix rules, sorted as policies keep them; import rules
// must not take in the fabric's own addresses (importable).
func (r *resolver) rules(p *field.Path, in []v1alpha1.PrefixRule, imports bool) ([]model.PrefixRule, bool) {
	if in == nil {
		return nil, true
	}
	if len(in) == 0 {
		r.errs = append(r.errs, field.Required(p, "an empty list would match nothing; remove "+p.String()+" to take the default, or list rules"))
		return nil, false
	}
	ok := true
	out := make([]model.PrefixRule, 0, len(in))
	for i, rule := range in {
		rp := p.Index(i)
		pfx, good := r.prefix(rp.Child("prefix"), rule.Prefix)
		if !good {
			ok = false
			continue
		}
		m := model.PrefixRule{Prefix: pfx, Ge: rule.Ge, Le: rule.Le}
		if key, msg := lengthsError(m); msg != "" {
			v := map[string]int{"ge": rule.Ge, "le": rule.Le}[key]
			r.errs = append(r.errs, field.Invalid(rp.Child(key), v, msg))
			ok = false
			continue
		}
		if imports && !r.importable(rp, m, rule.Prefix) {
			ok = false
			continue
		}
		out = append(out, m)
	}
	sortRules(out)
	return dedupRules(out), ok
}

// lengthsError checks ge and le as FRR 8.4 does (lib/filter_nb.c: "mask
// length <= ge <= le"), each at most the family's longest prefix, and
// names the key at fault. ge equal to the prefix's own length is accepted
// there, and so here.
func lengthsError(rule model.PrefixRule) (key, msg string) {
	bits, maxBits := rule.Prefix.Bits(), rule.Prefix.Addr().BitLen()
	want := fmt.Sprintf("want %d <= ge <= le <= %d for %s", bits, maxBits, rule.Prefix)
	for _, k := range []struct {
		key string
		v   int
	}{{"ge", rule.Ge}, {"le", rule.Le}} {
		switch {
		case k.v < 0:
			return k.key, "must not be negative; " + want
		case k.v > maxBits:
			return k.key, fmt.Sprintf("longer than an %s prefix can be; %s", map[bool]string{true: "IPv4", false: "IPv6"}[maxBits == 32], want)
		case k.v != 0 && k.v < bits:
			return k.key, "shorter than the prefix itself, which FRR refuses; " + want
		}
	}
	if rule.Ge != 0 && rule.Le != 0 && rule.Ge > rule.Le {
		return "ge", "greater than le, so the rule would match nothing; " + want
	}
	return "", ""
}

// importable refuses an import rule that would accept one of the fabric's
// own addresses from outside it: a loopback or link from a pool, or a
// device's loopback or subnet. Such a route would compete with the
// fabric's own (a hijack, or a loop through the border leaf, which
// announces what it accepts to its spines).
func (r *resolver) importable(p *field.Path, rule model.PrefixRule, value string) bool {
	_, hi := rule.Lengths()
	for _, np := range r.pools.prefixPools() {
		if np.pool == nil {
			continue
		}
		pool := np.pool.Prefix
		// some prefix inside both the rule and the pool has a length in
		// [lo, hi] unless the rule's longest is still shorter than the pool
		if pool.Addr().Is4() == rule.Prefix.Addr().Is4() && pool.Overlaps(rule.Prefix) &&
			(pool.Bits() <= rule.Prefix.Bits() || hi >= pool.Bits()) {
			r.errs = append(r.errs, field.Invalid(p, value, fmt.Sprintf(
				"would accept addresses of spec.pools.%s %s from outside the fabric; narrow the rule (e.g. exact, or le below /%d)", np.name, pool, pool.Bits())))
			return false
		}
	}
	for _, d := range r.order {
		own := append(append([]netip.Prefix(nil), d.m.Loopbacks...), subnetPrefixes(d.m)...)
		for _, q := range own {
			if rule.Matches(q) {
				r.errs = append(r.errs, field.Invalid(p, value, fmt.Sprintf(
					"would accept %s, which %s announces itself, from outside the fabric; narrow the rule", q, d.m.Name)))
				return false
			}
		}
	}
	return true
}
