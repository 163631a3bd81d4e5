package resolve

import (
	"net/netip"
	"slices"
	"sort"

	"underlay.dev/underlay/internal/model"
)

// Policy names, the same on every device so operators learn them once.
const (
	PolicyExportUplink = "UNDERLAY-EXPORT-UPLINK"
	PolicyImportFabric = "UNDERLAY-IMPORT-FABRIC"
	PolicyImportHost   = "UNDERLAY-IMPORT-" // + host name
	// A neighbour outside the fabric (a peer or a group) gets both, named
	// after it.
	PolicyImportOutside = "UNDERLAY-IMPORT-" // + peer or group name
	PolicyExportOutside = "UNDERLAY-EXPORT-" // + peer or group name
)

// ApplyPolicies attaches the route policy every device gets:
//   - a leaf announces to its spines only its own prefixes and those of the
//     hosts behind it (a leaf is never transit between spines), and accepts
//     from each host only that host's own prefixes;
//   - a host announces only its own prefixes and accepts only fabric
//     loopbacks and server subnets ("router on the host");
//   - spines and superspines pass everything: eBGP loop prevention with
//     shared spine/superspine ASNs stops valley paths;
//   - a neighbour outside the fabric (only leaves have them) is accepted
//     from by its accept rules, default exactly what it announces, and
//     sent its advertise rules, default the fabric's own addresses (the
//     loopback pools up to /32 and /128, every other originated prefix
//     exactly) and, to a cluster's nodes, the cluster's ranges; the leaf announces to its spines what it accepts from it.
//
// It expects Originated to be filled and replaces any existing policies.
func ApplyPolicies(f *model.Fabric) {
	var fabricRules []model.PrefixRule
	for _, p := range f.LoopbackPools {
		fabricRules = append(fabricRules, model.PrefixRule{Prefix: p, Le: p.Addr().BitLen()})
	}
	for _, d := range f.Devices {
		for _, p := range d.Default().Originated { // VRFs' prefixes stay in their VRF
			if !inPools(f.LoopbackPools, p) {
				fabricRules = append(fabricRules, model.PrefixRule{Prefix: p})
			}
		}
	}
	sortRules(fabricRules)
	for _, d := range f.Devices {
		d.Policies = nil
		switch d.Role {
		case model.RoleLeaf:
			leafPolicies(d, fabricRules)
		case model.RoleHost:
			hostPolicies(d, fabricRules)
		}
		sort.Slice(d.Policies, func(i, j int) bool { return d.Policies[i].Name < d.Policies[j].Name })
	}
}

func inPools(pools []netip.Prefix, p netip.Prefix) bool {
	for _, pool := range pools {
		if pool.Contains(p.Addr()) && p.Bits() >= pool.Bits() {
			return true
		}
	}
	return false
}

func leafPolicies(d *model.Device, fabricRules []model.PrefixRule) {
	up := &model.Policy{Name: PolicyExportUplink, Rules: exact(d.Default().Originated)}
	d.Policies = append(d.Policies, up)
	imports := map[string]*model.Policy{}
	for _, s := range d.Sessions() {
		if !s.Fabric() {
			in := outsidePolicies(d, s, fabricRules)
			up.Rules = append(up.Rules, in.Rules...)
			continue
		}
		if s.Peer.Role != model.RoleHost {
			s.Export = up
			continue
		}
		in := imports[s.Peer.Name]
		if in == nil {
			in = &model.Policy{Name: PolicyImportHost + s.Peer.Name, Rules: exact(s.Peer.Originated())}
			imports[s.Peer.Name] = in
			d.Policies = append(d.Policies, in)
			up.Rules = append(up.Rules, in.Rules...)
		}
		s.Import = in
	}
	sortRules(up.Rules)
	up.Rules = dedupRules(up.Rules)
}

// outsidePolicies gives a session to a peer or group its import and
// export policies and returns the import one.
func outsidePolicies(d *model.Device, s *model.Session, fabricRules []model.PrefixRule) *model.Policy {
	name, announces, accept, advertise := "", []netip.Prefix(nil), []model.PrefixRule(nil), []model.PrefixRule(nil)
	if s.Group != nil {
		name, announces, accept, advertise = s.Group.Name, s.Group.Announces, s.Group.Accept, s.Group.Advertise
	} else {
		name, announces, accept, advertise = s.External.Name, s.External.Announces, s.External.Accept, s.External.Advertise
	}
	if accept == nil {
		accept = exact(announces)
	}
	if advertise == nil {
		advertise = fabricRules
		if s.Options().Cluster != nil {
			// nodes also learn their cluster's pods and services in
			// other racks (what the leaf accepts from any rack)
			advertise = append(slices.Clone(fabricRules), accept...)
		}
	}
	if c := s.Options().Cluster; c != nil && s.External != nil {
		// an unnumbered cluster's nodes on one leaf share the rules: one
		// pair of policies named after the cluster, not one per node
		name = c.Name
		if in, out := d.Policy(PolicyImportOutside+name), d.Policy(PolicyExportOutside+name); in != nil && out != nil {
			s.Import, s.Export = in, out
			return in
		}
	}
	in := &model.Policy{Name: PolicyImportOutside + name, Rules: slices.Clone(accept)}
	out := &model.Policy{Name: PolicyExportOutside + name, Rules: slices.Clone(advertise)}
	sortRules(in.Rules)
	sortRules(out.Rules)
	in.Rules, out.Rules = dedupRules(in.Rules), dedupRules(out.Rules)
	s.Import, s.Export = in, out
	d.Policies = append(d.Policies, in, out)
	return in
}

func hostPolicies(d *model.Device, fabricRules []model.PrefixRule) {
	out := &model.Policy{Name: PolicyExportUplink, Rules: exact(d.Originated())}
	in := &model.Policy{Name: PolicyImportFabric, Rules: fabricRules}
	d.Policies = append(d.Policies, out, in)
	for _, s := range d.Sessions() {
		s.Import, s.Export = in, out
	}
}

func exact(ps []netip.Prefix) []model.PrefixRule {
	rs := make([]model.PrefixRule, 0, len(ps))
	for _, p := range ps {
		rs = append(rs, model.PrefixRule{Prefix: p})
	}
	return rs
}

func sortRules(rs []model.PrefixRule) {
	sort.Slice(rs, func(i, j int) bool {
		a, b := rs[i].Prefix, rs[j].Prefix
		if a.Addr().Is4() != b.Addr().Is4() {
			return a.Addr().Is4()
		}
		if c := model.ComparePrefix(a, b); c != 0 {
			return c < 0
		}
		// one prefix with several length ranges (accept rules): by ge, le
		if rs[i].Ge != rs[j].Ge {
			return rs[i].Ge < rs[j].Ge
		}
		return rs[i].Le < rs[j].Le
	})
}

func dedupRules(rs []model.PrefixRule) []model.PrefixRule {
	out := rs[:0]
	for i, r := range rs {
		if i == 0 || r != rs[i-1] {
			out = append(out, r)
		}
	}
	return out
}
