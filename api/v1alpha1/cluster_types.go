package v1alpha1

// Cluster is a Kubernetes cluster on the fabric: its nodes are servers
// (spec.servers) whose CNI speaks BGP with their leaf. underlay renders
// the leaves' side (a peer group per cluster and rack) and the cluster's
// side (the CNI's own resources, one directory per cluster).
type Cluster struct {
	// Name is [a-z][a-z0-9-]*, at most 32 characters: it names the leaves'
	// peer group and policies and the cluster's directory.
	Name string `yaml:"name" json:"name"`
	// CNI is calico, cilium or frr-k8s.
	CNI string `yaml:"cni" json:"cni"`
	// Network is the network (spec.networks) the nodes' sessions run on:
	// each leaf listens on its subnet of it. Required unless Peering is
	// unnumbered.
	Network string `yaml:"network,omitempty" json:"network,omitempty"`
	// Nodes are servers by name; Racks add every server attached to these
	// leaves (on Network when peering is listen). At least one of both.
	Nodes []string `yaml:"nodes,omitempty" json:"nodes,omitempty"`
	Racks []string `yaml:"racks,omitempty" json:"racks,omitempty"`
	// Peering is listen (the leaf listens on the rack's node subnet and
	// nodes peer with its gateway address; the default) or unnumbered (each
	// node on its own routed port, IPv6 link-local; not Calico).
	Peering string `yaml:"peering,omitempty" json:"peering,omitempty"`
	// NodeInterface is the nodes' interface facing their leaf, which an
	// unnumbered frr-k8s neighbour names (e.g. eno1); only frr-k8s with
	// peering unnumbered needs it.
	NodeInterface string `yaml:"nodeInterface,omitempty" json:"nodeInterface,omitempty"`
	// ASN is the AS model.
	ASN ClusterASN `yaml:"asn,omitempty" json:"asn,omitempty"`
	// Export is what leaves send the nodes: fabric (every route; the
	// default) or default (only a default route the leaf originates).
	Export string `yaml:"export,omitempty" json:"export,omitempty"`
	// PodCIDRs are the pod address pools (one per family at most) and
	// BlockSize / BlockSizeV6 the prefix length of the blocks nodes
	// announce out of them (default 26 / 122, Calico's IPAM blocks).
	PodCIDRs    []string `yaml:"podCIDRs" json:"podCIDRs"`
	BlockSize   int      `yaml:"blockSize,omitempty" json:"blockSize,omitempty"`
	BlockSizeV6 int      `yaml:"blockSizeV6,omitempty" json:"blockSizeV6,omitempty"`
	// Services are the service ranges nodes announce to the fabric.
	Services ClusterServices `yaml:"services,omitempty" json:"services,omitempty"`
	// BGP tunes the sessions on both sides.
	BGP ClusterBGP `yaml:"bgp,omitempty" json:"bgp,omitempty"`
}

// ClusterASN is a cluster's AS model.
type ClusterASN struct {
	// Model is per-rack (nodes share their leaf's AS, iBGP with the leaf
	// as route reflector; the default), per-node (each node an AS from
	// Pool, kept in the lock file) or per-cluster (every node AS Cluster;
	// the leaves override it on the way out so racks accept each other's
	// routes).
	Model string `yaml:"model,omitempty" json:"model,omitempty"`
	// Cluster is per-cluster's AS.
	Cluster string `yaml:"cluster,omitempty" json:"cluster,omitempty"`
	// Pool is per-node's range, e.g. 4210000000-4210999999.
	Pool string `yaml:"pool,omitempty" json:"pool,omitempty"`
}

// ClusterServices are the service address ranges announced to the
// fabric: the cluster IP range, external IPs and load-balancer IPs.
type ClusterServices struct {
	Cluster      []string `yaml:"cluster,omitempty" json:"cluster,omitempty"`
	External     []string `yaml:"external,omitempty" json:"external,omitempty"`
	LoadBalancer []string `yaml:"loadBalancer,omitempty" json:"loadBalancer,omitempty"`
}

// ClusterBGP are session settings both sides are rendered with.
type ClusterBGP struct {
	// Keepalive and Hold in seconds; default the fabric's timers.
	Keepalive int `yaml:"keepalive,omitempty" json:"keepalive,omitempty"`
	Hold      int `yaml:"hold,omitempty" json:"hold,omitempty"`
	// GracefulRestart keeps a restarting node's routes (default true).
	GracefulRestart *bool `yaml:"gracefulRestart,omitempty" json:"gracefulRestart,omitempty"`
	// BFD on the sessions, where the CNI supports it (frr-k8s).
	BFD bool `yaml:"bfd,omitempty" json:"bfd,omitempty"`
	// MaxPrefixes caps what the leaf accepts from each node (default 1000).
	MaxPrefixes int `yaml:"maxPrefixes,omitempty" json:"maxPrefixes,omitempty"`
}
