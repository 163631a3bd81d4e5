package resolve

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/cni"
	"underlay.dev/underlay/internal/ipam"
	"underlay.dev/underlay/internal/model"
)

// This file validates spec.clusters; clusters_nodes.go picks each
// cluster's nodes and racks, clusters_build.go puts them on the leaves
// once ASNs are allocated.

// cluster is a Kubernetes cluster being resolved.
type cluster struct {
	m    *model.Cluster
	in   *v1alpha1.Cluster
	path *field.Path
	cni  cni.Descriptor
	net  *network // PeerListen's network
	// pool is per-node's ASN range.
	pool *ipam.ASNRange
	asns map[string]int // per-node's allocation, by "cluster/node"
	// racks are the leaves with nodes, in intent order; nodes the servers
	// that are nodes, by rack.
	racks []*device
	nodes map[*device][]*server
	// familyRefused: a rack's subnet lacks one of the cluster's families,
	// said once.
	familyRefused bool
}

// Defaults a cluster takes where its intent is silent.
const (
	defaultClusterMaxPrefixes = 1000
	maxClusterTimer           = 65535
)

// clusters checks spec.clusters after the servers: nodes are servers.
func (r *resolver) clusters() {
	list := field.NewPath("spec", "clusters")
	seen := map[string]*field.Path{}
	r.srvByName = map[string]*server{}
	for _, s := range r.srvs {
		r.srvByName[s.m.Name] = s
	}
	for i := range r.in.Spec.Clusters {
		in := &r.in.Spec.Clusters[i]
		c := &cluster{in: in, path: itemPath(list, i, in.Name), m: &model.Cluster{Name: in.Name},
			nodes: map[*device][]*server{}}
		if !r.clusterName(c, seen, list.Index(i)) {
			continue
		}
		if !r.clusterCNI(c) {
			continue // what the rest may be depends on the CNI
		}
		ok := r.clusterPeering(c)
		ok = r.clusterASN(c) && ok
		ok = r.clusterPrefixes(c) && r.clusterFamilies(c) && ok
		ok = r.clusterBGP(c) && ok
		if ok && r.clusterMembers(c) {
			r.clus = append(r.clus, c)
		}
	}
	r.clusterOverlaps()
}

func (r *resolver) clusterName(c *cluster, seen map[string]*field.Path, idx *field.Path) bool {
	np, name := c.path.Child("name"), c.in.Name
	switch {
	case name == "":
		r.errs = append(r.errs, field.Required(np, `name the cluster, e.g. "prod"`))
	case !model.PeerName.MatchString(name) || name[0] < 'a' || name[0] > 'z':
		r.errs = append(r.errs, field.Invalid(np, name, fmt.Sprintf(
			"must be at most %d of a-z, 0-9 and '-', starting with a letter: it names the leaves' peer group and the cluster's directory", model.MaxPeerName)))
	case seen[name] != nil:
		r.errs = append(r.errs, field.Duplicate(idx.Child("name"), fmt.Sprintf("%s (first used at %s)", name, seen[name])))
	case r.devs[name] != nil:
		r.errs = append(r.errs, field.Invalid(np, name, "is the name of a fabric device; name the cluster differently"))
	case name == "uplink" || name == "fabric" || looksLikePort(name):
		r.errs = append(r.errs, field.Invalid(np, name, "is reserved or reads as an interface name in FRR's `neighbor "+name+"`; pick a name such as prod"))
	default:
		seen[name] = idx
		return true
	}
	return false
}

func (r *resolver) clusterCNI(c *cluster) bool {
	p := c.path.Child("cni")
	if c.in.CNI == "" {
		r.errs = append(r.errs, field.Required(p, "the cluster's CNI: calico, cilium or frr-k8s"))
		return false
	}
	d, err := cni.Lookup(c.in.CNI)
	if err != nil {
		r.errs = append(r.errs, field.NotSupported(p, c.in.CNI, []string{"calico", "cilium", "frr-k8s"}))
		return false
	}
	c.cni, c.m.CNI = d, d.Name
	return true
}

