package resolve

import (
	"fmt"
	"net/netip"
	"slices"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"underlay.dev/underlay/internal/model"
)

// A cluster's families are its pod CIDRs': one pod CIDR of IPv4 is a
// single-stack cluster, one of each a dual-stack one. Its service ranges
// are of those families (Kubernetes allocates service addresses per
// family the cluster has), and under listen peering each rack's subnet of
// the network has one subnet per family: the nodes open a session per
// family to the gateway's address of that family.

// clusterFamilies refuses service ranges of a family without pod CIDRs
// and pod, block and service ranges the CNI cannot hold, and overlaps
// inside the cluster.
func (r *resolver) clusterFamilies(c *cluster) bool {
	ok := true
	sp := c.path.Child("services")
	for _, l := range []struct {
		name string
		in   []string
	}{{"cluster", c.in.Services.Cluster}, {"external", c.in.Services.External}, {"loadBalancer", c.in.Services.LoadBalancer}} {
		for i, s := range l.in {
			pfx, err := netip.ParsePrefix(s)
			if err != nil || c.m.HasFamily(pfx.Addr()) {
				continue
			}
			fam, other := familyName(pfx.Addr()), familyName(c.m.PodCIDRs[0].Addr())
			r.errs = append(r.errs, field.Invalid(sp.Child(l.name).Index(i), s, fmt.Sprintf(
				"is %s, but the cluster's pod CIDRs are %s only: a single-stack cluster's services are of its pods' family; add an %s pod CIDR to podCIDRs to make the cluster dual-stack, or drop this range",
				fam, other, fam)))
			ok = false
		}
	}
	return r.blockSizesCNI(c) && r.clusterOwnOverlaps(c) && ok
}

func familyName(a netip.Addr) string {
	if a.Is4() {
		return "IPv4"
	}
	return "IPv6"
}

// blockSizesCNI refuses a block size the CNI's IPAM refuses (Calico's
// IPPool takes blockSize 20-32 for IPv4 and 116-128 for IPv6).
func (r *resolver) blockSizesCNI(c *cluster) bool {
	ok := true
	for _, pfx := range c.m.PodCIDRs {
		b, p, rng, field6 := c.m.BlockSize, c.path.Child("blockSize"), c.cni.BlockRange, "blockSize"
		if pfx.Addr().Is6() {
			b, p, rng, field6 = c.m.BlockSizeV6, c.path.Child("blockSizeV6"), c.cni.BlockRangeV6, "blockSizeV6"
		}
		if rng == [2]int{} || b >= rng[0] && b <= rng[1] {
			continue
		}
		r.errs = append(r.errs, field.Invalid(p, b, fmt.Sprintf(
			"%s's IPAM hands out %s blocks of /%d to /%d only (its IPPool's blockSize): set %s within them, or drop it for the default /%d",
			c.cni.Name, familyName(pfx.Addr()), rng[0], rng[1], field6, map[bool]int{true: c.cni.BlockSize, false: c.cni.BlockSizeV6}[pfx.Addr().Is4()])))
		ok = false
	}
	return ok
}

// clusterOwnOverlaps refuses a pod CIDR of a cluster that overlaps
// another of its pod CIDRs or service ranges: the leaf's import filter
// takes any prefix inside a service range, so a pod block there would
// pass at any length, and Kubernetes would hand the same address out
// twice. (Service ranges overlapping each other are left alone: the
// examples' load-balancer range inside the cluster IP range is common.)
func (r *resolver) clusterOwnOverlaps(c *cluster) bool {
	type rng struct {
		p    netip.Prefix
		path *field.Path
	}
	var all []rng
	add := func(p *field.Path, in []string) {
		for i, s := range in {
			if pfx, err := netip.ParsePrefix(s); err == nil {
				all = append(all, rng{pfx.Masked(), p.Index(i)})
			}
		}
	}
	add(c.path.Child("podCIDRs"), c.in.PodCIDRs)
	sp := c.path.Child("services")
	add(sp.Child("cluster"), c.in.Services.Cluster)
	add(sp.Child("external"), c.in.Services.External)
	add(sp.Child("loadBalancer"), c.in.Services.LoadBalancer)
	ok := true
	pods := len(c.in.PodCIDRs)
	for j := range all {
		for i := range all[:min(j, pods)] {
			if all[i].p.Overlaps(all[j].p) {
				r.errs = append(r.errs, field.Invalid(all[j].path, all[j].p.String(), fmt.Sprintf(
					"overlaps %s %s of the same cluster: pod ranges share addresses with no other pod or service range; move one of them",
					all[i].path, all[i].p)))
				ok = false
				break
			}
		}
	}
	return ok
}

