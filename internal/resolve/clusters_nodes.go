package resolve

import (
	"fmt"
	"slices"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"underlay.dev/underlay/internal/model"
)

// clusterMembers picks the cluster's racks and nodes: the servers named
// in nodes and every fitting server on a leaf named in racks.
func (r *resolver) clusterMembers(c *cluster) bool {
	if len(c.in.Nodes) == 0 && len(c.in.Racks) == 0 {
		r.errs = append(r.errs, field.Required(c.path.Child("nodes"),
			"the cluster's nodes: servers by name (nodes), or every server on some leaves (racks)"))
		return false
	}
	ok := true
	for i, name := range c.in.Racks {
		ok = r.clusterRack(c, c.path.Child("racks").Index(i), name) && ok
	}
	for i, name := range c.in.Nodes {
		ok = r.clusterNode(c, c.path.Child("nodes").Index(i), name) && ok
	}
	return ok
}

func (r *resolver) clusterRack(c *cluster, p *field.Path, name string) bool {
	d := r.devs[name]
	switch {
	case d == nil:
		r.errs = append(r.errs, field.NotFound(p, name))
		return false
	case d.m.Role != model.RoleLeaf:
		r.errs = append(r.errs, field.Invalid(p, name, fmt.Sprintf("is a %s; a rack is a leaf and the servers on it", d.m.Role)))
		return false
	case slices.Contains(c.racks, d):
		r.errs = append(r.errs, field.Duplicate(p, name))
		return false
	}
	if c.net != nil && !slices.Contains(c.net.leaves, d) {
		r.errs = append(r.errs, field.Invalid(p, name, fmt.Sprintf(
			"does not carry network %s, where the nodes' sessions run: add %s to spec.networks[%s].leaves or attach a server on it to the network",
			c.net.m.Name, name, c.net.m.Name)))
		return false
	}
	c.racks = append(c.racks, d)
	for _, s := range r.srvs {
		if s.leaf == d && r.fitsCluster(c, s) == "" {
			r.addNode(c, s, p)
		}
	}
	return true
}

func (r *resolver) clusterNode(c *cluster, p *field.Path, name string) bool {
	s := r.srvByName[name]
	if s == nil {
		r.errs = append(r.errs, field.NotFound(p, name))
		return false
	}
	if why := r.fitsCluster(c, s); why != "" {
		r.errs = append(r.errs, field.Invalid(p, name, why))
		return false
	}
	if slices.Contains(c.nodes[s.leaf], s) {
		return true // also on a rack the cluster lists
	}
	if !slices.Contains(c.racks, s.leaf) {
		c.racks = append(c.racks, s.leaf)
	}
	return r.addNode(c, s, p)
}

// fitsCluster says why server s cannot be a node of c, or "".
func (r *resolver) fitsCluster(c *cluster, s *server) string {
	if c.m.Peering == model.PeerUnnumbered {
		switch {
		case len(s.m.Networks()) > 0:
			return "is on networks; an unnumbered node peers over its own routed port: drop its untagged and tagged networks"
		case len(s.m.Ports) != 1:
			return "is bonded; an unnumbered node peers over one routed port: give it one port"
		case !model.PeerName.MatchString(s.m.Name):
			return fmt.Sprintf("names the leaf's neighbour of an unnumbered node and must be at most %d characters", model.MaxPeerName)
		}
		return ""
	}
	if !slices.Contains(s.m.Networks(), c.net.m) {
		return fmt.Sprintf("is not on network %s, where the cluster's sessions run: add it to the server's untagged or tagged networks", c.net.m.Name)
	}
	return ""
}

// addNode makes s a node of c, once across clusters.
func (r *resolver) addNode(c *cluster, s *server, p *field.Path) bool {
	if prev := r.nodeOf[s]; prev != nil && prev != c {
		r.errs = append(r.errs, field.Invalid(p, s.m.Name, fmt.Sprintf(
			"server %s is already a node of cluster %s; a node belongs to one cluster", s.m.Name, prev.m.Name)))
		return false
	}
	r.nodeOf[s] = c
	c.nodes[s.leaf] = append(c.nodes[s.leaf], s)
	return true
}

// unnumberedNode reports whether server name on leaf is a node of an
// unnumbered cluster, which needs no network. It reads the raw intent
// (servers are checked before clusters), indexed once on first use.
func (r *resolver) unnumberedNode(name, leaf string) bool {
	if r.routed == nil {
		r.routed = map[string]bool{}
		for _, c := range r.in.Spec.Clusters {
			if c.Peering != string(model.PeerUnnumbered) {
				continue
			}
			for _, n := range c.Nodes {
				r.routed["node/"+n] = true
			}
			for _, l := range c.Racks {
				r.routed["rack/"+l] = true
			}
		}
	}
	return r.routed["node/"+name] || r.routed["rack/"+leaf]
}
