package resolve

import (
	"crypto/sha256"
	"fmt"
	"net/netip"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/platform"
)

func (r *resolver) devices() {
	list := field.NewPath("spec", "devices")
	if len(r.in.Spec.Devices) == 0 {
		r.errs = append(r.errs, field.Required(list, "a fabric needs at least one device"))
	}
	superspines := false
	for i := range r.in.Spec.Devices {
		superspines = superspines || r.in.Spec.Devices[i].Role == string(model.RoleSuperspine)
	}
	for i := range r.in.Spec.Devices {
		in := &r.in.Spec.Devices[i]
		p := list.Index(i)
		if in.Name != "" {
			p = list.Key(in.Name)
		}
		if !r.checkLabel(p.Child("name"), in.Name) {
			continue
		}
		if first, dup := r.devs[in.Name]; dup {
			r.errs = append(r.errs, field.Duplicate(list.Index(i).Child("name"),
				fmt.Sprintf("%s (first defined at %s)", in.Name, first.path)))
			continue
		}
		d := &device{in: in, path: p, ports: map[string]*field.Path{},
			m: &model.Device{Name: in.Name, Role: model.Role(in.Role), Platform: model.Platform(in.Platform), Pod: in.Pod,
				Instances: []*model.Instance{{Name: model.DefaultInstance}}}}
		r.devs[in.Name] = d
		r.order = append(r.order, d)
		r.checkKind(d, superspines)
		r.deviceASN(d)
		r.deviceLoopbacks(d)
		r.deviceSettings(d)
		r.deviceSonic(d)
	}
	for _, d := range r.order {
		r.deviceSubnets(d) // after all devices, so subnet ports can be checked per platform
	}
}

func (r *resolver) checkKind(d *device, fiveStage bool) {
	m, p := d.m, d.path
	if !m.Role.IsValid() {
		r.errs = append(r.errs, field.NotSupported(p.Child("role"), d.in.Role, strs(model.Roles)))
		d.broken = true
	}
	if !m.Platform.IsValid() {
		r.errs = append(r.errs, field.NotSupported(p.Child("platform"), d.in.Platform, strs(model.Platforms)))
		d.broken = true
	}
	if d.broken {
		return
	}
	if desc, err := platform.Get(m.Platform); err == nil && !desc.MayTake(m.Role) {
		r.errs = append(r.errs, field.Invalid(p.Child("platform"), d.in.Platform, roleMismatch(desc, m.Role)))
		d.broken = true
	}
	podded := m.Role == model.RoleSpine || m.Role == model.RoleLeaf
	switch {
	case m.Pod < 0:
		r.errs = append(r.errs, field.Invalid(p.Child("pod"), m.Pod, "must be 1 or more"))
	case fiveStage && podded && m.Pod == 0:
		r.errs = append(r.errs, field.Required(p.Child("pod"), "a 5-stage fabric (it has superspines) needs the pod of every spine and leaf"))
	case !podded && m.Pod != 0:
		r.errs = append(r.errs, field.Invalid(p.Child("pod"), m.Pod, fmt.Sprintf("a %s belongs to no pod; remove pod", m.Role)))
	case !fiveStage && m.Pod != 0:
		r.errs = append(r.errs, field.Invalid(p.Child("pod"), m.Pod, "pods need superspines (a 5-stage fabric); remove pod or add superspines"))
	}
}

func strs[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

func (r *resolver) deviceASN(d *device) {
	if d.in.ASN == "" {
		return
	}
	asn, err := model.ParseASN(d.in.ASN)
	if err != nil {
		r.errs = append(r.errs, field.Invalid(d.path.Child("asn"), d.in.ASN, err.Error()))
		d.broken = true
		return
	}
	d.m.ASN, d.explicitASN = asn, true
}

func (r *resolver) deviceLoopbacks(d *device) {
	for i, s := range d.in.Loopbacks {
		p := d.path.Child("loopbacks").Index(i)
		pfx, err := parseHostPrefix(s)
		if err != nil {
			r.errs = append(r.errs, field.Invalid(p, s, err.Error()))
			continue
		}
		for _, prev := range d.m.Loopbacks {
			if prev == pfx {
				r.errs = append(r.errs, field.Duplicate(p, s))
			}
		}
		d.m.Loopbacks = append(d.m.Loopbacks, pfx)
		d.hasLo4 = d.hasLo4 || pfx.Addr().Is4()
		d.hasLo6 = d.hasLo6 || pfx.Addr().Is6()
	}
}

// parseHostPrefix accepts "192.0.2.1", "192.0.2.1/32", "fd00::1/128".
func parseHostPrefix(s string) (netip.Prefix, error) {
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("not an address: want e.g. 192.0.2.1/32 or fd00::1/128")
		}
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("not an address: want e.g. 192.0.2.1/32 or fd00::1/128")
	}
	if p.Bits() != p.Addr().BitLen() {
		return netip.Prefix{}, fmt.Errorf("a loopback is a host address: use /%d", p.Addr().BitLen())
	}
	return p, nil
}

