package resolve_test

import (
	"fmt"
	"net/netip"
	"slices"
	"testing"

	"underlay.dev/underlay/internal/model"
)

// dualBase is k8sBase with a dual-stack network k8s and cluster prod,
// and fabric links with IPv6 prefixes.
var dualBase = replace(k8sBase,
	"linkIPv4: 10.0.0.0/24\n", "linkIPv4: 10.0.0.0/24\n    linkIPv6: \"fd00:ff::/64\"\n",
	`{name: k8s, pool: 10.1.0.0/16}`, `{name: k8s, pool: 10.1.0.0/16, poolV6: "fd00:1::/48"}`,
	`podCIDRs: [10.244.0.0/16], services: {cluster: [10.96.0.0/12]}}`,
	`podCIDRs: [10.244.0.0/16, "fd00:244::/56"], services: {cluster: [10.96.0.0/12, "fd00:96::/112"]}}`)

// TestDualStackCluster: a dual-stack network gives each leaf an IPv6
// subnet on the same SVI, kept in the lock; the cluster's leaves listen
// on both of the rack's subnets with both families, and accept the IPv6
// pod blocks at exactly blockSizeV6.
func TestDualStackCluster(t *testing.T) {
	res, errs := resolveText(t, dualBase, nil)
	if errs != nil {
		t.Fatal(errs)
	}
	if got := res.Lock.NetworkSubnetsV6; got["k8s/leaf1"] != "fd00:1::/64" || got["k8s/leaf2"] != "fd00:1:0:1::/64" {
		t.Errorf("lock networkSubnetsV6 = %v", got)
	}
	var c *model.Cluster
	for _, x := range res.Fabric.Clusters {
		if x.Name == "prod" {
			c = x
		}
	}
	r := c.Racks[0]
	want := []netip.Prefix{netip.MustParsePrefix("10.1.0.0/24"), netip.MustParsePrefix("fd00:1::/64")}
	if g := r.Session.Group; !slices.Equal(g.Listen, want) || !slices.Equal(r.Session.Families, []model.Family{model.IPv4, model.IPv6}) {
		t.Errorf("leaf1's group listens on %v with %v, want %v with both families", g.Listen, r.Session.Families, want)
	}
	if got := r.PeerAddrs(); len(got) != 2 || got[1] != netip.MustParseAddr("fd00:1::1") {
		t.Errorf("rack peer addresses %v, want the gateway's IPv4 and fd00:1::1", got)
	}
	svi := r.Leaf.Interface(model.SVIName(r.Subnet.Network.VLAN))
	if svi == nil || !slices.Contains(svi.Addrs, netip.MustParsePrefix("fd00:1::1/64")) {
		t.Errorf("leaf1's SVI %v lacks the IPv6 gateway", svi)
	}
	if !slices.Contains(r.Session.Group.Accept, model.PrefixRule{Prefix: netip.MustParsePrefix("fd00:244::/56"), Ge: 122, Le: 122}) {
		t.Errorf("accept %v lacks the IPv6 pod blocks", r.Session.Group.Accept)
	}
}

