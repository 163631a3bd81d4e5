package cluster_test

import (
	"fmt"
	"net/netip"
	"sort"

	"underlay.dev/underlay/internal/model"
)

// spec is what a hand-built cluster varies in.
type spec struct {
	cni       model.CNI
	peering   model.Peering
	asModel   model.ASModel
	export    model.Export
	dualStack bool
	bgp       model.ClusterBGP
	asnBase   model.ASN // the first per-node ASN; 0: nodeASN's
}

// build is a cluster of three nodes on two racks: n1 and n2 behind leaf1
// (AS 65001, subnet 10.0.101.0/24), n3 behind leaf2 (65002,
// 10.0.102.0/24); unnumbered nodes sit on leaf ports swp1, swp2, swp1.
// Node ASNs follow the AS model: the leaf's, 4210000000+i, or 65100.
func build(s spec) *model.Cluster {
	c := &model.Cluster{Name: "prod", CNI: s.cni, Peering: s.peering, ASModel: s.asModel, Export: s.export,
		PodCIDRs: []netip.Prefix{netip.MustParsePrefix("10.244.0.0/16")}, BlockSize: 26, BlockSizeV6: 122,
		Services: model.ClusterServices{
			Cluster:      []netip.Prefix{netip.MustParsePrefix("10.96.0.0/12")},
			LoadBalancer: []netip.Prefix{netip.MustParsePrefix("10.100.0.0/24")},
		},
		BGP: s.bgp}
	if s.asModel == model.ASPerCluster {
		c.ASN = 65100
	}
	if s.dualStack {
		c.PodCIDRs = append(c.PodCIDRs, netip.MustParsePrefix("fd00:244::/56"))
		c.Services.External = []netip.Prefix{netip.MustParsePrefix("fd00:96::/112")}
	}
	if s.peering == model.PeerListen {
		c.Network = &model.Network{Name: "k8s"}
	}
	racks := []struct {
		leaf  string
		asn   model.ASN
		nodes []string
	}{{"leaf1", 65001, []string{"n1", "n2"}}, {"leaf2", 65002, []string{"n3"}}}
	for ri, rr := range racks {
		leaf := &model.Device{Name: rr.leaf, Role: model.RoleLeaf, ASN: rr.asn}
		r := &model.Rack{Cluster: c, Leaf: leaf}
		if s.peering == model.PeerListen {
			p := netip.MustParsePrefix(netip.AddrFrom4([4]byte{10, 0, byte(101 + ri), 0}).String() + "/24")
			r.Subnet = &model.NetworkSubnet{Network: c.Network, Leaf: leaf, Prefix: p,
				Gateway: netip.PrefixFrom(p.Addr().Next(), 24)}
			if s.dualStack { // the network is dual-stack too: fd00:10:0:101::/64, ...
				p6 := netip.MustParsePrefix(fmt.Sprintf("fd00:10:0:%d::/64", 101+ri))
				r.Subnet.PrefixV6, r.Subnet.GatewayV6 = p6, netip.PrefixFrom(p6.Addr().Next(), 64)
			}
		}
		for pi, name := range rr.nodes {
			n := &model.Node{Name: name, Server: &model.Server{Name: name, Leaf: leaf}, Rack: r}
			switch s.asModel {
			case model.ASPerRack:
				n.ASN = rr.asn
			case model.ASPerNode:
				n.ASN = nodeASN(s) + model.ASN(len(c.Nodes))
			case model.ASPerCluster:
				n.ASN = c.ASN
			}
			if s.peering == model.PeerUnnumbered {
				n.Port = "swp" + string(rune('1'+pi))
			}
			r.Nodes = append(r.Nodes, n)
			c.Nodes = append(c.Nodes, n)
		}
		c.Racks = append(c.Racks, r)
	}
	return c
}

// nodeASN is the first per-node ASN: a 4-byte one, except for Calico,
// whose CRDs hold ASNs as int32.
func nodeASN(s spec) model.ASN {
	switch {
	case s.asnBase != 0:
		return s.asnBase
	case s.cni == model.CNICalico:
		return 2100000000
	}
	return 4210000000
}

var listen, unnumbered = model.PeerListen, model.PeerUnnumbered

// cases are the golden and API-server cases, by name.
var cases = []struct {
	name string
	spec spec
}{
	{"calico-per-rack", spec{cni: model.CNICalico, peering: listen, asModel: model.ASPerRack, export: model.ExportFabric,
		bgp: model.ClusterBGP{Keepalive: 10, Hold: 30, GracefulRestart: true, MaxPrefixes: 1000}}},
	{"calico-per-node", spec{cni: model.CNICalico, peering: listen, asModel: model.ASPerNode, export: model.ExportFabric,
		bgp: model.ClusterBGP{GracefulRestart: true}}},
	{"calico-per-cluster-dual-stack", spec{cni: model.CNICalico, peering: listen, asModel: model.ASPerCluster,
		export: model.ExportDefault, dualStack: true, bgp: model.ClusterBGP{GracefulRestart: true}}},
	{"cilium-per-node-unnumbered", spec{cni: model.CNICilium, peering: unnumbered, asModel: model.ASPerNode,
		export: model.ExportFabric, bgp: model.ClusterBGP{GracefulRestart: true}}},
	{"cilium-per-rack", spec{cni: model.CNICilium, peering: listen, asModel: model.ASPerRack, export: model.ExportFabric,
		bgp: model.ClusterBGP{Keepalive: 3, Hold: 9}}},
	{"cilium-per-cluster-dual-stack", spec{cni: model.CNICilium, peering: listen, asModel: model.ASPerCluster,
		export: model.ExportDefault, dualStack: true, bgp: model.ClusterBGP{GracefulRestart: true}}},
	{"frr-k8s-per-rack-bfd", spec{cni: model.CNIFRRK8s, peering: listen, asModel: model.ASPerRack,
		export: model.ExportDefault, bgp: model.ClusterBGP{Keepalive: 10, Hold: 30, GracefulRestart: true, BFD: true}}},
	{"frr-k8s-per-node-dual-stack", spec{cni: model.CNIFRRK8s, peering: listen, asModel: model.ASPerNode,
		export: model.ExportFabric, dualStack: true}},
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
