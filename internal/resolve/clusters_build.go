package resolve

import (
	"fmt"
	"net/netip"
	"sort"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"underlay.dev/underlay/internal/ipam"
	"underlay.dev/underlay/internal/model"
)

// allocateNodeASNs gives each node of a per-node cluster its AS from the
// cluster's pool, kept in the lock file by "cluster/node", and refuses a
// cluster AS or pool that collides with the fabric's.
func (r *resolver) allocateNodeASNs() {
	for _, c := range r.clus {
		r.clusterASNCollisions(c)
		r.clusterMaxASN(c)
		if c.pool == nil {
			continue
		}
		rng := ipam.IntRange{First: int(c.pool.First), Last: int(c.pool.Last)}
		a := &intAlloc{what: "node ASN", table: "nodeASNs", pool: &rng, path: c.path.Child("asn", "pool"),
			lock: r.lock.NodeASNs, next: r.next.NodeASNs, lg: newLedger[int]("node ASN")}
		var owners []string
		for _, d := range c.racks {
			for _, s := range c.nodes[d] {
				owners = append(owners, c.m.Name+"/"+s.m.Name)
			}
		}
		sort.Strings(owners)
		c.asns = r.settle(a, owners, nil, nil)
	}
}

// clusterMaxASN refuses AS numbers the CNI's resources cannot hold: the
// cluster's, the top of the node pool, and the rack leaves' (every peer
// resource names its leaf's AS).
func (r *resolver) clusterMaxASN(c *cluster) {
	max := model.ASN(c.cni.MaxASN)
	if max == 0 {
		return
	}
	p := c.path.Child("asn")
	why := fmt.Sprintf("the largest AS number %s's resources hold (int32 in its CRDs)", c.cni.Name)
	switch {
	case c.m.ASN > max:
		r.errs = append(r.errs, field.Invalid(p.Child("cluster"), c.m.ASN.String(), fmt.Sprintf("is above %d, %s; pick a lower one", max, why)))
	case c.pool != nil && c.pool.Last > max:
		r.errs = append(r.errs, field.Invalid(p.Child("pool"), c.in.ASN.Pool, fmt.Sprintf("reaches above %d, %s; keep the pool below it", max, why)))
	}
	for _, d := range c.racks {
		if d.m.ASN > max {
			r.errs = append(r.errs, field.Invalid(c.path.Child("cni"), c.in.CNI, fmt.Sprintf(
				"rack leaf %s has AS %s, above %d, %s: give the cluster's leaves lower ASNs (spec.pools.asn.leaf, or the leaf's asn)",
				d.m.Name, d.m.ASN, max, why)))
			return
		}
	}
}

// clusterASNCollisions: nodes with a fabric device's ASN, or ASNs from
// the pools devices are allocated from, would see fabric routes as loops.
func (r *resolver) clusterASNCollisions(c *cluster) {
	p := c.path.Child("asn")
	for _, d := range r.order {
		switch {
		case c.m.ASN != 0 && d.m.ASN == c.m.ASN:
			r.errs = append(r.errs, field.Invalid(p.Child("cluster"), c.m.ASN.String(), fmt.Sprintf(
				"is the ASN of fabric device %s; give the nodes an ASN outside the fabric's (model per-rack shares the leaf's)", d.m.Name)))
			return
		case c.pool != nil && c.pool.Contains(d.m.ASN):
			r.errs = append(r.errs, field.Invalid(p.Child("pool"), c.in.ASN.Pool, fmt.Sprintf(
				"contains %s, the ASN of fabric device %s; move the pool outside the fabric's ASNs", d.m.ASN, d.m.Name)))
			return
		}
	}
	for _, role := range model.Roles {
		rng := r.pools.asn[role]
		switch {
		case rng == nil:
		case c.m.ASN != 0 && rng.Contains(c.m.ASN):
			r.errs = append(r.errs, field.Invalid(p.Child("cluster"), c.m.ASN.String(), fmt.Sprintf(
				"is inside spec.pools.asn.%s %s, which underlay allocates devices from; pick an ASN outside the pools", role, rng)))
		case c.pool != nil && c.pool.First <= rng.Last && rng.First <= c.pool.Last:
			r.errs = append(r.errs, field.Invalid(p.Child("pool"), c.in.ASN.Pool, fmt.Sprintf(
				"overlaps spec.pools.asn.%s %s; node and device ASNs need separate ranges", role, rng)))
		}
	}
}

