package resolve_test

import "testing"

// k8sBase is a fabric with a cumulus, an nvue and a sonic leaf, a network
// the nodes are on, two nodes per listen rack and one server with no
// network for unnumbered clusters. Line numbers matter: the errors below
// are on them.
const k8sBase = `apiVersion: underlay.dev/v1alpha1
kind: Fabric
metadata: {name: t}
spec:
  pools:
    asn: {spine: 65100-65199, leaf: 65001-65099}
    loopbackIPv4: 10.255.0.0/24
    linkIPv4: 10.0.0.0/24
  devices:
  - {name: spine1, role: spine, platform: sonic}
  - {name: leaf1, role: leaf, platform: cumulus}
  - {name: leaf2, role: leaf, platform: nvue}
  - {name: leaf3, role: leaf, platform: sonic}
  links:
  - spine1:Ethernet0 -- leaf1:swp49
  - spine1:Ethernet4 -- leaf2:swp49
  - spine1:Ethernet8 -- leaf3:Ethernet0
  networks:
  - {name: k8s, pool: 10.1.0.0/16}
  - {name: other, pool: 10.2.0.0/16}
  servers:
  - {name: n1, leaf: leaf1, ports: [swp1], untagged: k8s}
  - {name: n2, leaf: leaf2, ports: [swp1, swp2], untagged: k8s}
  - {name: n3, leaf: leaf2, ports: [swp3], untagged: other}
  - {name: r1, leaf: leaf3, ports: [Ethernet8]}
  clusters:
  - {name: prod, cni: calico, network: k8s, racks: [leaf1, leaf2], podCIDRs: [10.244.0.0/16], services: {cluster: [10.96.0.0/12]}}
  - {name: edge, cni: cilium, peering: unnumbered, nodes: [r1], asn: {model: per-node, pool: 4210000000-4210000099}, podCIDRs: [10.245.0.0/16]}
`

