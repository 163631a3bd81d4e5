package resolve

import (
	"fmt"
	"net/netip"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"underlay.dev/underlay/internal/model"
)

// checks resolves the user's routing expectations; it runs after build so
// device names resolve to finished devices.
func (r *resolver) checks() {
	list := field.NewPath("spec", "checks")
	names := map[string]bool{}
	for i, in := range r.in.Spec.Checks {
		p := list.Index(i)
		if in.Name != "" {
			p = list.Key(in.Name)
		}
		if in.Name == "" {
			r.errs = append(r.errs, field.Required(p.Child("name"), "name the check so reports can refer to it"))
		} else if names[in.Name] {
			r.errs = append(r.errs, field.Duplicate(p.Child("name"), in.Name))
		}
		names[in.Name] = true
		c := model.Check{Name: in.Name, MinPaths: in.MinPaths, Reach: in.Expect != "isolated"}
		if c.MinPaths == 0 {
			c.MinPaths = 1
		}
		switch {
		case in.Expect != "" && in.Expect != "reach" && in.Expect != "isolated":
			r.errs = append(r.errs, field.NotSupported(p.Child("expect"), in.Expect, []string{"reach", "isolated"}))
		case in.MinPaths < 0 || in.MinPaths > maxPaths:
			r.errs = append(r.errs, field.Invalid(p.Child("minPaths"), in.MinPaths, fmt.Sprintf("must be 1-%d", maxPaths)))
		}
		c.From = r.checkFrom(p.Child("from"), in.From)
		c.To = r.checkTo(p.Child("to"), in.To)
		r.out.Checks = append(r.out.Checks, c)
	}
}

func (r *resolver) checkFrom(p *field.Path, s string) []*model.Device {
	if role, ok := strings.CutPrefix(s, "role:"); ok {
		if !model.Role(role).IsValid() {
			r.errs = append(r.errs, field.NotSupported(p, s, []string{"role:superspine", "role:spine", "role:leaf", "role:host"}))
			return nil
		}
		var out []*model.Device
		for _, d := range r.out.Devices {
			if d.Role == model.Role(role) {
				out = append(out, d)
			}
		}
		if len(out) == 0 {
			// A check from no device would pass without proving anything.
			r.errs = append(r.errs, field.Invalid(p, s, "no device has role "+role+"; the check would prove nothing"))
		}
		return out
	}
	if d, ok := r.devs[s]; ok {
		return []*model.Device{d.m}
	}
	r.errs = append(r.errs, field.NotFound(p, s+` (want a device name or "role:<role>")`))
	return nil
}

func (r *resolver) checkTo(p *field.Path, s string) []netip.Prefix {
	if d, ok := r.devs[s]; ok {
		// checks route in the default table; a VRF's subnets are proven
		// by the isolation checks instead
		return d.m.Default().Originated
	}
	pfx, err := netip.ParsePrefix(s)
	if err != nil {
		if a, errAddr := netip.ParseAddr(s); errAddr == nil {
			return []netip.Prefix{netip.PrefixFrom(a, a.BitLen())}
		}
		r.errs = append(r.errs, field.Invalid(p, s, "want a prefix (10.1.0.0/24), an address or a device name"))
		return nil
	}
	if pfx.Masked() != pfx {
		// 10.1.0.5/24 is either a typo for 10.1.0.0/24 or for the address
		// 10.1.0.5; guessing either could pass a check that should fail.
		r.errs = append(r.errs, field.Invalid(p, s, fmt.Sprintf("host bits are set: write %s for the subnet or %s for the one address",
			pfx.Masked(), pfx.Addr())))
		return nil
	}
	return []netip.Prefix{pfx}
}
