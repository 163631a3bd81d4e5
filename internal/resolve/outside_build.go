package resolve

import (
	"fmt"
	"net/netip"
	"sort"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"underlay.dev/underlay/internal/model"
)

// outsideSessions appends d's sessions to its neighbours outside the
// fabric, by name, after the fabric sessions. A numbered external carries
// its address's family; one over an interface carries the fabric's
// families, as a fabric unnumbered session does (IPv4 with extended next
// hop, IPv6 when the fabric has IPv6); a group those of its listen ranges.
func outsideSessions(d *device, v6 bool) {
	sort.Slice(d.outside, func(i, j int) bool { return d.outside[i].name() < d.outside[j].name() })
	for _, o := range d.outside {
		s := &model.Session{Local: d.m}
		switch {
		case o.grp != nil:
			s.Group, s.PeerASN, s.Families = o.grp, o.grp.ASN, model.Families(o.grp.Listen)
		case o.ext.Interface != "":
			s.External, s.PeerASN, s.Port, s.Unnumbered = o.ext, o.ext.ASN, o.ext.Interface, true
			s.Families = []model.Family{model.IPv4}
			if v6 {
				s.Families = append(s.Families, model.IPv6)
			}
		default:
			s.External, s.PeerASN = o.ext, o.ext.ASN
			s.LocalAddr, s.PeerAddr = o.local, o.ext.Address
			s.Families = model.Families([]netip.Prefix{netip.PrefixFrom(o.ext.Address, o.ext.Address.BitLen())})
		}
		d.m.Default().Sessions = append(d.m.Default().Sessions, s)
	}
}

// outsideASNs refuses an outside neighbour with a fabric ASN, once ASNs
// are allocated: a route that crossed a device with that ASN comes back
// to the neighbour, or the neighbour's routes to that device, with the
// ASN already in the path, and eBGP drops it as a loop. An ASN inside a
// pool would collide with the next device allocated from it.
func (r *resolver) outsideASNs() {
	owner := map[model.ASN]string{}
	for _, d := range r.order {
		if _, ok := owner[d.m.ASN]; !ok {
			owner[d.m.ASN] = d.m.Name
		}
	}
	for _, d := range r.order {
		for _, o := range d.outside {
			asn := o.asn()
			if asn == 0 {
				continue // "external": FRR refuses the device's own ASN itself
			}
			p := o.path.Child("asn")
			if name, ok := owner[asn]; ok {
				r.errs = append(r.errs, field.Invalid(p, asn.String(), fmt.Sprintf(
					"is the ASN of fabric device %s; eBGP would drop routes that crossed it as loops: give the neighbour an ASN outside the fabric's", name)))
				continue
			}
			for _, role := range model.Roles {
				if rng := r.pools.asn[role]; rng != nil && rng.Contains(asn) {
					r.errs = append(r.errs, field.Invalid(p, asn.String(), fmt.Sprintf(
						"is inside spec.pools.asn.%s %s, which underlay allocates devices from; give the neighbour an ASN outside the pools", role, rng)))
				}
			}
		}
	}
}

func (o *outsider) asn() model.ASN {
	if o.ext != nil {
		return o.ext.ASN
	}
	return o.grp.ASN
}

// checkListenLimit puts the instance's listen-limit rule (model
// Instance.ListenLimit) on the intent's line: the group that sets a limit
// its device's other groups would share.
func (r *resolver) checkListenLimit(d *device) {
	_, err := d.m.Default().ListenLimit()
	if err == nil {
		return
	}
	for _, o := range d.outside {
		if o.grp != nil && o.grp.ListenLimit > 0 {
			r.errs = append(r.errs, field.Invalid(o.path.Child("listenLimit"), o.grp.ListenLimit, err.Error()))
			return
		}
	}
}
