package model

import (
	"fmt"
	"net/netip"
	"regexp"
)

// DefaultInstance is the name of the default routing instance (VRF).
const DefaultInstance = "default"

// Instance is one routing instance (VRF) of a device: its BGP speaker,
// sessions and what it originates. Device.Instances holds the default one
// first.
type Instance struct {
	Name     string
	ASN      ASN
	RouterID netip.Addr
	// Sessions are the instance's BGP neighbors, in port order: fabric
	// peers first, then external neighbours and groups by name.
	Sessions []*Session
	// Originated is what the instance announces itself, sorted.
	Originated []netip.Prefix
	// Anchors are the originated prefixes no interface holds (server
	// subnets without a port): each needs a blackhole route to be in the
	// RIB, sorted.
	Anchors []netip.Prefix
	// VRF is the isolation domain of a non-default instance (its L3VNI);
	// nil for the default instance.
	VRF *VRF
}

// Instance returns the named routing instance or nil.
func (d *Device) Instance(name string) *Instance {
	for _, in := range d.Instances {
		if in.Name == name {
			return in
		}
	}
	return nil
}

// External is a BGP neighbour that is not a fabric device: a firewall, a
// router outside the fabric, a load balancer. It peers with an address or
// over an interface (unnumbered). verify treats it as a stub that
// originates Announces and nothing else.
type External struct {
	Name      string
	ASN       ASN
	Address   netip.Addr // invalid when Interface is set
	Interface string     // "" when Address is set
	Announces []netip.Prefix
	// Accept and Advertise are the intent's import and export rules; nil
	// takes the defaults resolve.ApplyPolicies gives.
	Accept, Advertise []PrefixRule
	// Options are a cluster node's session settings; zero otherwise.
	Options SessionOptions
}

// SessionOptions are the settings a Kubernetes cluster's sessions carry
// beyond a plain outside neighbour's. Cluster is the cluster the
// neighbour's members are nodes of; nil for other neighbours, whose
// options are all zero.
type SessionOptions struct {
	Cluster *Cluster
	// Internal: the members share the device's AS (iBGP). The device
	// reflects routes between them (route-reflector-client) and sends
	// routes learnt elsewhere with itself as next hop (next-hop-self).
	Internal bool
	// ASOverride replaces the members' AS with the device's in the paths
	// it sends them, so members with one AS accept each other's routes.
	ASOverride bool
	// DefaultOriginate: the device sends the members a default route of
	// its own (Advertise then allows only the default route).
	DefaultOriginate bool
	BFD              bool
	GracefulRestart  bool
	// Keepalive and Hold in seconds; 0 keeps the device's timers.
	Keepalive, Hold int
}

// Options returns the cluster settings of the session's outside
// neighbour; zero for fabric sessions and plain neighbours.
func (s *Session) Options() SessionOptions {
	switch {
	case s.Group != nil:
		return s.Group.Options
	case s.External != nil:
		return s.External.Options
	}
	return SessionOptions{}
}

// CheckOptions refuses session options a BGP speaker would take and then
// run otherwise than they say: an internal neighbour of another AS than
// the instance's (asn) is external to bgpd, as-override rewrites only
// paths sent over eBGP, and one timer alone, or a hold time FRR and NVUE
// refuse (below 3), is no timers command. Every renderer asks it.
func (s *Session) CheckOptions(asn ASN) error {
	o := s.Options()
	peerASN := s.PeerASN
	if s.Group != nil {
		peerASN = s.Group.ASN
	}
	switch {
	case o.Internal && peerASN != 0 && peerASN != asn:
		return fmt.Errorf("neighbor %s is internal (iBGP) but its ASN %s is not the instance's %s", s.Neighbor(), peerASN, asn)
	case o.Internal && o.ASOverride:
		return fmt.Errorf("neighbor %s is internal (iBGP) and as-override, which rewrites paths sent over eBGP only", s.Neighbor())
	case (o.Keepalive == 0) != (o.Hold == 0) || o.Keepalive < 0 || o.Keepalive > 65535 || (o.Hold != 0 && (o.Hold < 3 || o.Hold > 65535)):
		return fmt.Errorf("neighbor %s: keepalive %d and hold %d: want both 0 (the instance's timers), or keepalive 1-65535 and hold 3-65535",
			s.Neighbor(), o.Keepalive, o.Hold)
	}
	return nil
}

