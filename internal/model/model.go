// Package model holds the resolved, typed fabric: devices, ports, links,
// BGP sessions and route policies, with every address as a netip value.
//
// A Fabric is produced by package resolve from the raw intent plus the lock
// file and is read-only afterwards. Every slice in it is sorted (devices by
// name, ports by natural port order, sessions by local port), so consumers
// that iterate in order produce byte-deterministic output.
package model

import (
	"net/netip"
)

// Fabric is one resolved leaf-spine fabric.
type Fabric struct {
	Name      string
	Namespace string // Kubernetes namespace of the rendered ConfigMaps
	BGP       BGP
	Devices   []*Device // sorted by name
	Links     []*Link   // sorted by A endpoint, then B endpoint
	// Checks are the user's routing expectations, proven by verify.
	Checks []Check
	// Agent is how agent workloads are rendered; nil renders none.
	Agent *Agent
	// Networks and Servers are the server networks and the bare-metal
	// servers on leaves, by name; VRFs the isolation domains other than
	// default, by name.
	Networks []*Network
	Servers  []*Server
	VRFs     []*VRF
	// Clusters are the Kubernetes clusters on the fabric, by name.
	Clusters []*Cluster
	// LoopbackPools are the loopback pools of the fabric (IPv4 and IPv6);
	// host import policies accept addresses from them.
	LoopbackPools []netip.Prefix
}

// BGP holds fabric-wide BGP settings after per-device overrides are applied.
type BGP struct {
	MultipathRelax bool
	MaximumPaths   int
	Keepalive      int // seconds
	Hold           int // seconds
}

// Device is one switch or host.
type Device struct {
	Name     string
	Role     Role
	Platform Platform
	ASN      ASN
	Pod      int // 5-stage pod number; 0 for superspines and 3-stage fabrics
	RouterID netip.Addr
	// Loopbacks are host prefixes (/32, /128) on the loopback interface; the
	// first IPv4 one is the router ID.
	Loopbacks []netip.Prefix
	Subnets   []Subnet
	BGP       BGP // fabric settings with this device's overrides applied
	// Interfaces are every interface the device configures: the loopback
	// first, then ports in natural order. Resolve computes them once.
	Interfaces []*Interface
	// Instances are the routing instances (VRFs), the default one first.
	Instances []*Instance
	Ports     []*Port // link ends, natural order (swp2 < swp10); each is an Interface's Port
	// Policies are the named prefix filters sessions refer to, sorted by name.
	Policies []*Policy
	Sonic    SonicSettings
	// Networks are the subnets of the server networks this leaf carries,
	// by VLAN; Servers the servers attached to it, by name; Relays its
	// DHCP relays, one per routing instance that relays.
	Networks []*NetworkSubnet
	Servers  []*Server
	Relays   []*Relay
	// EVPN: the device carries EVPN routes (VRFs across the fabric): a
	// leaf with a VRF, and every spine and superspine when a leaf has one.
	EVPN bool
}

// Subnet is a server subnet a leaf announces. When Port is set, the leaf
// holds Gateway (an address inside Prefix) on that port; otherwise the
// prefix is anchored by a blackhole static route, as aggregates are.
type Subnet struct {
	Prefix  netip.Prefix
	Port    string
	Gateway netip.Prefix // address with the subnet's length; invalid if Port == ""
}

// SonicSettings are SONiC DEVICE_METADATA values that depend on hardware.
type SonicSettings struct {
	HWSKU    string
	Platform string
	MAC      string
	// RoutingMode is "unified" or "split", as pinned or as resolve chose
	// it (resolve.SONiCSplitReason); "" only in hand-built models, where
	// the renderer decides the same way. A unified device has no
	// `bgp bestpath compare-routerid`: FRR keeps the oldest of equal eBGP
	// paths. resolve allows unified only where those paths have identical
	// AS paths and fit maximum-paths, so the installed set and what the
	// device advertises are as predicted; which one FRR marks best is not
	// a router-ID tie-break there.
	RoutingMode string
}

// Port is one interface of a device that a link uses.
type Port struct {
	Name       string
	MTU        int
	Unnumbered bool
	// Addrs are the port's interface addresses (IPv4 /31, IPv6 /127), empty
	// when the link is unnumbered.
	Addrs []netip.Prefix
	Link  *Link
	// Peer is the device and port at the other end.
	Peer     *Device
	PeerPort string
	// Index is the port's position in the device's natural port order.
	Index int
}

// Link connects two ports.
type Link struct {
	A, B       Endpoint
	Unnumbered bool
	MTU        int
	V4, V6     netip.Prefix // the link's /31 and /127; invalid when unused
}

// Endpoint is one end of a link.
type Endpoint struct {
	Device *Device
	Port   string
	V4, V6 netip.Prefix // this end's address with the link's length
}

// String returns "device:port".
func (e Endpoint) String() string { return e.Device.Name + ":" + e.Port }

// Family is an address family.
type Family string

// Address families.
const (
	IPv4 Family = "ipv4"
	IPv6 Family = "ipv6"
)

