package resolve

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/platform"
)

// usePort checks a port name for d's platform and that nothing else uses it.
func (r *resolver) usePort(d *device, port string, p *field.Path) bool {
	if desc, err := platform.Get(d.m.Platform); err == nil && !desc.Ports.Valid(port) {
		r.errs = append(r.errs, field.Invalid(p, port, fmt.Sprintf("not a %s port name: want e.g. %s", d.m.Platform, desc.Ports.Example)))
		return false
	}
	return r.claimPort(d, port, p)
}

// claimPort records that p uses interface name on d, or that something
// else did first.
func (r *resolver) claimPort(d *device, name string, p *field.Path) bool {
	if first, used := d.ports[name]; used {
		r.errs = append(r.errs, field.Duplicate(p, fmt.Sprintf("%s:%s (already used by %s)", d.m.Name, name, first)))
		return false
	}
	d.ports[name] = p
	return true
}

func (r *resolver) resolveLinks() {
	list := field.NewPath("spec", "links")
	seen := map[string]*field.Path{}
	for i := range r.in.Spec.Links {
		in := &r.in.Spec.Links[i]
		l := &link{in: in, path: list.Index(i), m: &model.Link{}}
		if !r.linkEnds(l) {
			continue
		}
		if first, dup := seen[l.key]; dup {
			r.errs = append(r.errs, field.Duplicate(l.path, fmt.Sprintf("%s (same as %s)", in.Endpoints, first)))
			continue
		}
		seen[l.key] = l.path
		r.linkKind(l)
		r.links = append(r.links, l)
	}
	sort.Slice(r.links, func(i, j int) bool { return r.links[i].key < r.links[j].key })
	for _, l := range r.links {
		r.out.Links = append(r.out.Links, l.m)
	}
}

// linkEnds parses "a:port -- b:port" and checks both devices and ports.
func (r *resolver) linkEnds(l *link) bool {
	p := l.path.Child("endpoints")
	if n := strings.Count(l.in.Endpoints, "--"); n > 1 {
		r.errs = append(r.errs, field.Invalid(p, l.in.Endpoints, fmt.Sprintf(
			"a link joins exactly two ports, this one names %d; write one link per pair of ports", n+1)))
		return false
	}
	a, b, ok := strings.Cut(l.in.Endpoints, "--")
	if !ok {
		r.errs = append(r.errs, field.Invalid(p, l.in.Endpoints, `want "device:port -- device:port", e.g. "leaf1:swp1 -- spine1:swp1"`))
		return false
	}
	da, pa, okA := r.endpoint(p, strings.TrimSpace(a))
	db, pb, okB := r.endpoint(p, strings.TrimSpace(b))
	if !okA || !okB {
		return false
	}
	if da == db {
		r.errs = append(r.errs, field.Invalid(p, l.in.Endpoints, "a link must connect two different devices"))
		return false
	}
	okA = r.usePort(da, pa, p)
	okB = r.usePort(db, pb, p)
	if !okA || !okB {
		return false
	}
	// The key orders the ends so the lock does not depend on how the user
	// wrote the link; the model keeps the user's order (A takes the lower
	// address).
	l.a, l.b = da, db
	l.m.A = model.Endpoint{Device: da.m, Port: pa}
	l.m.B = model.Endpoint{Device: db.m, Port: pb}
	ka, kb := l.m.A.String(), l.m.B.String()
	if kb < ka {
		ka, kb = kb, ka
	}
	l.key = ka + "--" + kb
	return true
}

func (r *resolver) endpoint(p *field.Path, s string) (*device, string, bool) {
	name, port, ok := strings.Cut(s, ":")
	if !ok || name == "" || port == "" {
		r.errs = append(r.errs, field.Invalid(p, s, `an endpoint is "device:port", e.g. "leaf1:swp1"`))
		return nil, "", false
	}
	d, known := r.devs[name]
	if !known {
		r.errs = append(r.errs, field.NotFound(p, name+" (no device of that name in spec.devices)"))
		return nil, "", false
	}
	return d, port, !d.broken
}