// rackFamilies refuses a rack whose subnet of the cluster's network lacks
// a family the cluster has: its nodes would have no address of it to
// peer from, nor the leaf one to listen on. It says so for the first such
// rack only: the fix is the network's, for all of them.
func (r *resolver) rackFamilies(c *cluster, rack *model.Rack) bool {
	if c.familyRefused {
		return false
	}
	if rack.Subnet == nil {
		r.errs = append(r.errs, field.Invalid(c.path.Child("network"), c.in.Network, fmt.Sprintf(
			"has no subnet on leaf %s, where nodes of the cluster are: add the leaf to the network", rack.Leaf.Name)))
		return false
	}
	have := rack.Listen()
	for _, p := range c.m.PodCIDRs {
		if len(have) > 0 && containsFamily(have, p.Addr()) {
			continue
		}
		fam := familyName(p.Addr())
		fix := fmt.Sprintf("give spec.networks[%s] a poolV6 to make it dual-stack", c.m.Network.Name)
		if p.Addr().Is4() {
			fix = fmt.Sprintf("give spec.networks[%s] an IPv4 pool, with the IPv6 one in poolV6", c.m.Network.Name)
		}
		r.errs = append(r.errs, field.Invalid(c.path.Child("podCIDRs").Index(podIndex(c, p)), p.String(), fmt.Sprintf(
			"is %s, but network %s has no %s subnet on leaf %s for the nodes to peer over (it has %v): %s, or drop the pod CIDR",
			fam, c.m.Network.Name, fam, rack.Leaf.Name, rack.Subnet.Prefixes(), fix)))
		c.familyRefused = true
		return false
	}
	return true
}

func containsFamily(ps []netip.Prefix, a netip.Addr) bool {
	for _, p := range ps {
		if p.Addr().Is4() == a.Is4() {
			return true
		}
	}
	return false
}

// podIndex is where pod CIDR p is in the intent's list (the model's is
// sorted).
func podIndex(c *cluster, p netip.Prefix) int {
	for i, s := range c.in.PodCIDRs {
		if q, err := netip.ParsePrefix(s); err == nil && q == p {
			return i
		}
	}
	return 0
}

// fabricCarriesV6 refuses a cluster with IPv6 pods on a fabric with a
// link that carries IPv4 only (numbered, without an IPv6 prefix): its pod
// blocks and services would stop at the first such link. Unnumbered links
// carry IPv6 once anything in the fabric is IPv6.
func (r *resolver) fabricCarriesV6(c *cluster) {
	if !c.m.HasV6() {
		return
	}
	for _, l := range r.links {
		if l.m.Unnumbered || l.m.V6.IsValid() {
			continue
		}
		r.errs = append(r.errs, field.Invalid(c.path.Child("podCIDRs").Index(podIndex(c, v6Pods(c.m))), v6Pods(c.m).String(), fmt.Sprintf(
			"is IPv6, but fabric link %s carries IPv4 only (%s), so the pods' IPv6 routes would not cross it: give the links IPv6 prefixes (spec.pools.linkIPv6), or make them unnumbered (spec.bgp.unnumbered)",
			l.key, l.m.V4)))
		return
	}
}

// v6Pods is the cluster's IPv6 pod CIDR.
func v6Pods(c *model.Cluster) netip.Prefix {
	for _, p := range c.PodCIDRs {
		if p.Addr().Is6() {
			return p
		}
	}
	return netip.Prefix{}
}

// calicoPeerNames refuses, in a dual-stack Calico cluster, a rack leaf
// (under per-node, a node) whose name is another's with "-v6": the
// IPv6 BGPPeer of leaf1 is <cluster>-leaf1-v6, the IPv4 one of a leaf
// named leaf1-v6 too.
func (r *resolver) calicoPeerNames(c *cluster) {
	if c.m.CNI != model.CNICalico || !c.m.HasV6() || c.m.Peering != model.PeerListen {
		return
	}
	what, names := "leaf", map[string]bool{}
	for _, rack := range c.m.Racks {
		names[rack.Leaf.Name] = true
	}
	if c.m.ASModel == model.ASPerNode {
		what, names = "node", map[string]bool{}
		for _, n := range c.m.Nodes {
			names[n.Name] = true
		}
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	slices.Sort(sorted)
	for _, n := range sorted {
		if names[n+"-v6"] {
			r.errs = append(r.errs, field.Invalid(c.path.Child("cni"), c.in.CNI, fmt.Sprintf(
				"BGPPeer %s-%s-v6 would be both the IPv6 peer of %s %s and the IPv4 peer of %s %s-v6: rename one of the two",
				c.m.Name, n, what, n, what, n)))
			return
		}
	}
}