// clusterOutsiders puts each cluster's neighbours on its leaves before
// their sessions are built: a group per rack (listen) or an external per
// node (unnumbered).
func (r *resolver) clusterOutsiders() {
	for _, c := range r.clus {
		r.fabricCarriesV6(c)
		sort.Slice(c.racks, func(a, b int) bool { return c.racks[a].m.Name < c.racks[b].m.Name })
		for i, d := range c.racks {
			rack := &model.Rack{Cluster: c.m, Leaf: d.m}
			c.m.Racks = append(c.m.Racks, rack)
			for _, s := range c.nodes[d] {
				rack.Nodes = append(rack.Nodes, r.clusterNodeModel(c, rack, s))
			}
			sort.Slice(rack.Nodes, func(a, b int) bool { return rack.Nodes[a].Name < rack.Nodes[b].Name })
			opts := c.options()
			if c.m.Peering == model.PeerListen {
				rack.Subnet = c.net.m.SubnetOn(d.m)
				if !r.rackFamilies(c, rack) {
					continue
				}
				g := &model.Group{Name: c.m.Name, ASN: c.groupASN(d.m), Listen: rack.Listen(),
					MaxPrefixes: c.m.BGP.MaxPrefixes, Options: opts, Announces: c.announces(i)}
				g.Accept, g.Advertise = c.rules()
				r.addClusterOutsider(d, &outsider{path: c.path, grp: g})
				continue
			}
			for _, n := range rack.Nodes {
				e := &model.External{Name: n.Name, ASN: n.ASN, Interface: n.Port, Options: opts, Announces: c.announces(i)}
				e.Accept, e.Advertise = c.rules()
				r.addClusterOutsider(d, &outsider{path: c.path.Child("nodes").Key(n.Name), ext: e})
			}
		}
		for _, rack := range c.m.Racks {
			c.m.Nodes = append(c.m.Nodes, rack.Nodes...)
		}
		sort.Slice(c.m.Nodes, func(a, b int) bool { return c.m.Nodes[a].Name < c.m.Nodes[b].Name })
		r.calicoPeerNames(c)
		r.out.Clusters = append(r.out.Clusters, c.m)
	}
	sort.Slice(r.out.Clusters, func(a, b int) bool { return r.out.Clusters[a].Name < r.out.Clusters[b].Name })
}

// addClusterOutsider adds a cluster's neighbour to leaf d, whose own peers
// and groups must be named differently: the name is the peer group's and
// its policies'.
func (r *resolver) addClusterOutsider(d *device, o *outsider) {
	for _, prev := range d.outside {
		sameCluster := prev.ext != nil && o.ext != nil && prev.ext.Options.Cluster != nil && prev.ext.Options.Cluster == o.ext.Options.Cluster
		if !sameCluster && o.ext != nil && prev.name() == o.ext.Options.Cluster.Name {
			// an unnumbered cluster's nodes share policies named after it
			r.errs = append(r.errs, field.Duplicate(o.path.Child("name"), fmt.Sprintf(
				"cluster %s names the policies of its nodes on leaf %s, as %s does its own; rename one of them", o.ext.Options.Cluster.Name, d.m.Name, prev.path)))
			return
		}
		if prev.name() == o.name() {
			r.errs = append(r.errs, field.Duplicate(o.path.Child("name"), fmt.Sprintf(
				"%s is also the name of %s on leaf %s; rename one of them", o.name(), prev.path, d.m.Name)))
			return
		}
	}
	d.outside = append(d.outside, o)
}

