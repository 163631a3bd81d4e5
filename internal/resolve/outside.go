package resolve

import (
	"fmt"
	"net/netip"
	"regexp"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/platform"
)

// This file validates the neighbours outside the fabric a device declares
// (spec.devices[].peers and .groups); outside_build.go turns them into
// sessions once ASNs are allocated.

// outsider is one external neighbour or group being resolved.
type outsider struct {
	path *field.Path
	ext  *model.External // exactly one of ext and grp is set
	grp  *model.Group
	// local is the device's own address facing a numbered external: the
	// gateway of the subnet its address is in.
	local netip.Addr
}

func (o *outsider) name() string {
	if o.ext != nil {
		return o.ext.Name
	}
	return o.grp.Name
}

// Limits FRR 8.4 accepts: `bgp listen limit (1-65535)`, `neighbor X
// maximum-prefix (1-4294967295)`.
const (
	maxListenLimit = 65535
	maxMaxPrefixes = 4294967295
)

var (
	// interfaceLike are Linux interface names a switch has besides its
	// ports; FRR reads `neighbor <name>` as an interface when one exists.
	interfaceLike = regexp.MustCompile(`^(lo|eth[0-9]+|bond[0-9]*|br[0-9]*|bridge|vlan[0-9]+|mgmt|peerlink)$`)
)

// outsiders validates every device's peers and groups. It runs after the
// links so a port that a link uses is reported on the peer, not the link.
func (r *resolver) outsiders() {
	for _, d := range r.order {
		if len(d.in.Peers) == 0 && len(d.in.Groups) == 0 {
			continue
		}
		if d.broken {
			continue
		}
		if d.m.Role != model.RoleLeaf {
			what := "peers"
			if len(d.in.Peers) == 0 {
				what = "groups"
			}
			// Spines carry every leaf's routes and share their ASN;
			// outside routers belong on border leaves, so spines stay
			// alike and can be drained without cutting the fabric off.
			// A host announces only itself and has no port subnets for
			// a neighbour to sit in.
			why := "a " + string(d.m.Role) + " carries every leaf's routes"
			if d.m.Role == model.RoleHost {
				why = "a host announces only its own prefixes to its leaves"
			}
			r.errs = append(r.errs, field.Forbidden(d.path.Child(what), fmt.Sprintf(
				"only leaves peer outside the fabric (%s); attach the neighbour to a border leaf", why)))
			continue
		}
		names := map[string]*field.Path{}
		for i := range d.in.Peers {
			r.peer(d, names, i)
		}
		for i := range d.in.Groups {
			r.group(d, names, i)
		}
		r.listenOverlaps(d)
	}
}

// outsideName checks a peer's or group's name: the policies are named
// after it and it must be unique on the device and not a device's name
// (a leaf's host already has a policy UNDERLAY-IMPORT-<host>).
// idx is the item's path by index, which names it unambiguously when two
// items share a name.
func (r *resolver) outsideName(names map[string]*field.Path, p, idx *field.Path, name string, group bool) bool {
	np := p.Child("name")
	switch {
	case name == "":
		r.errs = append(r.errs, field.Required(np, `name the neighbour, e.g. "fw1"`))
	case !model.PeerName.MatchString(name):
		r.errs = append(r.errs, field.Invalid(np, name, fmt.Sprintf(
			"must be at most %d of a-z, 0-9 and '-', starting with a letter or digit, e.g. fw1", model.MaxPeerName)))
	case names[name] != nil:
		r.errs = append(r.errs, field.Duplicate(idx.Child("name"), fmt.Sprintf("%s (first used at %s); peers and groups of a device need distinct names", name, names[name])))
	case r.devs[name] != nil:
		r.errs = append(r.errs, field.Invalid(np, name, "is the name of a fabric device; name the outside neighbour differently"))
	case name == "uplink" || name == "fabric":
		r.errs = append(r.errs, field.Invalid(np, name, "is reserved (UNDERLAY-EXPORT-UPLINK, UNDERLAY-IMPORT-FABRIC); pick another name"))
	case group && looksLikePort(name):
		r.errs = append(r.errs, field.Invalid(np, name, "looks like an interface name, which FRR would read `neighbor "+name+"` as; pick a name such as k8s-rack1"))
	default:
		names[name] = idx
		return true
	}
	return false
}

// looksLikePort: a port name of a platform a leaf may run, or a Linux
// interface name (a host platform's rule takes nearly any word, so it is
// not asked). Addresses cannot pass model.PeerName at all (no '.' or ':').
func looksLikePort(name string) bool {
	for _, d := range platform.All() {
		if d.MayTake(model.RoleLeaf) && d.Ports.Pattern.MatchString(name) {
			return true
		}
	}
	return interfaceLike.MatchString(name)
}

