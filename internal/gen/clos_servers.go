package gen

import (
	"fmt"
	"math/bits"

	"underlay.dev/underlay/api/v1alpha1"
)

// Limits of the servers Clos can generate: the network pools are /12s
// (MaxLeaves leaves of /26s), and the total keeps the intent in memory
// bounded.
const (
	MaxServersPerLeaf = 512
	MaxServers        = 1_000_000
)

// serverNetworks are the six networks of a fabric with servers: Ironic's
// three lifecycle networks relayed to one DHCP server, two tenant networks
// in VRFs of their own, and a plain servers network (where the DHCP
// server lives, on the first leaf's subnet). Each pool is a /12 of 10/8
// clear of the loopback (10.0.0.0/15 at most) and link (10.128.0.0/11 at
// most) pools, cut to what the leaves need.
var serverNetworks = []struct {
	name, kind string
	base       string // the pool's first two octets
	relay      bool
}{
	{"provisioning", "provisioning", "10.64", true},
	{"cleaning", "cleaning", "10.80", true},
	{"inspection", "inspection", "10.96", true},
	{"tenant-a", "tenant", "10.112", false},
	{"tenant-b", "tenant", "10.192", false},
	{"servers", "servers", "10.208", false},
}

// onNetworks are the untagged networks servers take in turn; every fourth
// server carries the servers network tagged as well.
var onNetworks = []string{"provisioning", "cleaning", "inspection", "tenant-a", "tenant-b"}

// serverBits is the prefix length of each leaf's subnet of a network:
// /24s while the leaves fit a /12 of them, /26s beyond.
func (c Clos) serverBits() int {
	if c.leaves() <= 4096 {
		return 24
	}
	return 26
}

// serverPorts is the number of leaf ports each leaf's servers take: every
// odd server is a bond of two.
func (c Clos) serverPorts() int { return c.ServersPerLeaf + (c.ServersPerLeaf+1)/2 }

func (c Clos) servers() int { return c.leaves() * c.ServersPerLeaf }

// networkList is the six networks, with pools sized for the leaves.
func (c Clos) networkList() []v1alpha1.Network {
	if c.ServersPerLeaf == 0 {
		return nil
	}
	sub := c.serverBits()
	poolLen := min(sub-bits.Len(uint(c.leaves()-1)), 16)
	relay := []string{fmt.Sprintf("%s.0.10", serverNetworks[len(serverNetworks)-1].base)}
	out := make([]v1alpha1.Network, 0, len(serverNetworks))
	for _, n := range serverNetworks {
		nw := v1alpha1.Network{Name: n.name, Kind: n.kind, Pool: fmt.Sprintf("%s.0.0/%d", n.base, poolLen)}
		if sub != 24 {
			nw.PrefixLength = sub
		}
		if n.relay {
			nw.Relay = relay
		}
		out = append(out, nw)
	}
	return out
}

// serverList puts ServersPerLeaf servers on every leaf, on the ports after
// its hosts': odd ones on a bond of two ports, even ones on one.
func (c Clos) serverList() []v1alpha1.Server {
	out := make([]v1alpha1.Server, 0, c.servers())
	k := 0
	for p := 1; p <= c.pods(); p++ {
		for l := 1; l <= c.Leaves; l++ {
			leaf := leafName(c, p, l)
			next := c.HostsPerLeaf + 1
			for i := 1; i <= c.ServersPerLeaf; i++ {
				s := v1alpha1.Server{Name: fmt.Sprintf("%s-srv%d", leaf, i), Leaf: leaf, Untagged: onNetworks[k%len(onNetworks)]}
				n := 1 + i%2
				for j := range n {
					s.Ports = append(s.Ports, port(c.Platform, next+j))
				}
				next += n
				if i%4 == 0 || c.Cluster != "" {
					s.Tagged = []string{"servers"}
				}
				out = append(out, s)
				k++
			}
		}
	}
	return out
}

// clusterList is one cluster of every server when Cluster names a CNI:
// listening on the servers network of every leaf, an AS per rack, pods
// and load-balancer addresses from ranges clear of gen's other pools.
func (c Clos) clusterList() []v1alpha1.Cluster {
	if c.Cluster == "" {
		return nil
	}
	var racks []string
	for p := 1; p <= c.pods(); p++ {
		for l := 1; l <= c.Leaves; l++ {
			racks = append(racks, leafName(c, p, l))
		}
	}
	return []v1alpha1.Cluster{{Name: "k8s", CNI: c.Cluster, Network: "servers", Racks: racks,
		PodCIDRs: []string{"100.64.0.0/10"},
		Services: v1alpha1.ClusterServices{Cluster: []string{"198.18.0.0/16"}, LoadBalancer: []string{"198.19.0.0/16"}}}}
}