// Group is a set of neighbours that share settings and are not listed one
// by one: FRR's peer group with `bgp listen range`, for Kubernetes nodes
// or servers that open sessions from a subnet. ASN 0 accepts any external
// ASN (`remote-as external`).
type Group struct {
	Name        string
	ASN         ASN
	Listen      []netip.Prefix // sorted
	ListenLimit int            // 0: the platform's default
	MaxPrefixes int            // 0: no limit
	Announces   []netip.Prefix // what verify assumes members originate
	// Accept and Advertise: as External's.
	Accept, Advertise []PrefixRule
	// Options: as External's.
	Options SessionOptions
}

// Neighbor is how FRR (and NVUE, and the health gate reading FRR) names
// the session's neighbour: the port of an unnumbered session, the peer's
// address of a numbered one, an external neighbour's interface or address,
// or the group's name. It is the one definition; render/frr, render/nvue
// and expect read it.
func (s *Session) Neighbor() string {
	switch {
	case s.Group != nil:
		return s.Group.Name
	case s.External != nil && s.External.Interface != "":
		return s.External.Interface
	case s.External != nil:
		return s.External.Address.String()
	case s.Unnumbered:
		return s.Port
	}
	return s.PeerAddr.String()
}

// Description names the other end: "device:port" for a fabric peer, the
// external neighbour's or group's name otherwise.
func (s *Session) Description() string {
	switch {
	case s.Group != nil:
		return s.Group.Name
	case s.External != nil:
		return s.External.Name
	}
	return s.Peer.Name + ":" + s.PeerPort
}

// Fabric reports whether the peer is a fabric device.
func (s *Session) Fabric() bool { return s.Peer != nil }

// ListenLimit is the instance's one limit on dynamic neighbours (FRR's
// `bgp listen limit`, NVUE's dynamic-neighbor limit), 0 when no group
// sets one. Both count the members of all the instance's groups together,
// so a group's limit is the instance's only where it is the instance's one
// group; with several, one that sets a limit is an error.
func (in *Instance) ListenLimit() (int, error) {
	var groups []string
	limit, limited := 0, ""
	for _, s := range in.Sessions {
		if s.Group == nil {
			continue
		}
		groups = append(groups, s.Group.Name)
		if s.Group.ListenLimit > 0 {
			limit, limited = s.Group.ListenLimit, s.Group.Name
		}
	}
	if limit > 0 && len(groups) > 1 {
		return 0, fmt.Errorf("group %s sets a listen limit, but the dynamic neighbours of all groups %v are limited together (bgp listen limit): set it only where one group listens", limited, groups)
	}
	return limit, nil
}

// ListenLimitOn is ListenLimit as a platform takes it: above max an
// error naming the platform, the platform's default (def) left unsaid (0),
// since the running config never shows it and a reload would report the
// line as a change on every run.
func (in *Instance) ListenLimitOn(platform string, max, def int) (int, error) {
	limit, err := in.ListenLimit()
	switch {
	case err != nil:
		return 0, err
	case limit > max:
		return 0, fmt.Errorf("listen limit %d is above %s's %d", limit, platform, max)
	case limit == def:
		return 0, nil
	}
	return limit, nil
}

// MaxPeerName is the longest name an external neighbour or group may have:
// FRR's peer-group and prefix-list names stay short in show output.
const MaxPeerName = 32

// PeerName is what an external neighbour or group may be called: it names
// FRR peer groups and the UNDERLAY-IMPORT-/EXPORT- policies, so resolve
// checks the intent with it and the agent's admissions and expect's
// decoder the files they are given.
var PeerName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,31}$`)

// Policy returns the device's policy of that name, or nil.
func (d *Device) Policy(name string) *Policy {
	for _, p := range d.Policies {
		if p.Name == name {
			return p
		}
	}
	return nil
}