func (r *resolver) peer(d *device, names map[string]*field.Path, i int) {
	in := &d.in.Peers[i]
	p := itemPath(d.path.Child("peers"), i, in.Name)
	ok := r.outsideName(names, p, d.path.Child("peers").Index(i), in.Name, false)
	e := &model.External{Name: in.Name}
	o := &outsider{path: p, ext: e}
	var asnOK bool
	switch in.ASN {
	case "":
		r.errs = append(r.errs, field.Required(p.Child("asn"), "the neighbour's ASN, e.g. 65500"))
	case "external":
		r.errs = append(r.errs, field.Invalid(p.Child("asn"), in.ASN,
			`a peer is one neighbour: give its ASN; "external" (any ASN) is for groups`))
	default:
		e.ASN, asnOK = r.outsideASN(p.Child("asn"), in.ASN)
	}
	linkOK := r.peerLink(d, o, in)
	var rulesOK bool
	e.Announces, e.Accept, e.Advertise, rulesOK = r.outsideRules(p, in.Announces, in.Accept, in.Advertise)
	if ok && asnOK && linkOK && rulesOK {
		d.outside = append(d.outside, o)
	}
}

// peerLink checks how a peer is reached: an address inside a subnet on one
// of the device's ports, or a port of its own.
func (r *resolver) peerLink(d *device, o *outsider, in *v1alpha1.Peer) bool {
	p := o.path
	switch {
	case in.Address != "" && in.Interface != "":
		r.errs = append(r.errs, field.Invalid(p.Child("interface"), in.Interface,
			"a peer is numbered (address) or unnumbered (interface), not both; remove one"))
		return false
	case in.Interface != "":
		o.ext.Interface = in.Interface
		return r.usePort(d, in.Interface, p.Child("interface"))
	case in.Address == "":
		r.errs = append(r.errs, field.Required(p.Child("address"),
			"set address (inside a subnet on one of the device's ports) or interface (unnumbered over a free port)"))
		return false
	}
	ap := p.Child("address")
	a, err := netip.ParseAddr(in.Address)
	if err != nil || a.Zone() != "" {
		r.errs = append(r.errs, field.Invalid(ap, in.Address, "not an address: want e.g. 192.168.10.2 or fd00:10::2"))
		return false
	}
	for _, s := range d.m.Subnets {
		if s.Port == "" || !s.Prefix.Contains(a) {
			continue
		}
		last := lastAddr(s.Prefix)
		switch {
		case a == s.Gateway.Addr():
			r.errs = append(r.errs, field.Invalid(ap, in.Address, fmt.Sprintf(
				"is %s's own gateway address on %s; give the neighbour another address in %s", d.m.Name, s.Port, s.Prefix)))
		case a == s.Prefix.Addr() || (a.Is4() && a == last):
			r.errs = append(r.errs, field.Invalid(ap, in.Address, fmt.Sprintf(
				"is the network or broadcast address of %s; give the neighbour a host address in it", s.Prefix)))
		default:
			o.ext.Address, o.local = a, s.Gateway.Addr()
			return r.uniqueAddress(d, o)
		}
		return false
	}
	r.errs = append(r.errs, field.Invalid(ap, in.Address, fmt.Sprintf(
		"is in no subnet on one of %s's ports (%s); add a subnet with a port for it to spec.devices[%s].subnets, or fix the address",
		d.m.Name, portSubnets(d.m), d.m.Name)))
	return false
}

func (r *resolver) uniqueAddress(d *device, o *outsider) bool {
	for _, prev := range d.outside {
		if prev.ext != nil && prev.ext.Address == o.ext.Address {
			r.errs = append(r.errs, field.Duplicate(o.path.Child("address"),
				fmt.Sprintf("%s (also the address of %s)", o.ext.Address, prev.path)))
			return false
		}
	}
	return true
}

// portSubnets lists the subnets a neighbour can be in, for messages.
func portSubnets(m *model.Device) string {
	out := ""
	for _, s := range m.Subnets {
		if s.Port != "" {
			if out != "" {
				out += ", "
			}
			out += s.Prefix.String() + " on " + s.Port
		}
	}
	if out == "" {
		return "it has none"
	}
	return out
}

