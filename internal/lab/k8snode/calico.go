package k8snode

import (
	"fmt"
	"math/big"
	"net"
	"net/netip"
	"slices"
	"strconv"
)

// CalicoObjects are Calico's BGP objects (projectcalico.org/v3 or
// crd.projectcalico.org/v1).
type CalicoObjects struct {
	Configurations []CalicoBGPConfiguration
	Peers          []CalicoBGPPeer
	Pools          []CalicoIPPool
	Nodes          []CalicoNode
}

func (c *CalicoObjects) present() bool {
	return len(c.Configurations)+len(c.Peers) > 0
}

type calicoCIDR struct {
	CIDR string `json:"cidr"`
}

// CalicoBGPConfiguration is the cluster's (named default) BGP settings.
type CalicoBGPConfiguration struct {
	Metadata Meta `json:"metadata"`
	Spec     struct {
		ASNumber               uint32       `json:"asNumber,omitempty"`
		NodeToNodeMeshEnabled  *bool        `json:"nodeToNodeMeshEnabled,omitempty"`
		ServiceClusterIPs      []calicoCIDR `json:"serviceClusterIPs,omitempty"`
		ServiceExternalIPs     []calicoCIDR `json:"serviceExternalIPs,omitempty"`
		ServiceLoadBalancerIPs []calicoCIDR `json:"serviceLoadBalancerIPs,omitempty"`
	} `json:"spec"`
}

// CalicoBGPPeer is one peering rule: which nodes (node, nodeSelector, or
// every node when both are empty) peer with peerIP in asNumber.
type CalicoBGPPeer struct {
	Metadata Meta `json:"metadata"`
	Spec     struct {
		Node           string `json:"node,omitempty"`
		NodeSelector   string `json:"nodeSelector,omitempty"`
		PeerIP         string `json:"peerIP,omitempty"`
		PeerSelector   string `json:"peerSelector,omitempty"`
		ASNumber       uint32 `json:"asNumber,omitempty"`
		LocalASNumber  uint32 `json:"localASNumber,omitempty"`
		KeepaliveTime  string `json:"keepaliveTime,omitempty"`
		MaxRestartTime string `json:"maxRestartTime,omitempty"`
	} `json:"spec"`
}

// CalicoIPPool is a pod CIDR cut into blocks of blockSize for the nodes
// its nodeSelector picks.
type CalicoIPPool struct {
	Metadata Meta `json:"metadata"`
	Spec     struct {
		CIDR             string `json:"cidr"`
		BlockSize        int    `json:"blockSize,omitempty"`
		NodeSelector     string `json:"nodeSelector,omitempty"`
		Disabled         bool   `json:"disabled,omitempty"`
		DisableBGPExport bool   `json:"disableBGPExport,omitempty"`
	} `json:"spec"`
}

// CalicoNode is Calico's per-node resource: the node's AS and address.
type CalicoNode struct {
	Metadata Meta `json:"metadata"`
	Spec     struct {
		BGP *struct {
			ASNumber    uint32 `json:"asNumber,omitempty"`
			IPv4Address string `json:"ipv4Address,omitempty"`
		} `json:"bgp,omitempty"`
	} `json:"spec"`
}

// calicoDefaultAS is the AS Calico uses when BGPConfiguration has none.
const calicoDefaultAS = 64512

func (o *Objects) calicoNode(name string) (*Config, error) {
	c := &Config{Node: name, Agent: AgentCalico, ASN: calicoDefaultAS}
	for _, bc := range o.Calico.Configurations {
		if bc.Metadata.Name != "default" {
			continue
		}
		if m := bc.Spec.NodeToNodeMeshEnabled; m == nil || *m {
			return nil, fmt.Errorf("node %s: BGPConfiguration default: nodeToNodeMeshEnabled is not false: the emulation peers with the fabric only (set it false, as a leaf-spine design does)", name)
		}
		if bc.Spec.ASNumber != 0 {
			c.ASN = bc.Spec.ASNumber
		}
		for _, r := range [][]calicoCIDR{bc.Spec.ServiceClusterIPs, bc.Spec.ServiceExternalIPs, bc.Spec.ServiceLoadBalancerIPs} {
			for _, cidr := range r {
				p, err := netip.ParsePrefix(cidr.CIDR)
				if err != nil {
					return nil, fmt.Errorf("BGPConfiguration default: service cidr %q: %w", cidr.CIDR, err)
				}
				c.Services = append(c.Services, p.Masked())
			}
		}
	}
	c.Services = sortPrefixes(c.Services)
	if err := o.calicoNodeResource(c); err != nil {
		return nil, err
	}
	labels := o.kubeNode(name).Metadata.Labels
	localFrom := "" // the BGPPeer whose localASNumber set c.ASN
	for _, p := range o.Calico.Peers {
		peer, ok, err := calicoPeer(p, name, labels)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		c.Peers = append(c.Peers, peer)
		if localFrom, err = localAS(c, p, localFrom); err != nil {
			return nil, err
		}
	}
	blocks, err := o.calicoBlocks(name)
	c.PodBlocks = blocks
	return c, err
}

// calicoNodeResource reads the node's AS and router id from its Calico
// Node (calico-node uses the node's BGP IPv4 address as router id), or
// the Kubernetes Node's InternalIP.
func (o *Objects) calicoNodeResource(c *Config) error {
	c.RouterID = o.kubeNode(c.Node).InternalIP()
	for _, n := range o.Calico.Nodes {
		if n.Metadata.Name != c.Node || n.Spec.BGP == nil {
			continue
		}
		if n.Spec.BGP.ASNumber != 0 {
			c.ASN = n.Spec.BGP.ASNumber
		}
		if a := n.Spec.BGP.IPv4Address; a != "" {
			p, err := netip.ParsePrefix(a)
			if err != nil {
				return fmt.Errorf("calico Node %s: spec.bgp.ipv4Address %q: %w", c.Node, a, err)
			}
			c.RouterID = p.Addr()
		}
	}
	if !c.RouterID.IsValid() {
		return fmt.Errorf("node %s: no router id: neither a Calico Node spec.bgp.ipv4Address nor a Kubernetes Node InternalIP", c.Node)
	}
	return nil
}