func (r *resolver) clusterPeering(c *cluster) bool {
	p := c.path.Child("peering")
	switch c.in.Peering {
	case "", string(model.PeerListen):
		c.m.Peering = model.PeerListen
	case string(model.PeerUnnumbered):
		c.m.Peering = model.PeerUnnumbered
		if c.cni.NoUnnumbered != "" {
			r.errs = append(r.errs, field.Invalid(p, c.in.Peering, fmt.Sprintf(
				"%s cannot peer unnumbered: %s; use peering: listen with a network whose subnet the leaves listen on", c.cni.Name, c.cni.NoUnnumbered)))
			return false
		}
	default:
		r.errs = append(r.errs, field.NotSupported(p, c.in.Peering, []string{"listen", "unnumbered"}))
		return false
	}
	return r.clusterNetwork(c)
}

// clusterNetwork: listen peering needs the network the nodes' sessions
// run on; unnumbered peering runs on routed ports and has none.
func (r *resolver) clusterNetwork(c *cluster) bool {
	p := c.path.Child("network")
	name := c.in.Network
	switch {
	case c.m.Peering == model.PeerUnnumbered && name != "":
		r.errs = append(r.errs, field.Invalid(p, name, "unnumbered nodes peer over their own routed port, not on a network: drop network, or use peering: listen"))
		return false
	case c.m.Peering == model.PeerUnnumbered:
		return r.nodeInterface(c)
	case c.in.NodeInterface != "":
		r.errs = append(r.errs, field.Invalid(c.path.Child("nodeInterface"), c.in.NodeInterface,
			"names the nodes' interface of an unnumbered session; a listen cluster peers with an address: drop it"))
		return false
	case name == "":
		r.errs = append(r.errs, field.Required(p, "the network (spec.networks) the nodes are on: each leaf listens for its nodes on its subnet of it"))
		return false
	}
	n := r.netByName[name]
	switch {
	case n == nil:
		r.errs = append(r.errs, field.NotFound(p, name))
		return false
	case n.broken:
		return false
	case n.m.VRF != model.DefaultInstance:
		r.errs = append(r.errs, field.Invalid(p, name, fmt.Sprintf(
			"is in VRF %s; the nodes' sessions and pod routes run in the default VRF: use a network of vrf default", n.m.VRF)))
		return false
	case n.m.Kind.Lifecycle():
		r.errs = append(r.errs, field.Invalid(p, name, fmt.Sprintf(
			"is an Ironic %s network, which servers leave when provisioned: use a servers network for the nodes", n.m.Kind)))
		return false
	}
	c.net, c.m.Network = n, n.m
	return true
}

