package nvue

import (
	"strconv"

	"underlay.dev/underlay/internal/model"
)

// policies renders each policy as one prefix list per family (NVUE lists
// are typed) and one route map matching them; a policy with no rules is a
// route map that denies everything.
func policies(d *model.Device) *policy {
	if len(d.Policies) == 0 {
		return nil
	}
	pol := &policy{PrefixList: map[string]*prefixList{}, RouteMap: map[string]*routeMap{}}
	for _, p := range d.Policies {
		rm := &routeMap{Rule: map[string]*routeMapRule{}}
		for i, fam := range []model.Family{model.IPv4, model.IPv6} {
			pl := &prefixList{Type: string(fam), Rule: map[string]*prefixListRule{}}
			for _, r := range p.Rules {
				if r.Prefix.Addr().Is4() != (fam == model.IPv4) {
					continue
				}
				m := &prefixListMatch{MinPrefixLen: r.Ge, MaxPrefixLen: r.Le}
				pl.Rule[strconv.Itoa(10*(len(pl.Rule)+1))] = &prefixListRule{Action: "permit",
					Match: map[string]*prefixListMatch{r.Prefix.String(): m}}
			}
			if len(pl.Rule) == 0 {
				continue
			}
			name := p.Name + "-" + map[model.Family]string{model.IPv4: "V4", model.IPv6: "V6"}[fam]
			pol.PrefixList[name] = pl
			rm.Rule[strconv.Itoa(10*(i+1))] = &routeMapRule{Match: &routeMapMatch{Type: string(fam), IPPrefixList: name},
				Action: map[string]empty{"permit": {}}}
		}
		if len(rm.Rule) == 0 {
			rm.Rule["10"] = &routeMapRule{Action: map[string]empty{"deny": {}}}
		}
		pol.RouteMap[p.Name] = rm
	}
	return pol
}