func (r *resolver) deviceSettings(d *device) {
	m, in := d.m, d.in
	m.BGP = r.out.BGP
	if in.BGP != nil {
		r.overrideBGP(&m.BGP, d.path.Child("bgp"), in.BGP.MaximumPaths, in.BGP.Timers)
	}
	if in.MTU != 0 && (in.MTU < minMTU || in.MTU > maxMTU) {
		r.errs = append(r.errs, field.Invalid(d.path.Child("mtu"), in.MTU, fmt.Sprintf("must be %d-%d", minMTU, maxMTU)))
	}
	if in.Sonic != nil && m.Platform != model.PlatformSONiC {
		r.errs = append(r.errs, field.Forbidden(d.path.Child("sonic"), "only for platform sonic"))
	}
	if m.Platform == model.PlatformSONiC {
		m.Sonic = sonicSettings(m.Name, in.Sonic)
	}
	if in.Sonic != nil && in.Sonic.RoutingMode != "" && in.Sonic.RoutingMode != SONiCUnified && in.Sonic.RoutingMode != SONiCSplit {
		r.errs = append(r.errs, field.NotSupported(d.path.Child("sonic", "routingMode"), in.Sonic.RoutingMode, []string{SONiCSplit, SONiCUnified}))
	}
}

// sonicSettings fills SONiC hardware values. The defaults match SONiC's
// virtual switch; real hardware should set them. The default MAC is derived
// from the name (locally administered) so output stays deterministic.
func sonicSettings(name string, in *v1alpha1.Sonic) model.SonicSettings {
	h := sha256.Sum256([]byte(name))
	s := model.SonicSettings{HWSKU: "Force10-S6000", Platform: "x86_64-kvm_x86_64-r0",
		MAC: fmt.Sprintf("02:%02x:%02x:%02x:%02x:%02x", h[0], h[1], h[2], h[3], h[4])}
	if in == nil {
		return s
	}
	if in.HWSKU != "" {
		s.HWSKU = in.HWSKU
	}
	if in.Platform != "" {
		s.Platform = in.Platform
	}
	if in.MAC != "" {
		s.MAC = strings.ToLower(in.MAC)
	}
	s.RoutingMode = in.RoutingMode
	return s
}

func (r *resolver) deviceSubnets(d *device) {
	for i, sn := range d.in.Subnets {
		p := d.path.Child("subnets").Index(i)
		if d.m.Role != model.RoleLeaf {
			r.errs = append(r.errs, field.Forbidden(p, "only leaves announce server subnets"))
			continue
		}
		pfx, err := netip.ParsePrefix(sn.Prefix)
		if err != nil {
			r.errs = append(r.errs, field.Invalid(p.Child("prefix"), sn.Prefix, "not a prefix: want e.g. 10.1.1.0/24"))
			continue
		}
		if pfx.Masked() != pfx {
			r.errs = append(r.errs, field.Invalid(p.Child("prefix"), sn.Prefix, fmt.Sprintf("host bits are set; did you mean %s?", pfx.Masked())))
			continue
		}
		if r.subnetInPool(p.Child("prefix"), pfx) {
			continue
		}
		s := model.Subnet{Prefix: pfx, Port: sn.Port}
		if sn.Port != "" {
			if pfx.Bits() > pfx.Addr().BitLen()-2 {
				r.errs = append(r.errs, field.Invalid(p.Child("prefix"), sn.Prefix, "a subnet with a gateway port needs room for hosts: /30 (/126) or larger"))
				continue
			}
			if !r.usePort(d, sn.Port, p.Child("port")) {
				continue
			}
			s.Gateway = netip.PrefixFrom(pfx.Addr().Next(), pfx.Bits())
		}
		d.m.Subnets = append(d.m.Subnets, s)
	}
}

// roleMismatch says which platforms may take role, from the descriptors.
func roleMismatch(desc *platform.Descriptor, role model.Role) string {
	var can []string
	for _, d := range platform.All() {
		if d.MayTake(role) {
			can = append(can, string(d.Name))
		}
	}
	var roles []string
	for _, r := range desc.Roles {
		roles = append(roles, string(r))
	}
	return fmt.Sprintf("platform %s is for role %s; a %s runs %s", desc.Name, orList(roles), role, orList(can))
}

// orList joins "a", "a or b", "a, b or c".
func orList(s []string) string {
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}
