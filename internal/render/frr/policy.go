package frr

import (
	"fmt"

	"underlay.dev/underlay/internal/model"
)

// Route-map entries: one per family, so a policy reads the same in either
// address-family block; what matches neither falls to the implicit deny.
const (
	seqIPv4 = 10
	seqIPv6 = 20
)

// prefixLists turns a policy into its IPv4 and IPv6 prefix lists (only
// those with rules), each numbered 10, 20, ...
func prefixLists(p *model.Policy) ([]prefixList, error) {
	v4 := prefixList{IP: "ip", Name: p.Name}
	v6 := prefixList{IP: "ipv6", Name: p.Name}
	for _, r := range p.Rules {
		e := prefixEntry{Prefix: r.Prefix}
		if err := lengths(r, &e); err != nil {
			return nil, err
		}
		l := &v6
		if r.Prefix.Addr().Is4() {
			l = &v4
		}
		e.Seq = 10 * (len(l.Entries) + 1)
		l.Entries = append(l.Entries, e)
	}
	var out []prefixList
	for _, l := range []prefixList{v4, v6} {
		if len(l.Entries) > 0 {
			out = append(out, l)
		}
	}
	return out, nil
}

// newRouteMap permits what the policy's prefix lists match. A policy
// without rules denies everything, explicitly: FRR treats a reference to a
// route-map with no entries like one to an undefined route-map.
func newRouteMap(name string, lists []prefixList) routeMap {
	rm := routeMap{Name: name}
	for _, l := range lists {
		seq := seqIPv6
		if l.IP == "ip" {
			seq = seqIPv4
		}
		rm.Entries = append(rm.Entries, routeMapEntry{Action: "permit", Seq: seq,
			Match: l.IP + " address prefix-list " + l.Name})
	}
	if len(rm.Entries) == 0 {
		rm.Entries = []routeMapEntry{{Action: "deny", Seq: seqIPv4}}
	}
	return rm
}

// lengths sets the entry's ge and le as FRR 8.4 checks them: each one
// said must lie within the prefix's own length and the family's longest,
// and ge may not exceed le. vtysh's dry run accepts "10.0.0.0/24 le 16"
// (its grammar knows only 0-32), and bgpd then refuses the whole
// transaction it is in, so such a rule is an error here. "ge 24" on a /24
// is FRR's: it matches /24 to /32. le alone at the prefix's own length is
// an exact match and is written as one.
func lengths(r model.PrefixRule, e *prefixEntry) error {
	if r.Exact() {
		return nil
	}
	bits, longest := r.Prefix.Bits(), r.Prefix.Addr().BitLen()
	within := func(n int) bool { return n == 0 || (bits <= n && n <= longest) }
	switch {
	case !within(r.Ge) || !within(r.Le):
		return fmt.Errorf("rule %s: lengths ge %d le %d are outside %d-%d", r.Prefix, r.Ge, r.Le, bits, longest)
	case r.Ge > 0 && r.Le > 0 && r.Ge > r.Le:
		return fmt.Errorf("rule %s: ge %d is above le %d", r.Prefix, r.Ge, r.Le)
	}
	e.Ge, e.Le = r.Ge, r.Le
	if r.Ge == 0 && r.Le == bits {
		e.Le = 0
	}
	return nil
}