func (r *resolver) clusterNodeModel(c *cluster, rack *model.Rack, s *server) *model.Node {
	n := &model.Node{Name: s.m.Name, Server: s.m, Rack: rack}
	switch c.m.ASModel {
	case model.ASPerRack:
		n.ASN = rack.Leaf.ASN
	case model.ASPerCluster:
		n.ASN = c.m.ASN
	case model.ASPerNode:
		n.ASN = model.ASN(c.asns[c.m.Name+"/"+s.m.Name])
	}
	if c.m.Peering == model.PeerUnnumbered {
		n.Port = s.m.Ports[0]
	}
	return n
}

// groupASN is the remote AS the leaf's group takes: its own (per-rack,
// iBGP), any external one (per-node) or the cluster's.
func (c *cluster) groupASN(leaf *model.Device) model.ASN {
	switch c.m.ASModel {
	case model.ASPerRack:
		return leaf.ASN
	case model.ASPerCluster:
		return c.m.ASN
	}
	return 0
}

// options are the session settings the cluster's model implies.
func (c *cluster) options() model.SessionOptions {
	b := c.m.BGP
	return model.SessionOptions{Cluster: c.m, Internal: c.m.ASModel == model.ASPerRack,
		ASOverride:       c.m.ASModel == model.ASPerCluster && c.m.Export == model.ExportFabric,
		DefaultOriginate: c.m.Export == model.ExportDefault,
		BFD:              b.BFD, GracefulRestart: b.GracefulRestart, Keepalive: b.Keepalive, Hold: b.Hold}
}

// rules: the leaf accepts the cluster's pod blocks (exactly the block
// length) and any prefix inside its service ranges; it sends the fabric's
// routes, or only the default route it originates.
func (c *cluster) rules() (accept, advertise []model.PrefixRule) {
	accept = c.m.PodBlockRules()
	for _, s := range c.m.Services.All() {
		accept = append(accept, model.PrefixRule{Prefix: s, Le: s.Addr().BitLen()})
	}
	if c.m.Export != model.ExportDefault {
		return accept, nil
	}
	for _, p := range c.m.PodCIDRs { // a default route per family the pods have
		def := netip.IPv6Unspecified()
		if p.Addr().Is4() {
			def = netip.IPv4Unspecified()
		}
		advertise = append(advertise, model.PrefixRule{Prefix: netip.PrefixFrom(def, 0)})
	}
	return accept, advertise
}

// announces is what verify assumes the rack's nodes send: the rack's own
// block of each pod CIDR (rack i announces block i, standing for the
// blocks Calico hands out at run time) and every service range.
func (c *cluster) announces(i int) []netip.Prefix {
	var out []netip.Prefix
	for _, p := range c.m.PodCIDRs {
		b := c.m.BlockSize
		if p.Addr().Is6() {
			b = c.m.BlockSizeV6
		}
		pool := ipam.PrefixPool{Prefix: p, Bits: b}
		out = append(out, pool.Slot(uint64(i)%pool.Size()))
	}
	out = append(out, c.m.Services.All()...)
	model.SortPrefixes(out)
	return out
}

// linkClusterSessions points each rack and node at the leaf's session to
// it, once the sessions exist.
func linkClusterSessions(f *model.Fabric) {
	for _, c := range f.Clusters {
		for _, rack := range c.Racks {
			for _, s := range rack.Leaf.Default().Sessions {
				o := s.Options()
				if o.Cluster != c {
					continue
				}
				if s.Group != nil {
					rack.Session = s
				}
				for _, n := range rack.Nodes {
					if s.External != nil && s.External.Name == n.Name {
						n.Session = s
					}
				}
			}
		}
	}
}
