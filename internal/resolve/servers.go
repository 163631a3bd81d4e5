package resolve

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/model"
)

// server is a bare-metal server being resolved.
type server struct {
	m    *model.Server
	in   *v1alpha1.Server
	path *field.Path
	leaf *device
}

// servers checks spec.servers: each on one leaf, on ports nothing else
// uses, on networks that exist, on at most one lifecycle network.
func (r *resolver) servers() {
	list := field.NewPath("spec", "servers")
	seen := map[string]*field.Path{}
	withServers := map[*device]bool{}
	for i := range r.in.Spec.Servers {
		in := &r.in.Spec.Servers[i]
		p := list.Index(i)
		if in.Name != "" {
			p = list.Key(in.Name)
		}
		if !r.checkLabel(p.Child("name"), in.Name) {
			continue
		}
		if first, dup := seen[in.Name]; dup {
			r.errs = append(r.errs, field.Duplicate(p.Child("name"), fmt.Sprintf("%s (also at %s)", in.Name, first)))
			continue
		}
		seen[in.Name] = p
		s := &server{in: in, path: p, m: &model.Server{Name: in.Name, MTU: in.MTU}}
		s.leaf = r.leafFor(in.Leaf, p.Child("leaf"), "servers")
		if s.leaf == nil {
			continue
		}
		// pooled networks reach every leaf with servers in its bridge, so
		// moving one is a one-line change; routed nodes have no bridge
		withServers[s.leaf] = withServers[s.leaf] || in.Untagged != "" || len(in.Tagged) > 0
		s.m.Leaf = s.leaf.m
		if r.serverPorts(s) && r.serverMTU(s) && r.serverNetworks(s) {
			r.srvs = append(r.srvs, s)
		}
	}
	var leaves []*device
	for d, bridged := range withServers {
		if bridged {
			leaves = append(leaves, d)
		}
	}
	sort.Slice(leaves, func(i, j int) bool { return leaves[i].m.Name < leaves[j].m.Name })
	r.settleLeaves(leaves)
	for _, s := range r.srvs {
		r.serverOnLeaves(s)
	}
}

// serverPorts claims the server's ports on its leaf (a port a link, a
// subnet, a peer or another server uses is an error naming that user) and
// names the bond of several.
func (r *resolver) serverPorts(s *server) bool {
	if len(s.in.Ports) == 0 {
		r.errs = append(r.errs, field.Required(s.path.Child("ports"), "the leaf ports the server is cabled to: one, or several for an LACP bond"))
		return false
	}
	ok := true
	for i, port := range s.in.Ports {
		if leaf, name, remote := strings.Cut(port, ":"); remote {
			msg := fmt.Sprintf("a bond's ports are all on the server's leaf %s: bonds across two leaves (MLAG, EVPN multihoming) are out of scope; cable the bond to one leaf", s.leaf.m.Name)
			if leaf == s.leaf.m.Name {
				msg = fmt.Sprintf("ports are the server's leaf's (%s): write %s without the leaf", leaf, name)
			}
			r.errs = append(r.errs, field.Invalid(s.path.Child("ports").Index(i), port, msg))
			ok = false
			continue
		}
		if r.usePort(s.leaf, port, s.path.Child("ports").Index(i)) {
			s.m.Ports = append(s.m.Ports, port)
		} else {
			ok = false
		}
	}
	sort.SliceStable(s.m.Ports, func(i, j int) bool { return model.NaturalLess(s.m.Ports[i], s.m.Ports[j]) })
	if len(s.in.Ports) == 1 {
		if s.in.Bond != "" || s.in.LACPBypass != nil {
			r.errs = append(r.errs, field.Forbidden(s.path.Child("bond"), "a bond needs two or more ports: list them all in ports, or drop bond and lacpBypass"))
			return false
		}
		return ok
	}
	rule := serversOf(s.leaf).Bond
	s.m.Bond = s.in.Bond
	if s.m.Bond == "" {
		s.m.Bond = rule.Name(s.m.Ports[0])
	}
	if !rule.Pattern.MatchString(s.m.Bond) {
		what := fmt.Sprintf("the default name from %s", s.m.Ports[0])
		if s.in.Bond != "" {
			what = "bond"
		}
		r.errs = append(r.errs, field.Invalid(s.path.Child("bond"), s.m.Bond, fmt.Sprintf(
			"%s is not a %s bond name: want e.g. %s (set bond to one)", what, s.leaf.m.Platform, rule.Example)))
		return false
	}
	if ok && !r.claimPort(s.leaf, s.m.Bond, s.path.Child("bond")) {
		return false
	}
	s.m.LACPBypass = s.in.LACPBypass == nil || *s.in.LACPBypass
	return ok
}

func (r *resolver) serverMTU(s *server) bool {
	if s.in.MTU != 0 && (s.in.MTU < 1280 || s.in.MTU > 9216) {
		r.errs = append(r.errs, field.Invalid(s.path.Child("mtu"), s.in.MTU, "an MTU is 1280-9216"))
		return false
	}
	return true
}

// serverNetworks looks up the server's networks: each once, at most one of
// them a lifecycle network (Ironic moves a server from one to the next).
func (r *resolver) serverNetworks(s *server) bool {
	ok := true
	var lifecycle *model.Network
	use := func(name string, p *field.Path) *model.Network {
		n := r.netByName[name]
		switch {
		case n == nil:
			r.errs = append(r.errs, field.NotFound(p, name))
		case n.broken:
		case slices.Contains(s.m.Networks(), n.m):
			r.errs = append(r.errs, field.Duplicate(p, name))
		case n.m.Kind.Lifecycle() && lifecycle != nil:
			r.errs = append(r.errs, field.Invalid(p, name, fmt.Sprintf(
				"the server is on lifecycle networks %s and %s at once: Ironic moves it from one to the next; keep one", lifecycle.Name, name)))
		default:
			if n.m.Kind.Lifecycle() {
				lifecycle = n.m
			}
			return n.m
		}
		ok = false
		return nil
	}
	if s.in.Untagged != "" {
		s.m.Untagged = use(s.in.Untagged, s.path.Child("untagged"))
	}
	for i, name := range s.in.Tagged {
		if n := use(name, s.path.Child("tagged").Index(i)); n != nil {
			s.m.Tagged = append(s.m.Tagged, n)
		}
	}
	if s.in.Untagged == "" && len(s.in.Tagged) == 0 && !r.unnumberedNode(s.in.Name, s.in.Leaf) {
		r.errs = append(r.errs, field.Required(s.path.Child("untagged"), "the network the server is on: set untagged (and tagged for more), or make it a node of a cluster with peering: unnumbered"))
		ok = false
	}
	return ok
}

// serverOnLeaves checks that every network of the server is on its leaf.
func (r *resolver) serverOnLeaves(s *server) {
	for _, n := range s.m.Networks() {
		nw := r.netByName[n.Name]
		if slices.Contains(nw.leaves, s.leaf) {
			continue
		}
		why := fmt.Sprintf("its leaves are set at %s: add %s to them", nw.path.Child("leaves"), s.leaf.m.Name)
		if !nw.listed {
			why = fmt.Sprintf("it has no pool and no subnet for %s: add {leaf: %s, prefix: ...} to %s, or set its pool", s.leaf.m.Name, s.leaf.m.Name, nw.path.Child("subnets"))
		}
		r.errs = append(r.errs, field.Invalid(s.path.Child("leaf"), s.leaf.m.Name, fmt.Sprintf(
			"network %s is not on %s (%s)", n.Name, s.leaf.m.Name, why)))
	}
}