func (r *resolver) group(d *device, names map[string]*field.Path, i int) {
	in := &d.in.Groups[i]
	p := itemPath(d.path.Child("groups"), i, in.Name)
	ok := r.outsideName(names, p, d.path.Child("groups").Index(i), in.Name, true)
	g := &model.Group{Name: in.Name, ListenLimit: in.ListenLimit, MaxPrefixes: in.MaxPrefixes}
	asnOK := true
	switch in.ASN {
	case "":
		r.errs = append(r.errs, field.Required(p.Child("asn"), `the members' ASN, or "external" to accept any ASN but the device's own`))
		asnOK = false
	case "external":
	default:
		g.ASN, asnOK = r.outsideASN(p.Child("asn"), in.ASN)
	}
	if in.ListenLimit < 0 || in.ListenLimit > maxListenLimit {
		r.errs = append(r.errs, field.Invalid(p.Child("listenLimit"), in.ListenLimit, fmt.Sprintf("must be 1-%d", maxListenLimit)))
		ok = false
	}
	if in.MaxPrefixes < 0 || in.MaxPrefixes > maxMaxPrefixes {
		r.errs = append(r.errs, field.Invalid(p.Child("maxPrefixes"), in.MaxPrefixes, fmt.Sprintf("must be 1-%d", maxMaxPrefixes)))
		ok = false
	}
	listenOK := r.listen(d, p.Child("listen"), in.Listen, g)
	var rulesOK bool
	g.Announces, g.Accept, g.Advertise, rulesOK = r.outsideRules(p, in.Announces, in.Accept, in.Advertise)
	if ok && asnOK && listenOK && rulesOK {
		d.outside = append(d.outside, &outsider{path: p, grp: g})
	}
}

// listen checks a group's listen ranges: each inside a subnet on one of
// the device's ports, where the members live.
func (r *resolver) listen(d *device, p *field.Path, in []string, g *model.Group) bool {
	if len(in) == 0 {
		r.errs = append(r.errs, field.Required(p, "the ranges members connect from, e.g. [10.1.0.0/24]"))
		return false
	}
	ok := true
	for i, s := range in {
		lp := p.Index(i)
		pfx, good := r.prefix(lp, s)
		if !good {
			ok = false
			continue
		}
		inside := false
		for _, sn := range d.m.Subnets {
			inside = inside || (sn.Port != "" && sn.Prefix.Bits() <= pfx.Bits() && sn.Prefix.Contains(pfx.Addr()))
		}
		if !inside {
			r.errs = append(r.errs, field.Invalid(lp, s, fmt.Sprintf(
				"is not inside a subnet on one of %s's ports (%s); members must be directly connected", d.m.Name, portSubnets(d.m))))
			ok = false
			continue
		}
		g.Listen = append(g.Listen, pfx)
	}
	model.SortPrefixes(g.Listen)
	return ok
}

// listenOverlaps: a member connecting from two groups' ranges would join
// whichever FRR matches first, and FRR refuses equal ranges outright; a
// peer's address inside a range makes one neighbour both a peer and a
// member.
func (r *resolver) listenOverlaps(d *device) {
	for i, a := range d.outside {
		for _, b := range d.outside {
			if a.ext == nil || !a.ext.Address.IsValid() || b.grp == nil {
				continue
			}
			for _, l := range b.grp.Listen {
				if l.Contains(a.ext.Address) {
					r.errs = append(r.errs, field.Invalid(a.path.Child("address"), a.ext.Address.String(), fmt.Sprintf(
						"is inside %s of %s; a neighbour is a peer or a group member, not both: move it out of the range or drop the peer", l, b.path)))
				}
			}
		}
		for _, b := range d.outside[i+1:] {
			if a.grp == nil || b.grp == nil {
				continue
			}
			for _, pa := range a.grp.Listen {
				for _, pb := range b.grp.Listen {
					if pa.Overlaps(pb) {
						r.errs = append(r.errs, field.Invalid(b.path.Child("listen"), pb.String(), fmt.Sprintf(
							"overlaps %s of %s; a member must belong to one group", pa, a.path)))
					}
				}
			}
		}
	}
}

// outsideASN parses an outside neighbour's ASN; collisions with the
// fabric's ASNs are checked once those are allocated (outsideASNs).
func (r *resolver) outsideASN(p *field.Path, s string) (model.ASN, bool) {
	a, err := model.ParseASN(s)
	if err != nil {
		r.errs = append(r.errs, field.Invalid(p, s, err.Error()))
		return 0, false
	}
	return a, true
}

func itemPath(list *field.Path, i int, name string) *field.Path {
	if name != "" {
		return list.Key(name)
	}
	return list.Index(i)
}