// linkKind checks the tiers, picks numbered or unnumbered, the MTU and
// any explicit addresses.
func (r *resolver) linkKind(l *link) {
	a, b := l.a.m, l.b.m
	lo, hi := a, b
	if lo.Role.Tier() > hi.Role.Tier() {
		lo, hi = hi, lo
	}
	switch {
	case hi.Role.Tier()-lo.Role.Tier() != 1:
		r.errs = append(r.errs, field.Invalid(l.path.Child("endpoints"), l.in.Endpoints,
			fmt.Sprintf("a %s cannot connect to a %s: links join adjacent tiers (host–leaf, leaf–spine, spine–superspine)", a.Role, b.Role)))
	case lo.Role == model.RoleLeaf && lo.Pod != hi.Pod:
		r.errs = append(r.errs, field.Invalid(l.path.Child("endpoints"), l.in.Endpoints,
			fmt.Sprintf("leaf %s (pod %d) and spine %s (pod %d) are in different pods", lo.Name, lo.Pod, hi.Name, hi.Pod)))
	}
	l.m.Unnumbered = r.unnumbered(l)
	l.m.MTU = linkMTU(l)
	if l.in.MTU != 0 && (l.in.MTU < minMTU || l.in.MTU > maxMTU) {
		r.errs = append(r.errs, field.Invalid(l.path.Child("mtu"), l.in.MTU, fmt.Sprintf("must be %d-%d", minMTU, maxMTU)))
	}
	l.m.V4 = r.explicitLinkPrefix(l, l.path.Child("ipv4"), l.in.IPv4, true)
	l.m.V6 = r.explicitLinkPrefix(l, l.path.Child("ipv6"), l.in.IPv6, false)
}

// unnumbered resolves link → devices → fabric; two devices that disagree
// and a link that does not decide is "unnumbered on one end only".
func (r *resolver) unnumbered(l *link) bool {
	if l.in.Unnumbered != nil {
		if *l.in.Unnumbered && (l.in.IPv4 != "" || l.in.IPv6 != "") {
			r.errs = append(r.errs, field.Invalid(l.path.Child("unnumbered"), true, "an unnumbered link has no ipv4/ipv6; remove them or set unnumbered: false"))
		}
		return *l.in.Unnumbered
	}
	fabric := r.in.Spec.BGP.Unnumbered
	ua, ub := fabric, fabric
	if v := l.a.in.Unnumbered; v != nil {
		ua = *v
	}
	if v := l.b.in.Unnumbered; v != nil {
		ub = *v
	}
	if ua != ub {
		un, num := l.a, l.b
		if ub {
			un, num = l.b, l.a
		}
		r.errs = append(r.errs, field.Invalid(l.path, l.in.Endpoints, fmt.Sprintf(
			"unnumbered on one end only: %s is unnumbered but %s is numbered; set spec.links[…].unnumbered on this link or make both devices agree",
			un.m.Name, num.m.Name)))
	}
	return ua && l.in.IPv4 == "" && l.in.IPv6 == ""
}

func linkMTU(l *link) int {
	if l.in.MTU != 0 {
		return l.in.MTU
	}
	mtu := 0
	for _, v := range []int{l.a.in.MTU, l.b.in.MTU} {
		if v != 0 && (mtu == 0 || v < mtu) {
			mtu = v
		}
	}
	if mtu == 0 {
		return DefaultMTU
	}
	return mtu
}

func (r *resolver) explicitLinkPrefix(l *link, p *field.Path, s string, v4 bool) netip.Prefix {
	if s == "" {
		return netip.Prefix{}
	}
	bits := map[bool]int{true: 31, false: 127}[v4]
	pfx, err := netip.ParsePrefix(s)
	switch {
	case err != nil || pfx.Addr().Is4() != v4:
		r.errs = append(r.errs, field.Invalid(p, s, fmt.Sprintf("want a /%d prefix, e.g. %s", bits, map[bool]string{true: "10.0.0.0/31", false: "fd00::/127"}[v4])))
	case pfx.Bits() != bits:
		r.errs = append(r.errs, field.Invalid(p, s, fmt.Sprintf("point-to-point links use /%d", bits)))
	case pfx.Masked() != pfx:
		r.errs = append(r.errs, field.Invalid(p, s, fmt.Sprintf("host bits are set; did you mean %s? (the first endpoint takes the lower address)", pfx.Masked())))
	default:
		return pfx
	}
	return netip.Prefix{}
}