// TestDualStackErrors: every dual-stack mistake is an error on the
// intent's (or the lock's) line that names the fix.
func TestDualStackErrors(t *testing.T) {
	tests := []struct {
		name         string
		fabric, lock string
		want         []string
	}{
		{name: "base is valid", fabric: dualBase},
		{name: "IPv6 pods on an IPv4-only network", fabric: replace(dualBase, `, poolV6: "fd00:1::/48"`, ``),
			want: []string{
				`fabric.yaml:28: spec.clusters[prod].podCIDRs[1]: Invalid value: "fd00:244::/56": is IPv6, but network k8s has no IPv6 subnet on leaf leaf1 for the nodes to peer over (it has [10.1.0.0/24]): give spec.networks[k8s] a poolV6 to make it dual-stack, or drop the pod CIDR`,
			}},
		{name: "IPv6 pods on an IPv4-only fabric", fabric: replace(dualBase, "    linkIPv6: \"fd00:ff::/64\"\n", ""),
			want: []string{
				`fabric.yaml:27: spec.clusters[prod].podCIDRs[1]: Invalid value: "fd00:244::/56": is IPv6, but fabric link leaf1:swp49--spine1:Ethernet0 carries IPv4 only (10.0.0.0/31), so the pods' IPv6 routes would not cross it: give the links IPv6 prefixes (spec.pools.linkIPv6), or make them unnumbered (spec.bgp.unnumbered)`,
			}},
		{name: "IPv6 service in an IPv4 cluster", fabric: replace(dualBase, `, "fd00:244::/56"`, ``),
			want: []string{
				`fabric.yaml:28: spec.clusters[prod].services.cluster[1]: Invalid value: "fd00:96::/112": is IPv6, but the cluster's pod CIDRs are IPv4 only: a single-stack cluster's services are of its pods' family; add an IPv6 pod CIDR to podCIDRs to make the cluster dual-stack, or drop this range`,
			}},
		{name: "calico blockSizeV6 out of its range", fabric: replace(dualBase, `podCIDRs: [10.244.0.0/16,`, `blockSizeV6: 64, podCIDRs: [10.244.0.0/16,`),
			want: []string{
				`fabric.yaml:28: spec.clusters[prod].blockSizeV6: Invalid value: 64: calico's IPAM hands out IPv6 blocks of /116 to /128 only (its IPPool's blockSize): set blockSizeV6 within them, or drop it for the default /122`,
			}},
		{name: "calico blockSize out of its range", fabric: replace(dualBase, `podCIDRs: [10.244.0.0/16,`, `blockSize: 18, podCIDRs: [10.244.0.0/16,`),
			want: []string{
				`fabric.yaml:28: spec.clusters[prod].blockSize: Invalid value: 18: calico's IPAM hands out IPv4 blocks of /20 to /32 only (its IPPool's blockSize): set blockSize within them, or drop it for the default /26`,
			}},
		{name: "blockSizeV6 outside the pod CIDR", fabric: replace(dualBase, `podCIDRs: [10.244.0.0/16,`, `blockSizeV6: 48, podCIDRs: [10.244.0.0/16,`),
			want: []string{
				`fabric.yaml:28: spec.clusters[prod].blockSizeV6: Invalid value: 48: blocks of fd00:244::/56 must be /56 to /128`,
			}},
		{name: "IPv6 pods overlap an IPv6 service range", fabric: replace(dualBase, `"fd00:96::/112"`, `"fd00:244:0:1::/112"`),
			want: []string{
				`fabric.yaml:28: spec.clusters[prod].services.cluster[1]: Invalid value: "fd00:244:0:1::/112": overlaps spec.clusters[prod].podCIDRs[1] fd00:244::/56 of the same cluster: pod ranges share addresses with no other pod or service range; move one of them`,
			}},
		{name: "two clusters' IPv6 ranges overlap", fabric: replace(dualBase, `podCIDRs: [10.245.0.0/16]}`, `podCIDRs: [10.245.0.0/16, "fd00:244:0:80::/64"]}`),
			want: []string{
				`fabric.yaml:29: spec.clusters[edge]: Invalid value: "fd00:244:0:80::/64": overlaps fd00:244::/56 of cluster prod: each cluster needs its own pod and service ranges`,
			}},
		{name: "two IPv6 pod CIDRs", fabric: replace(dualBase, `"fd00:244::/56"]`, `"fd00:244::/56", "fd00:245::/56"]`),
			want: []string{
				`fabric.yaml:28: spec.clusters[prod].podCIDRs[2]: Invalid value: "fd00:245::/56": is a second pool of the family of fd00:244::/56: give one pod CIDR per family`,
			}},
		{name: "calico peer names collide", fabric: replace(dualBase, "{name: leaf2, role: leaf, platform: nvue}", "{name: leaf1-v6, role: leaf, platform: nvue}",
			"spine1:Ethernet4 -- leaf2:swp49", "spine1:Ethernet4 -- leaf1-v6:swp49", "{name: n2, leaf: leaf2,", "{name: n2, leaf: leaf1-v6,",
			"{name: n3, leaf: leaf2,", "{name: n3, leaf: leaf1-v6,", "racks: [leaf1, leaf2]", "racks: [leaf1, leaf1-v6]"),
			want: []string{
				`fabric.yaml:28: spec.clusters[prod].cni: Invalid value: "calico": BGPPeer prod-leaf1-v6 would be both the IPv6 peer of leaf leaf1 and the IPv4 peer of leaf leaf1-v6: rename one of the two`,
			}},
		{name: "poolV6 of IPv4", fabric: replace(dualBase, `poolV6: "fd00:1::/48"`, `poolV6: 10.3.0.0/16`),
			want: []string{
				`fabric.yaml:20: spec.networks[k8s].poolV6: Invalid value: "10.3.0.0/16": is not IPv6: poolV6 is a dual-stack network's IPv6 pool; the IPv4 one goes in pool`,
			}},
		{name: "poolV6 beside an IPv6 pool", fabric: replace(dualBase, `pool: 10.1.0.0/16, poolV6`, `pool: "fd00:2::/48", poolV6`),
			want: []string{
				`fabric.yaml:20: spec.networks[k8s].poolV6: Invalid value: "fd00:1::/48": pool fd00:2::/48 is IPv6 already: a dual-stack network takes its IPv4 subnets from pool (or subnets) and its IPv6 ones from poolV6; give pool an IPv4 prefix, or drop poolV6`,
			}},
		{name: "poolV6 alone", fabric: replace(dualBase, `pool: 10.1.0.0/16, poolV6`, `poolV6`),
			want: []string{
				`fabric.yaml:20: spec.networks[k8s].pool: Required value: poolV6 is the IPv6 side of a dual-stack network, which needs IPv4 subnets too: set pool (or subnets) to an IPv4 prefix, or for an IPv6-only network put the IPv6 pool in pool`,
			}},
		{name: "prefixLengthV6 without poolV6", fabric: replace(dualBase, `, poolV6: "fd00:1::/48"`, `, prefixLengthV6: 64`),
			want: []string{
				`fabric.yaml:20: spec.networks[k8s].prefixLengthV6: Forbidden: is the length of IPv6 subnets carved from poolV6: set poolV6 too`,
			}},
		{name: "prefixLengthV6 too long", fabric: replace(dualBase, `poolV6: "fd00:1::/48"`, `poolV6: "fd00:1::/48", prefixLengthV6: 127`),
			want: []string{
				`fabric.yaml:20: spec.networks[k8s].prefixLengthV6: Invalid value: 127: IPv6 subnets carved from fd00:1::/48 are /48 to /126 (room for hosts)`,
			}},
		{name: "pinned IPv6 subnet not a poolV6 block", fabric: replace(dualBase, `poolV6: "fd00:1::/48"`, `poolV6: "fd00:1::/48", subnets: [{leaf: leaf1, prefix: "fd00:1:0:8000::/56"}]`),
			want: []string{
				`fabric.yaml:20: spec.networks[k8s].subnets[0].prefix: Invalid value: "fd00:1:0:8000::/56": lies in the network's poolV6 fd00:1::/48 but is not one of its /64 blocks: pin a /64, or move the subnet out of the pool`,
			}},
		{name: "IPv6 subnet pinned twice", fabric: replace(dualBase, `poolV6: "fd00:1::/48"`, `poolV6: "fd00:1::/48", subnets: [{leaf: leaf1, prefix: "fd00:9::/64"}, {leaf: leaf1, prefix: "fd00:9:0:1::/64"}]`),
			want: []string{
				`fabric.yaml:20: spec.networks[k8s].subnets[1].leaf: Duplicate value: "leaf1 (its IPv6 subnet is already set at spec.networks[k8s].subnets[0].prefix)"`,
			}},
		{name: "one IPv6 subnet pinned on two leaves", fabric: replace(dualBase, `poolV6: "fd00:1::/48"`, `poolV6: "fd00:1::/48", subnets: [{leaf: leaf1, prefix: "fd00:9::/64"}, {leaf: leaf2, prefix: "fd00:9::/64"}]`),
			want: []string{
				`fabric.yaml:20: spec.networks[k8s].subnets[1].prefix: Invalid value: "fd00:9::/64": network IPv6 subnet collides with k8s/leaf1 (set at spec.networks[k8s].subnets[0].prefix); give each leaf a subnet of its own`,
			}},
		{name: "poolV6 overlaps another network's pool", fabric: replace(dualBase, `{name: other, pool: 10.2.0.0/16}`, `{name: other, pool: "fd00:1:0:100::/56"}`),
			want: []string{
				`fabric.yaml:21: spec.networks[other].pool: Invalid value: "fd00:1:0:100::/56": overlaps network k8s's pool fd00:1::/48 (spec.networks[k8s].poolV6): the subnets carved from the two would collide; give each network a pool of its own`,
			}},
		{name: "lock's IPv6 subnet outside poolV6", fabric: dualBase,
			lock: "apiVersion: underlay.dev/v1alpha1\nkind: FabricLock\nnetworkSubnetsV6:\n  k8s/leaf1: fd00:9::/64\n",
			want: []string{
				`fabric.lock.yaml:4: networkSubnetsV6.k8s/leaf1: Invalid value: "fd00:9::/64": the lock file's networkSubnetsV6 entry for k8s/leaf1 is not usable: fd00:9::/64 is outside the pool fd00:1::/48, which must have changed since it was allocated; fix it, or delete the entry to let underlay allocate afresh from spec.networks[k8s].poolV6`,
			}},
	}
	runLockTable(t, tests)
}