// Session is one BGP neighbor as configured on Local.
//
// An unnumbered session peers over the IPv6 link-local address of Port and
// carries every family the fabric uses (IPv4 with extended next hop). A
// numbered session peers with PeerAddr from LocalAddr and carries only the
// family of those addresses.
type Session struct {
	Local *Device
	// Port is the local interface of a fabric session or of an external
	// neighbour peering over an interface.
	Port string
	// Exactly one of Peer (a fabric device, at PeerPort), External and
	// Group is set.
	Peer       *Device
	PeerPort   string
	External   *External
	Group      *Group
	PeerASN    ASN
	Unnumbered bool
	LocalAddr  netip.Addr // invalid when unnumbered
	PeerAddr   netip.Addr // invalid when unnumbered
	Families   []Family   // sorted; ipv4 before ipv6
	// EVPN: both ends carry EVPN (address-family l2vpn evpn).
	EVPN bool
	// Import and Export name entries of Local.Policies; nil means accept
	// or announce everything.
	Import *Policy
	Export *Policy
}

// Carries reports whether the session exchanges routes of family f.
func (s *Session) Carries(f Family) bool {
	for _, x := range s.Families {
		if x == f {
			return true
		}
	}
	return false
}

// Policy is a prefix filter: a prefix passes when it matches any rule.
// Everything else is denied.
type Policy struct {
	Name  string
	Rules []PrefixRule // sorted: IPv4 before IPv6, then by address and length
}

// PrefixRule matches Prefix exactly when Ge and Le are 0; otherwise any
// prefix inside Prefix whose length is in Lengths(), as FRR's prefix-list
// `ge`/`le` do.
type PrefixRule struct {
	Prefix netip.Prefix
	Ge, Le int
}

// Lengths returns the shortest and longest length the rule matches: ge
// alone reaches the family's longest prefix, le alone starts at Prefix's
// own length.
func (r PrefixRule) Lengths() (lo, hi int) {
	lo, hi = r.Prefix.Bits(), r.Prefix.Bits()
	if r.Ge > 0 {
		lo, hi = r.Ge, r.Prefix.Addr().BitLen()
	}
	if r.Le > 0 {
		hi = r.Le
	}
	return lo, hi
}

// Exact reports whether the rule matches only Prefix itself.
func (r PrefixRule) Exact() bool { return r.Ge == 0 && r.Le == 0 }

// Matches reports whether p passes the rule.
func (r PrefixRule) Matches(p netip.Prefix) bool {
	if p.Addr().Is4() != r.Prefix.Addr().Is4() {
		return false
	}
	if r.Exact() {
		return p == r.Prefix
	}
	lo, hi := r.Lengths()
	return p.Bits() >= lo && p.Bits() <= hi && r.Prefix.Contains(p.Addr())
}

// Permits reports whether p passes the policy. A nil policy permits all.
func (pol *Policy) Permits(p netip.Prefix) bool {
	if pol == nil {
		return true
	}
	for _, r := range pol.Rules {
		if r.Matches(p) {
			return true
		}
	}
	return false
}

// Families returns the families of the given prefixes, IPv4 first.
func Families(ps []netip.Prefix) []Family {
	var v4, v6 bool
	for _, p := range ps {
		if p.Addr().Is4() {
			v4 = true
		} else {
			v6 = true
		}
	}
	var fs []Family
	if v4 {
		fs = append(fs, IPv4)
	}
	if v6 {
		fs = append(fs, IPv6)
	}
	return fs
}

// Device helpers used by several renderers.

// OriginatedOf returns the prefixes of family f the device announces.
func (d *Device) OriginatedOf(f Family) []netip.Prefix { return OfFamily(d.Originated(), f) }

// Sessions returns the sessions of every routing instance, the default
// instance's first. Only Instance.Sessions holds them.
func (d *Device) Sessions() []*Session {
	if len(d.Instances) == 1 {
		return d.Instances[0].Sessions
	}
	var out []*Session
	for _, in := range d.Instances {
		out = append(out, in.Sessions...)
	}
	return out
}

// Originated returns what the device announces itself (loopbacks and
// subnets), over every routing instance, each instance's sorted.
func (d *Device) Originated() []netip.Prefix {
	if len(d.Instances) == 1 {
		return d.Instances[0].Originated
	}
	var out []netip.Prefix
	for _, in := range d.Instances {
		out = append(out, in.Originated...)
	}
	return out
}

// OfFamily returns the prefixes of family f, in order.
func OfFamily(ps []netip.Prefix, f Family) []netip.Prefix {
	var out []netip.Prefix
	for _, p := range ps {
		if p.Addr().Is4() == (f == IPv4) {
			out = append(out, p)
		}
	}
	return out
}

// Default returns the default routing instance.
func (d *Device) Default() *Instance { return d.Instances[0] }

// Families returns the families any session of the instance carries, IPv4
// first: the address families its BGP speaker runs.
func (in *Instance) Families() []Family {
	var v4, v6 bool
	for _, s := range in.Sessions {
		v4 = v4 || s.Carries(IPv4)
		v6 = v6 || s.Carries(IPv6)
	}
	var fs []Family
	if v4 {
		fs = append(fs, IPv4)
	}
	if v6 {
		fs = append(fs, IPv6)
	}
	return fs
}

// Check is a user-declared routing expectation: from every device in From,
// each prefix in To is reachable over at least MinPaths ECMP next hops
// (Reach), or not reachable at all (!Reach).
type Check struct {
	Name     string
	From     []*Device
	To       []netip.Prefix
	MinPaths int
	Reach    bool
}

// Agent configures the rendered underlay-agent workloads.
type Agent struct {
	Image         string
	HealthTimeout int // seconds
}