// linuxIfName is what Linux takes as an interface name (IFNAMSIZ).
var linuxIfName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,14}$`)

// nodeInterface: a CNI whose unnumbered neighbour names the node's own
// interface needs it from the intent; the others take none.
func (r *resolver) nodeInterface(c *cluster) bool {
	p, name := c.path.Child("nodeInterface"), c.in.NodeInterface
	switch {
	case !c.cni.NodeInterface && name != "":
		r.errs = append(r.errs, field.Invalid(p, name, fmt.Sprintf(
			"%s finds its unnumbered neighbour without it: drop nodeInterface", c.cni.Name)))
	case c.cni.NodeInterface && name == "":
		r.errs = append(r.errs, field.Required(p, fmt.Sprintf(
			"%s names the node's interface facing the leaf in an unnumbered neighbour: set it, e.g. eno1", c.cni.Name)))
	case name != "" && !linuxIfName.MatchString(name):
		r.errs = append(r.errs, field.Invalid(p, name, "must be a Linux interface name: 1-15 of letters, digits, '.', '_' and '-'"))
	default:
		c.m.NodeInterface = name
		return true
	}
	return false
}

func (r *resolver) clusterASN(c *cluster) bool {
	p := c.path.Child("asn")
	in := c.in.ASN
	switch in.Model {
	case "", string(model.ASPerRack):
		c.m.ASModel = model.ASPerRack
	case string(model.ASPerNode):
		c.m.ASModel = model.ASPerNode
	case string(model.ASPerCluster):
		c.m.ASModel = model.ASPerCluster
	default:
		r.errs = append(r.errs, field.NotSupported(p.Child("model"), in.Model, []string{"per-rack", "per-node", "per-cluster"}))
		return false
	}
	if in.Cluster != "" && c.m.ASModel != model.ASPerCluster {
		r.errs = append(r.errs, field.Invalid(p.Child("cluster"), in.Cluster, "is the AS of model per-cluster; set model: per-cluster or drop it"))
		return false
	}
	if in.Pool != "" && c.m.ASModel != model.ASPerNode {
		r.errs = append(r.errs, field.Invalid(p.Child("pool"), in.Pool, "is the range of model per-node; set model: per-node or drop it"))
		return false
	}
	switch c.m.ASModel {
	case model.ASPerCluster:
		return r.clusterOwnASN(c, p.Child("cluster"))
	case model.ASPerNode:
		return r.clusterASNPool(c, p.Child("pool"))
	}
	return true
}

func (r *resolver) clusterOwnASN(c *cluster, p *field.Path) bool {
	if c.in.ASN.Cluster == "" {
		r.errs = append(r.errs, field.Required(p, "the AS every node of the cluster has, e.g. 64512"))
		return false
	}
	a, ok := r.outsideASN(p, c.in.ASN.Cluster)
	c.m.ASN = a
	return ok
}

func (r *resolver) clusterASNPool(c *cluster, p *field.Path) bool {
	if c.in.ASN.Pool == "" {
		r.errs = append(r.errs, field.Required(p, "the range node ASNs are allocated from, e.g. 4210000000-4210999999"))
		return false
	}
	rng, err := ipam.ParseASNRange(c.in.ASN.Pool)
	if err != nil {
		r.errs = append(r.errs, field.Invalid(p, c.in.ASN.Pool, err.Error()))
		return false
	}
	c.pool = &rng
	return true
}

// clusterPrefixes parses the pod CIDRs, their block sizes and the service
// ranges.
func (r *resolver) clusterPrefixes(c *cluster) bool {
	p := c.path.Child("podCIDRs")
	if len(c.in.PodCIDRs) == 0 {
		r.errs = append(r.errs, field.Required(p, "the pod address pools, e.g. [10.244.0.0/16]"))
		return false
	}
	ok := true
	fams := map[bool]string{}
	for i, s := range c.in.PodCIDRs {
		pfx, good := r.prefix(p.Index(i), s)
		if !good {
			ok = false
			continue
		}
		if prev, dup := fams[pfx.Addr().Is4()]; dup {
			r.errs = append(r.errs, field.Invalid(p.Index(i), s, fmt.Sprintf(
				"is a second pool of the family of %s: give one pod CIDR per family", prev)))
			ok = false
			continue
		}
		fams[pfx.Addr().Is4()] = s
		c.m.PodCIDRs = append(c.m.PodCIDRs, pfx)
	}
	model.SortPrefixes(c.m.PodCIDRs)
	ok = r.blockSizes(c) && ok
	sp := c.path.Child("services")
	var good [3]bool
	c.m.Services.Cluster, good[0] = r.prefixList(sp.Child("cluster"), c.in.Services.Cluster)
	c.m.Services.External, good[1] = r.prefixList(sp.Child("external"), c.in.Services.External)
	c.m.Services.LoadBalancer, good[2] = r.prefixList(sp.Child("loadBalancer"), c.in.Services.LoadBalancer)
	return ok && good[0] && good[1] && good[2]
}

// blockSizes defaults each family's block size to the CNI's and checks it
// fits inside that family's pod CIDR.
func (r *resolver) blockSizes(c *cluster) bool {
	c.m.BlockSize, c.m.BlockSizeV6 = c.cni.BlockSize, c.cni.BlockSizeV6
	if c.in.BlockSize != 0 {
		c.m.BlockSize = c.in.BlockSize
	}
	if c.in.BlockSizeV6 != 0 {
		c.m.BlockSizeV6 = c.in.BlockSizeV6
	}
	ok := true
	for _, pfx := range c.m.PodCIDRs {
		b, p, max := c.m.BlockSize, c.path.Child("blockSize"), 32
		if pfx.Addr().Is6() {
			b, p, max = c.m.BlockSizeV6, c.path.Child("blockSizeV6"), 128
		}
		if b < pfx.Bits() || b > max {
			r.errs = append(r.errs, field.Invalid(p, b, fmt.Sprintf(
				"blocks of %s must be /%d to /%d", pfx, pfx.Bits(), max)))
			ok = false
		}
	}
	return ok
}

// prefixList parses a list of prefixes and sorts it.
func (r *resolver) prefixList(p *field.Path, in []string) ([]netip.Prefix, bool) {
	var out []netip.Prefix
	ok := true
	for i, s := range in {
		if pfx, good := r.prefix(p.Index(i), s); good {
			out = append(out, pfx)
			continue
		}
		ok = false
	}
	model.SortPrefixes(out)
	return out, ok
}

func (r *resolver) clusterBGP(c *cluster) bool {
	in, p := c.in.BGP, c.path.Child("bgp")
	c.m.BGP = model.ClusterBGP{Keepalive: in.Keepalive, Hold: in.Hold, GracefulRestart: true, BFD: in.BFD,
		MaxPrefixes: defaultClusterMaxPrefixes}
	if in.GracefulRestart != nil {
		c.m.BGP.GracefulRestart = *in.GracefulRestart
	}
	if in.MaxPrefixes != 0 {
		c.m.BGP.MaxPrefixes = in.MaxPrefixes
	}
	ok := true
	bad := func(f string, v any, why string) {
		r.errs = append(r.errs, field.Invalid(p.Child(f), v, why))
		ok = false
	}
	switch {
	case (in.Keepalive == 0) != (in.Hold == 0):
		bad("hold", in.Hold, "set keepalive and hold together, or neither to keep the fabric's timers")
	case in.Keepalive < 0 || in.Keepalive > maxClusterTimer:
		bad("keepalive", in.Keepalive, fmt.Sprintf("must be 1-%d seconds", maxClusterTimer))
	case in.Hold != 0 && (in.Hold < 3 || in.Hold > maxClusterTimer || in.Hold < 3*in.Keepalive):
		bad("hold", in.Hold, fmt.Sprintf("must be 3-%d seconds and at least three keepalives (%d)", maxClusterTimer, 3*in.Keepalive))
	}
	if in.MaxPrefixes < 0 || in.MaxPrefixes > maxMaxPrefixes {
		bad("maxPrefixes", in.MaxPrefixes, fmt.Sprintf("must be 1-%d", maxMaxPrefixes))
	}
	if in.BFD && !c.cni.BFD {
		bad("bfd", in.BFD, fmt.Sprintf("%s cannot run BFD on its BGP sessions; only frr-k8s can: drop bfd", c.cni.Name))
	}
	switch c.in.Export {
	case "", string(model.ExportFabric):
		c.m.Export = model.ExportFabric
	case string(model.ExportDefault):
		c.m.Export = model.ExportDefault
	default:
		r.errs = append(r.errs, field.NotSupported(c.path.Child("export"), c.in.Export, []string{"fabric", "default"}))
		ok = false
	}
	return ok
}

// clusterOverlaps refuses two clusters whose pod or service ranges
// overlap: a leaf could not tell whose block a route is.
func (r *resolver) clusterOverlaps() {
	ranges := make([][]netip.Prefix, len(r.clus))
	for i, c := range r.clus {
		ranges[i] = append(slices.Clone(c.m.PodCIDRs), c.m.Services.All()...)
	}
	for i, a := range r.clus {
		for j, b := range r.clus[i+1:] {
			for _, pa := range ranges[i] {
				for _, pb := range ranges[i+1+j] {
					if pa.Overlaps(pb) {
						r.errs = append(r.errs, field.Invalid(b.path, pb.String(), fmt.Sprintf(
							"overlaps %s of cluster %s: each cluster needs its own pod and service ranges", pa, a.m.Name)))
					}
				}
			}
		}
	}
}
