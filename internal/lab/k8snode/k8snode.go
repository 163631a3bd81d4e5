// Package k8snode emulates the BGP side of a Kubernetes node in the lab:
// it decodes a cluster's CNI objects (Calico, Cilium, frr-k8s) the way
// that CNI's node agent reads them, derives one node's BGP configuration
// from them alone, and writes it for the speaker the agent embeds: BIRD
// 1.6 for calico-node, GoBGP for the Cilium agent, FRR for frr-k8s. It is
// an emulation of those agents, not the agents: it reads only the fields
// that shape the node's sessions and announcements, and says so in every
// file it writes.
//
// It is written from the CNIs' documented CRD contracts, independently of
// internal/render/cluster, so the lab checks the renderer against an
// independent reading of the same contract.
package k8snode

import (
	"fmt"
	"net/netip"
	"time"
)

// Agent names the node agent a configuration emulates.
type Agent string

// The emulated agents.
const (
	AgentCalico Agent = "calico-node (BIRD 1.6) emulation"
	AgentCilium Agent = "cilium-agent BGP control plane (GoBGP) emulation"
	AgentFRRK8s Agent = "frr-k8s (FRR) emulation"
)

// Config is one node's BGP speaker as its CNI's agent would run it.
type Config struct {
	Node     string
	Agent    Agent
	ASN      uint32
	RouterID netip.Addr
	Peers    []Peer
	// PodBlocks are the node's own pod addresses' blocks; Services the
	// service ranges or addresses it announces. Announce is both, sorted.
	PodBlocks []netip.Prefix
	Services  []netip.Prefix
}

// Announce is every prefix the node originates: pod blocks, then services.
func (c *Config) Announce() []netip.Prefix {
	return append(append([]netip.Prefix(nil), c.PodBlocks...), c.Services...)
}

// Peer is one BGP session of a node.
type Peer struct {
	Name string
	// Address is the neighbour's address; Interface instead names the
	// port of an unnumbered (link-local) session.
	Address   netip.Addr
	Interface string
	// Discover, when not nil, is how the agent finds the neighbour on the
	// node when it starts (Cilium autoDiscovery): Address and Interface
	// are then empty until it resolves them.
	Discover *Discovery `json:",omitempty"`
	// ASN is the neighbour's AS; 0 with Dynamic "internal" or "external"
	// for a neighbour whose AS the speaker learns (frr-k8s dynamicASN).
	ASN     uint32
	Dynamic string
	Port    int
	// Keepalive and Hold are 0 for the speaker's default.
	Keepalive, Hold time.Duration
	GracefulRestart bool
	// Advertise, when not nil, is what this peer is sent out of the
	// node's announcements (frr-k8s toAdvertise); nil sends them all.
	Advertise []netip.Prefix
	// Receive, when not nil, is what the node accepts from this peer
	// (frr-k8s toReceive filtered); nil accepts everything.
	Receive []PrefixRule
}

// Discovery is Cilium's autoDiscovery of a peer from the node's default
// route of Family ("ipv4" or "ipv6", the lowest metric first): Mode
// "DefaultGateway" peers with the route's gateway, "Unnumbered" over the
// route's interface with the link-local address found there (IPv6 ND).
type Discovery struct {
	Mode, Family string
}

// PrefixRule matches a prefix and the more specifics from GE to LE long
// (0 means the prefix's own length).
type PrefixRule struct {
	Prefix netip.Prefix
	GE, LE int
}

// Describe is the peer in messages: its address or interface.
func (p Peer) Describe() string {
	if p.Interface != "" {
		return "interface " + p.Interface
	}
	if p.Discover != nil && !p.Address.IsValid() {
		return "autoDiscovery " + p.Discover.Mode + " by the " + p.Discover.Family + " default route"
	}
	return p.Address.String()
}

func parseDuration(field, s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%s %q: %w (a Go duration such as 30s)", field, s, err)
	}
	return d, nil
}
