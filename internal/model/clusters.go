package model

import "net/netip"

// CNI is the network plugin of a Kubernetes cluster, which speaks BGP on
// each node.
type CNI string

// The CNIs underlay renders for.
const (
	CNICalico CNI = "calico"
	CNICilium CNI = "cilium"
	CNIFRRK8s CNI = "frr-k8s"
)

// ASModel is how a cluster's nodes are numbered.
type ASModel string

// AS models.
const (
	// ASPerRack: nodes share their leaf's AS; iBGP, the leaf reflects
	// routes between its nodes and sets itself as next hop.
	ASPerRack ASModel = "per-rack"
	// ASPerNode: each node has its own AS from the cluster's pool.
	ASPerNode ASModel = "per-node"
	// ASPerCluster: every node has the cluster's AS; leaves override it
	// towards the nodes so a rack accepts another rack's routes.
	ASPerCluster ASModel = "per-cluster"
)

// Peering is how a node's session reaches its leaf.
type Peering string

// Peering modes.
const (
	// PeerListen: the leaf listens on the rack's node subnet (a peer
	// group with a listen range); nodes peer with the leaf's gateway.
	PeerListen Peering = "listen"
	// PeerUnnumbered: each node on its own routed leaf port, over IPv6
	// link-local addresses.
	PeerUnnumbered Peering = "unnumbered"
)

// Export is what leaves send a cluster's nodes.
type Export string

// Exports.
const (
	ExportFabric  Export = "fabric"  // every route the leaf has
	ExportDefault Export = "default" // only a default route the leaf originates
)

// Cluster is a Kubernetes cluster whose nodes peer with their leaves.
type Cluster struct {
	Name    string
	CNI     CNI
	Peering Peering
	// NodeInterface is the nodes' interface facing their leaf under
	// PeerUnnumbered where the CNI names it (frr-k8s); "" otherwise.
	NodeInterface string
	ASModel       ASModel
	// ASN is the nodes' AS under ASPerCluster; 0 otherwise.
	ASN    ASN
	Export Export
	// Network carries the nodes' sessions under PeerListen; nil under
	// PeerUnnumbered.
	Network *Network
	// PodCIDRs, sorted, one per family at most; BlockSize and BlockSizeV6
	// the prefix length of the blocks nodes announce from them.
	PodCIDRs    []netip.Prefix
	BlockSize   int
	BlockSizeV6 int
	Services    ClusterServices
	BGP         ClusterBGP
	// Racks are the leaves with nodes of the cluster, by leaf name; Nodes
	// every node, by name.
	Racks []*Rack
	Nodes []*Node
}

// ClusterServices are the service ranges nodes announce, each sorted.
type ClusterServices struct {
	Cluster, External, LoadBalancer []netip.Prefix
}

// All returns every service range, sorted.
func (s ClusterServices) All() []netip.Prefix {
	out := append(append(append([]netip.Prefix(nil), s.Cluster...), s.External...), s.LoadBalancer...)
	SortPrefixes(out)
	return out
}

// ClusterBGP are the session settings of both sides.
type ClusterBGP struct {
	Keepalive, Hold int // seconds
	GracefulRestart bool
	BFD             bool
	MaxPrefixes     int
}

// Rack is one leaf with nodes of a cluster.
type Rack struct {
	Cluster *Cluster
	Leaf    *Device
	// Subnet is the network's subnet on the leaf (PeerListen): nodes
	// connect from it to Subnet.Gateway.
	Subnet *NetworkSubnet
	// Session is the leaf's session: its group (PeerListen); under
	// PeerUnnumbered each node has its own (Node.Session).
	Session *Session
	Nodes   []*Node // by name
}

// Node is one Kubernetes node: a server with its CNI's BGP speaker.
type Node struct {
	Name   string // the Kubernetes node name: the server's name
	Server *Server
	Rack   *Rack
	// ASN is the node's own AS: the leaf's (ASPerRack), its allocated one
	// (ASPerNode) or the cluster's (ASPerCluster).
	ASN ASN
	// Port is the leaf's port the node peers over (PeerUnnumbered), with
	// the leaf's session on it; "" and nil under PeerListen.
	Port    string
	Session *Session
}

// PodBlockRules are the prefix rules a cluster's pod blocks match: every
// block of BlockSize (BlockSizeV6) inside each pod CIDR.
func (c *Cluster) PodBlockRules() []PrefixRule {
	var out []PrefixRule
	for _, p := range c.PodCIDRs {
		b := c.BlockSize
		if p.Addr().Is6() {
			b = c.BlockSizeV6
		}
		out = append(out, PrefixRule{Prefix: p, Ge: b, Le: b})
	}
	return out
}

// HasV6 reports whether the cluster has IPv6 pod CIDRs (and so may have
// IPv6 service ranges): a dual-stack (or IPv6-only) cluster, whose nodes
// peer over IPv6 too.
func (c *Cluster) HasV6() bool {
	for _, p := range c.PodCIDRs {
		if p.Addr().Is6() {
			return true
		}
	}
	return false
}

// HasFamily reports whether the cluster has a pod CIDR of a's family.
func (c *Cluster) HasFamily(a netip.Addr) bool {
	for _, p := range c.PodCIDRs {
		if p.Addr().Is4() == a.Is4() {
			return true
		}
	}
	return false
}

// Listen returns the rack's node subnets the leaf listens on under
// PeerListen: its subnet of the cluster's network of each family the
// cluster has (a dual-stack network's IPv6 subnet for IPv6 pods).
func (r *Rack) Listen() []netip.Prefix {
	if r.Subnet == nil {
		return nil
	}
	var out []netip.Prefix
	for _, p := range r.Subnet.Prefixes() {
		if r.Cluster.HasFamily(p.Addr()) {
			out = append(out, p)
		}
	}
	return out
}

// PeerAddrs returns the leaf's addresses the rack's nodes peer with under
// PeerListen, IPv4 first: the gateway of each subnet in Listen. Each is a
// session of its own on the node, carrying its family's routes.
func (r *Rack) PeerAddrs() []netip.Addr {
	if r.Subnet == nil {
		return nil
	}
	var out []netip.Addr
	for _, g := range r.Subnet.Gateways() {
		if r.Cluster.HasFamily(g.Addr()) {
			out = append(out, g.Addr())
		}
	}
	return out
}