// TestClusterErrors: every mistake in spec.clusters is an error on the
// intent's line that names the fix.
func TestClusterErrors(t *testing.T) {
	prod := `{name: prod, cni: calico, network: k8s, racks: [leaf1, leaf2], podCIDRs: [10.244.0.0/16], services: {cluster: [10.96.0.0/12]}}`
	edge := `{name: edge, cni: cilium, peering: unnumbered, nodes: [r1], asn: {model: per-node, pool: 4210000000-4210000099}, podCIDRs: [10.245.0.0/16]}`
	tests := []struct {
		name         string
		fabric, lock string
		want         []string
	}{
		{name: "base is valid", fabric: k8sBase},
		{name: "calico unnumbered", fabric: replace(k8sBase, edge, replace(edge, "cilium", "calico")),
			want: []string{
				`fabric.yaml:28: spec.clusters[edge].peering: Invalid value: "unnumbered": calico cannot peer unnumbered: Calico peers only with IP addresses it is given, never over link-local or unnumbered sessions (projectcalico/calico#10844); use peering: listen with a network whose subnet the leaves listen on`,
			}},
		{name: "unknown CNI", fabric: replace(k8sBase, prod, replace(prod, "calico", "flannel")),
			want: []string{
				`fabric.yaml:27: spec.clusters[prod].cni: Unsupported value: "flannel": supported values: "calico", "cilium", "frr-k8s"`,
			}},
		{name: "no CNI", fabric: replace(k8sBase, prod, replace(prod, "cni: calico, ", "")),
			want: []string{
				`fabric.yaml:27: spec.clusters[prod].cni: Required value: the cluster's CNI: calico, cilium or frr-k8s`,
			}},
		{name: "listen without network", fabric: replace(k8sBase, prod, replace(prod, "network: k8s, ", "")),
			want: []string{
				`fabric.yaml:27: spec.clusters[prod].network: Required value: the network (spec.networks) the nodes are on: each leaf listens for its nodes on its subnet of it`,
			}},
		{name: "unknown network", fabric: replace(k8sBase, prod, replace(prod, "network: k8s", "network: k9s")),
			want: []string{
				`fabric.yaml:27: spec.clusters[prod].network: Not found: "k9s"`,
			}},
		{name: "unnumbered with network", fabric: replace(k8sBase, edge, replace(edge, "peering: unnumbered,", "peering: unnumbered, network: k8s,")),
			want: []string{
				`fabric.yaml:28: spec.clusters[edge].network: Invalid value: "k8s": unnumbered nodes peer over their own routed port, not on a network: drop network, or use peering: listen`,
			}},
		{name: "unknown peering", fabric: replace(k8sBase, prod, replace(prod, "cni: calico,", "cni: calico, peering: numbered,")),
			want: []string{
				`fabric.yaml:27: spec.clusters[prod].peering: Unsupported value: "numbered": supported values: "listen", "unnumbered"`,
			}},
		{name: "rack not a leaf", fabric: replace(k8sBase, prod, replace(prod, "[leaf1, leaf2]", "[leaf1, spine1]")),
			want: []string{
				`fabric.yaml:27: spec.clusters[prod].racks[1]: Invalid value: "spine1": is a spine; a rack is a leaf and the servers on it`,
			}},
		{name: "rack unknown", fabric: replace(k8sBase, prod, replace(prod, "[leaf1, leaf2]", "[leaf1, leaf9]")),
			want: []string{
				`fabric.yaml:27: spec.clusters[prod].racks[1]: Not found: "leaf9"`,
			}},
		{name: "rack twice", fabric: replace(k8sBase, prod, replace(prod, "[leaf1, leaf2]", "[leaf1, leaf1]")),
			want: []string{
				`fabric.yaml:27: spec.clusters[prod].racks[1]: Duplicate value: "leaf1"`,
			}},
		{name: "rack without the network", fabric: replace(k8sBase, prod, replace(prod, "[leaf1, leaf2]", "[leaf1, leaf3]")),
			want: []string{
				`fabric.yaml:27: spec.clusters[prod].racks[1]: Invalid value: "leaf3": does not carry network k8s, where the nodes' sessions run: add leaf3 to spec.networks[k8s].leaves or attach a server on it to the network`,
			}},
		{name: "node not on the network", fabric: replace(k8sBase, prod, replace(prod, "racks: [leaf1, leaf2]", "nodes: [n1, n3]")),
			want: []string{
				`fabric.yaml:27: spec.clusters[prod].nodes[1]: Invalid value: "n3": is not on network k8s, where the cluster's sessions run: add it to the server's untagged or tagged networks`,
			}},
		{name: "node unknown", fabric: replace(k8sBase, prod, replace(prod, "racks: [leaf1, leaf2]", "nodes: [n1, n9]")),
			want: []string{
				`fabric.yaml:27: spec.clusters[prod].nodes[1]: Not found: "n9"`,
			}},
		{name: "no nodes nor racks", fabric: replace(k8sBase, prod, replace(prod, "racks: [leaf1, leaf2], ", "")),
			want: []string{
				`fabric.yaml:27: spec.clusters[prod].nodes: Required value: the cluster's nodes: servers by name (nodes), or every server on some leaves (racks)`,
			}},
		{name: "node in two clusters", fabric: replace(k8sBase, edge, edge+"\n  - {name: dev, cni: frr-k8s, network: k8s, nodes: [n1], podCIDRs: [10.246.0.0/16]}"),
			want: []string{
				`fabric.yaml:29: spec.clusters[dev].nodes[0]: Invalid value: "n1": server n1 is already a node of cluster prod; a node belongs to one cluster`,
			}},
		{name: "unnumbered node on a network", fabric: replace(k8sBase, edge, replace(edge, "nodes: [r1]", "nodes: [n3]")),
			want: []string{
				`fabric.yaml:25: spec.servers[r1].untagged: Required value: the network the server is on: set untagged (and tagged for more)`,
				`fabric.yaml:28: spec.clusters[edge].nodes[0]: Invalid value: "n3": is on networks; an unnumbered node peers over its own routed port: drop its untagged and tagged networks`,
			}},
		{name: "unnumbered bonded node", fabric: replace(k8sBase, edge, replace(edge, "nodes: [r1]", "nodes: [n2]"), "untagged: k8s}\n  - {name: n3", "}\n  - {name: n3"),
			want: []string{
				`fabric.yaml:25: spec.servers[r1].untagged: Required value: the network the server is on: set untagged (and tagged for more)`,
				`fabric.yaml:28: spec.clusters[edge].nodes[0]: Invalid value: "n2": is bonded; an unnumbered node peers over one routed port: give it one port`,
			}},
		{name: "server without network, not a node", fabric: replace(k8sBase, edge, replace(edge, "nodes: [r1]", "racks: [leaf1]")),
			want: []string{
				`fabric.yaml:25: spec.servers[r1].untagged: Required value: the network the server is on: set untagged (and tagged for more)`,
			}},
		{name: "no pod CIDRs", fabric: replace(k8sBase, prod, replace(prod, "podCIDRs: [10.244.0.0/16], ", "")),
			want: []string{
				`fabric.yaml:27: spec.clusters[prod].podCIDRs: Required value: the pod address pools, e.g. [10.244.0.0/16]`,
			}},
		{name: "two IPv4 pod CIDRs", fabric: replace(k8sBase, prod, replace(prod, "[10.244.0.0/16]", "[10.244.0.0/16, 10.247.0.0/16]")),
			want: []string{
				`fabric.yaml:27: spec.clusters[prod].podCIDRs[1]: Invalid value: "10.247.0.0/16": is a second pool of the family of 10.244.0.0/16: give one pod CIDR per family`,
			}},
		{name: "pod CIDR with host bits", fabric: replace(k8sBase, prod, replace(prod, "[10.244.0.0/16]", "[10.244.0.1/16]")),
			want: []string{
				`fabric.yaml:27: spec.clusters[prod].podCIDRs[0]: Invalid value: "10.244.0.1/16": host bits are set; did you mean 10.244.0.0/16?`,
			}},
		{name: "block larger than the pool", fabric: replace(k8sBase, prod, replace(prod, "podCIDRs:", "blockSize: 12, podCIDRs:")),
			want: []string{
				`fabric.yaml:27: spec.clusters[prod].blockSize: Invalid value: 12: blocks of 10.244.0.0/16 must be /16 to /32`,
			}},
		{name: "block beyond /32", fabric: replace(k8sBase, prod, replace(prod, "podCIDRs:", "blockSize: 33, podCIDRs:")),
			want: []string{
				`fabric.yaml:27: spec.clusters[prod].blockSize: Invalid value: 33: blocks of 10.244.0.0/16 must be /16 to /32`,
			}},
		{name: "pod CIDRs of two clusters overlap", fabric: replace(k8sBase, "[10.245.0.0/16]", "[10.244.128.0/17]"),
			want: []string{
				`fabric.yaml:28: spec.clusters[edge]: Invalid value: "10.244.128.0/17": overlaps 10.244.0.0/16 of cluster prod: each cluster needs its own pod and service ranges`,
			}},
		{name: "service range not a prefix", fabric: replace(k8sBase, "[10.96.0.0/12]", "[10.96.0.0]"),
			want: []string{
				`fabric.yaml:27: spec.clusters[prod].services.cluster[0]: Invalid value: "10.96.0.0": not a prefix: want e.g. 10.1.0.0/24 or fd00:1::/64`,
			}},
		{name: "unknown AS model", fabric: replace(k8sBase, prod, replace(prod, "podCIDRs:", "asn: {model: per-pod}, podCIDRs:")),
			want: []string{
				`fabric.yaml:27: spec.clusters[prod].asn.model: Unsupported value: "per-pod": supported values: "per-rack", "per-node", "per-cluster"`,
			}},
		{name: "per-cluster without AS", fabric: replace(k8sBase, prod, replace(prod, "podCIDRs:", "asn: {model: per-cluster}, podCIDRs:")),
			want: []string{
				`fabric.yaml:27: spec.clusters[prod].asn.cluster: Required value: the AS every node of the cluster has, e.g. 64512`,
			}},
		{name: "per-cluster AS of a leaf", fabric: replace(k8sBase, prod, replace(prod, "podCIDRs:", `asn: {model: per-cluster, cluster: "65001"}, podCIDRs:`)),
			want: []string{
				`fabric.yaml:27: spec.clusters[prod].asn.cluster: Invalid value: "65001": is the ASN of fabric device leaf1; give the nodes an ASN outside the fabric's (model per-rack shares the leaf's)`,
			}},
		{name: "per-cluster AS in the spine pool", fabric: replace(k8sBase, prod, replace(prod, "podCIDRs:", `asn: {model: per-cluster, cluster: "65150"}, podCIDRs:`)),
			want: []string{
				`fabric.yaml:27: spec.clusters[prod].asn.cluster: Invalid value: "65150": is inside spec.pools.asn.spine 65100-65199, which underlay allocates devices from; pick an ASN outside the pools`,
			}},
		{name: "cluster AS under per-rack", fabric: replace(k8sBase, prod, replace(prod, "podCIDRs:", `asn: {cluster: "64512"}, podCIDRs:`)),
			want: []string{
				`fabric.yaml:27: spec.clusters[prod].asn.cluster: Invalid value: "64512": is the AS of model per-cluster; set model: per-cluster or drop it`,
			}},
		{name: "per-node without pool", fabric: replace(k8sBase, "asn: {model: per-node, pool: 4210000000-4210000099}", "asn: {model: per-node}"),
			want: []string{
				`fabric.yaml:28: spec.clusters[edge].asn.pool: Required value: the range node ASNs are allocated from, e.g. 4210000000-4210999999`,
			}},
		{name: "per-node pool overlapping the leaf pool", fabric: replace(k8sBase, "pool: 4210000000-4210000099", "pool: 65000-65010"),
			want: []string{
				`fabric.yaml:28: spec.clusters[edge].asn.pool: Invalid value: "65000-65010": contains 65001, the ASN of fabric device leaf1; move the pool outside the fabric's ASNs`,
			}},
		{name: "per-node pool too small", fabric: replace(k8sBase, "pool: 4210000000-4210000099", "pool: 4210000000-4210000000", "nodes: [r1]", "nodes: [r1, r2]", "  clusters:", "  - {name: r2, leaf: leaf3, ports: [Ethernet12]}\n  clusters:"),
			want: []string{
				`fabric.yaml:29: spec.clusters[edge].asn.pool: Invalid value: "4210000000-4210000000": pool 4210000000-4210000000 is exhausted: 1 more node ASNs needed than it holds (1 slots, all taken); enlarge the pool`,
			}},
		{name: "hold without keepalive", fabric: replace(k8sBase, prod, replace(prod, "podCIDRs:", "bgp: {hold: 9}, podCIDRs:")),
			want: []string{
				`fabric.yaml:27: spec.clusters[prod].bgp.hold: Invalid value: 9: set keepalive and hold together, or neither to keep the fabric's timers`,
			}},
		{name: "hold below three keepalives", fabric: replace(k8sBase, prod, replace(prod, "podCIDRs:", "bgp: {keepalive: 5, hold: 9}, podCIDRs:")),
			want: []string{
				`fabric.yaml:27: spec.clusters[prod].bgp.hold: Invalid value: 9: must be 3-65535 seconds and at least three keepalives (15)`,
			}},
		{name: "BFD on calico", fabric: replace(k8sBase, prod, replace(prod, "podCIDRs:", "bgp: {bfd: true}, podCIDRs:")),
			want: []string{
				`fabric.yaml:27: spec.clusters[prod].bgp.bfd: Invalid value: true: calico cannot run BFD on its BGP sessions; only frr-k8s can: drop bfd`,
			}},
		{name: "unknown export", fabric: replace(k8sBase, prod, replace(prod, "podCIDRs:", "export: none, podCIDRs:")),
			want: []string{
				`fabric.yaml:27: spec.clusters[prod].export: Unsupported value: "none": supported values: "fabric", "default"`,
			}},
		{name: "cluster named like a device", fabric: replace(k8sBase, "{name: prod,", "{name: leaf1,"),
			want: []string{
				`fabric.yaml:27: spec.clusters[leaf1].name: Invalid value: "leaf1": is the name of a fabric device; name the cluster differently`,
			}},
		{name: "cluster named like a port", fabric: replace(k8sBase, "{name: prod,", "{name: swp1,"),
			want: []string{
				"fabric.yaml:27: spec.clusters[swp1].name: Invalid value: \"swp1\": is reserved or reads as an interface name in FRR's `neighbor swp1`; pick a name such as prod",
			}},
		{name: "cluster name with a capital", fabric: replace(k8sBase, "{name: prod,", "{name: Prod,"),
			want: []string{
				`fabric.yaml:27: spec.clusters[Prod].name: Invalid value: "Prod": must be at most 32 of a-z, 0-9 and '-', starting with a letter: it names the leaves' peer group and the cluster's directory`,
			}},
		{name: "two clusters of one name", fabric: replace(k8sBase, "{name: edge,", "{name: prod,"),
			want: []string{
				`fabric.yaml:28: spec.clusters[1].name: Duplicate value: "prod (first used at spec.clusters[0])"`,
			}},
		{name: "cluster named like a leaf's group", fabric: replace(k8sBase, "{name: leaf1, role: leaf, platform: cumulus}", "{name: leaf1, role: leaf, platform: cumulus, subnets: [{prefix: 10.9.0.0/24, port: swp9}], groups: [{name: prod, asn: external, listen: [10.9.0.0/25], announces: [10.9.9.0/24]}]}"),
			want: []string{
				`fabric.yaml:27: spec.clusters[prod].name: Duplicate value: "prod is also the name of spec.devices[leaf1].groups[prod] on leaf leaf1; rename one of them"`,
			}},
		{name: "frr-k8s unnumbered without nodeInterface", fabric: replace(k8sBase, edge, replace(edge, "cni: cilium", "cni: frr-k8s")),
			want: []string{
				`fabric.yaml:28: spec.clusters[edge].nodeInterface: Required value: frr-k8s names the node's interface facing the leaf in an unnumbered neighbour: set it, e.g. eno1`,
			}},
		{name: "nodeInterface on cilium", fabric: replace(k8sBase, edge, replace(edge, "peering: unnumbered,", "peering: unnumbered, nodeInterface: eno1,")),
			want: []string{
				`fabric.yaml:28: spec.clusters[edge].nodeInterface: Invalid value: "eno1": cilium finds its unnumbered neighbour without it: drop nodeInterface`,
			}},
		{name: "nodeInterface on a listen cluster", fabric: replace(k8sBase, prod, replace(prod, "network: k8s,", "network: k8s, nodeInterface: eno1,")),
			want: []string{
				`fabric.yaml:27: spec.clusters[prod].nodeInterface: Invalid value: "eno1": names the nodes' interface of an unnumbered session; a listen cluster peers with an address: drop it`,
			}},
		{name: "nodeInterface not an interface name", fabric: replace(k8sBase, edge, replace(edge, "cni: cilium, peering: unnumbered,", "cni: frr-k8s, peering: unnumbered, nodeInterface: \"eno 1\",")),
			want: []string{
				`fabric.yaml:28: spec.clusters[edge].nodeInterface: Invalid value: "eno 1": must be a Linux interface name: 1-15 of letters, digits, '.', '_' and '-'`,
			}},
		{name: "calico with 4-byte leaf ASNs", fabric: replace(k8sBase, "leaf: 65001-65099", "leaf: 4200000001-4200000099"),
			want: []string{
				`fabric.yaml:27: spec.clusters[prod].cni: Invalid value: "calico": rack leaf leaf1 has AS 4200000001, above 2147483647, the largest AS number calico's resources hold (int32 in its CRDs): give the cluster's leaves lower ASNs (spec.pools.asn.leaf, or the leaf's asn)`,
			}},
		{name: "calico per-cluster AS above int32", fabric: replace(k8sBase, prod, replace(prod, "podCIDRs:", `asn: {model: per-cluster, cluster: "4200009999"}, podCIDRs:`)),
			want: []string{
				`fabric.yaml:27: spec.clusters[prod].asn.cluster: Invalid value: "4200009999": is above 2147483647, the largest AS number calico's resources hold (int32 in its CRDs); pick a lower one`,
			}},
		{name: "calico node pool above int32", fabric: replace(k8sBase, prod, replace(prod, "racks: [leaf1, leaf2],", "racks: [leaf1, leaf2], asn: {model: per-node, pool: 2147483000-2147484000},")),
			want: []string{
				`fabric.yaml:27: spec.clusters[prod].asn.pool: Invalid value: "2147483000-2147484000": reaches above 2147483647, the largest AS number calico's resources hold (int32 in its CRDs); keep the pool below it`,
			}},
		{name: "unknown field", fabric: replace(k8sBase, prod, replace(prod, "podCIDRs:", "podCIDR: [10.1.0.0/16], podCIDRs:")),
			want: []string{
				`fabric.yaml:27: unknown field "podCIDR" in Cluster; known fields: asn, bgp, blockSize, blockSizeV6, cni, export, name, network, nodeInterface, nodes, peering, podCIDRs, racks, services`,
			}},
	}
	runLockTable(t, tests)
}