// TestPinnedIPv6Subnet: a dual-stack network's subnets may pin a leaf's
// IPv6 subnet beside its IPv4 one; the lock records only the carved ones.
func TestPinnedIPv6Subnet(t *testing.T) {
	res, errs := resolveText(t, replace(dualBase, `poolV6: "fd00:1::/48"`, `poolV6: "fd00:1::/48", subnets: [{leaf: leaf2, prefix: "fd00:9::/64"}, {leaf: leaf2, prefix: 10.9.0.0/24}]`), nil)
	if errs != nil {
		t.Fatal(errs)
	}
	var got []string
	for _, n := range res.Fabric.Networks {
		for _, sn := range n.Subnets {
			if n.Name == "k8s" {
				got = append(got, fmt.Sprint(sn.Leaf.Name, " ", sn.Prefixes(), " ", sn.Gateways()))
			}
		}
	}
	want := []string{"leaf1 [10.1.0.0/24 fd00:1::/64] [10.1.0.1/24 fd00:1::1/64]", "leaf2 [10.9.0.0/24 fd00:9::/64] [10.9.0.1/24 fd00:9::1/64]"}
	if !slices.Equal(got, want) {
		t.Errorf("k8s subnets %q, want %q", got, want)
	}
	if l := res.Lock.NetworkSubnetsV6; len(l) != 1 || l["k8s/leaf1"] != "fd00:1::/64" {
		t.Errorf("lock networkSubnetsV6 %v, want only the carved k8s/leaf1", l)
	}
}