func calicoPeer(p CalicoBGPPeer, node string, labels map[string]string) (Peer, bool, error) {
	s := p.Spec
	where := "BGPPeer " + p.Metadata.Name
	switch {
	case s.PeerSelector != "":
		return Peer{}, false, fmt.Errorf("%s: peerSelector (peering with other Calico nodes) is not emulated; peer with the fabric by peerIP", where)
	case s.Node != "" && s.Node != node:
		return Peer{}, false, nil
	case s.Node == "" && s.NodeSelector != "":
		sel, err := parseCalicoSelector(s.NodeSelector)
		if err != nil || !sel(labels) {
			return Peer{}, false, wrapWhere(where, err)
		}
	}
	peer := Peer{Name: p.Metadata.Name, ASN: s.ASNumber, GracefulRestart: true}
	host, port := s.PeerIP, ""
	if h, pt, err := net.SplitHostPort(s.PeerIP); err == nil {
		host, port = h, pt
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return Peer{}, false, fmt.Errorf("%s: peerIP %q: %w", where, s.PeerIP, err)
	}
	peer.Address = a
	if port != "" {
		if peer.Port, err = strconv.Atoi(port); err != nil {
			return Peer{}, false, fmt.Errorf("%s: peerIP %q port: %w", where, s.PeerIP, err)
		}
	}
	if peer.Keepalive, err = parseDuration(where+": keepaliveTime", s.KeepaliveTime); err != nil {
		return Peer{}, false, err
	}
	// BIRD's hold time defaults to three keepalives; Calico sets only the
	// keepalive, so the hold follows it.
	peer.Hold = 3 * peer.Keepalive
	return peer, true, nil
}

// localAS applies a selected peer's localASNumber: calico-node's BIRD
// then speaks that AS on the session ("local as"). The emulation runs one
// AS per node, so two peers of a node asking for different ones are
// refused. from names the peer that set it before; localAS returns the
// one that set it now.
func localAS(c *Config, p CalicoBGPPeer, from string) (string, error) {
	las := p.Spec.LocalASNumber
	switch {
	case las == 0 || las == c.ASN:
		return from, nil
	case from != "":
		return "", fmt.Errorf("node %s: BGPPeer %s: localASNumber %d differs from BGPPeer %s's %d: the emulation runs one AS per node", c.Node, p.Metadata.Name, las, from, c.ASN)
	}
	c.ASN = las
	return p.Metadata.Name, nil
}

func wrapWhere(where string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", where, err)
}

// calicoBlocks emulates Calico IPAM's block affinity: the nodes a pool
// selects, sorted by name, each claim the next free block in turn, so the
// i-th node owns block i. Real IPAM claims blocks as pods start; this
// keeps the lab deterministic.
func (o *Objects) calicoBlocks(node string) ([]netip.Prefix, error) {
	names := o.nodeNames()
	var blocks []netip.Prefix
	for _, pool := range o.Calico.Pools {
		s := pool.Spec
		if s.Disabled || s.DisableBGPExport {
			continue
		}
		cidr, err := netip.ParsePrefix(s.CIDR)
		if err != nil {
			return nil, fmt.Errorf("IPPool %s: cidr %q: %w", pool.Metadata.Name, s.CIDR, err)
		}
		size := s.BlockSize
		if size == 0 {
			size = map[bool]int{true: 26, false: 122}[cidr.Addr().Is4()]
		}
		sel := "all()"
		if s.NodeSelector != "" {
			sel = s.NodeSelector
		}
		match, err := parseCalicoSelector(sel)
		if err != nil {
			return nil, fmt.Errorf("IPPool %s: %w", pool.Metadata.Name, err)
		}
		i := 0
		for _, n := range names {
			if !match(o.kubeNode(n).Metadata.Labels) {
				continue
			}
			if n == node {
				b, err := NthBlock(cidr, size, i)
				if err != nil {
					return nil, fmt.Errorf("IPPool %s: node %s: %w", pool.Metadata.Name, node, err)
				}
				blocks = append(blocks, b)
			}
			i++
		}
	}
	return sortPrefixes(blocks), nil
}

// nodeNames are the Kubernetes and Calico Nodes' names, sorted.
func (o *Objects) nodeNames() []string {
	var names []string
	for _, n := range o.Nodes {
		names = append(names, n.Metadata.Name)
	}
	for _, n := range o.Calico.Nodes {
		names = append(names, n.Metadata.Name)
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// NthBlock is block i (from 0) of size bits in cidr.
func NthBlock(cidr netip.Prefix, size, i int) (netip.Prefix, error) {
	bits := cidr.Addr().BitLen()
	if size < cidr.Bits() || size > bits {
		return netip.Prefix{}, fmt.Errorf("block size /%d does not fit in %s", size, cidr)
	}
	if n := size - cidr.Bits(); n < 31 && i >= 1<<n {
		return netip.Prefix{}, fmt.Errorf("%s has only %d blocks of /%d", cidr, 1<<n, size)
	}
	v := new(big.Int).SetBytes(cidr.Masked().Addr().AsSlice())
	v.Add(v, new(big.Int).Lsh(big.NewInt(int64(i)), uint(bits-size)))
	b := v.FillBytes(make([]byte, bits/8))
	a, _ := netip.AddrFromSlice(b)
	return netip.PrefixFrom(a, size), nil
}
