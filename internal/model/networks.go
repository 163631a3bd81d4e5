package model

import (
	"net/netip"
	"strconv"
)

// NetworkKind says what a server network is for.
type NetworkKind string

// Network kinds: Ironic's lifecycle networks, tenant networks, and plain
// server networks.
const (
	NetworkProvisioning NetworkKind = "provisioning"
	NetworkCleaning     NetworkKind = "cleaning"
	NetworkInspection   NetworkKind = "inspection"
	NetworkRescuing     NetworkKind = "rescuing"
	NetworkTenant       NetworkKind = "tenant"
	NetworkServers      NetworkKind = "servers"
)

// NetworkKinds lists the valid kinds.
var NetworkKinds = []NetworkKind{NetworkProvisioning, NetworkCleaning, NetworkInspection,
	NetworkRescuing, NetworkTenant, NetworkServers}

// IsValid reports whether k is a known kind.
func (k NetworkKind) IsValid() bool {
	for _, x := range NetworkKinds {
		if x == k {
			return true
		}
	}
	return false
}

// Lifecycle reports whether a network of kind k is one Ironic moves a
// server through before and after a tenant has it: a lifecycle network
// never shares an isolation domain with a tenant network.
func (k NetworkKind) Lifecycle() bool {
	switch k {
	case NetworkProvisioning, NetworkCleaning, NetworkInspection, NetworkRescuing:
		return true
	}
	return false
}

// Network is one server network: a VLAN on the leaves that carry it, with
// a subnet of its own on each (the gateway on the leaf's SVI), routed in
// its VRF.
type Network struct {
	Name string
	Kind NetworkKind
	VLAN int
	// VRF is the network's isolation domain: DefaultInstance, or the name
	// of one of Fabric.VRFs.
	VRF string
	// Subnets are the network's subnet on each leaf that carries it, by
	// leaf name.
	Subnets []*NetworkSubnet
	// Relay are the DHCP servers the leaves relay the network's DHCP to.
	Relay []netip.Addr
}

// SubnetOn returns the network's subnet on leaf d, or nil.
func (n *Network) SubnetOn(d *Device) *NetworkSubnet {
	for _, s := range n.Subnets {
		if s.Leaf == d {
			return s
		}
	}
	return nil
}

// NetworkSubnet is one leaf's subnet of a network.
type NetworkSubnet struct {
	Network *Network
	Leaf    *Device
	Prefix  netip.Prefix
	// Gateway is the leaf's address on the network's SVI: the subnet's
	// first address, with the subnet's length.
	Gateway netip.Prefix
	// PrefixV6 and GatewayV6 are a dual-stack network's IPv6 subnet and
	// the gateway's address in it, on the same SVI (Prefix is then the
	// IPv4 one); invalid otherwise.
	PrefixV6, GatewayV6 netip.Prefix
}

// Prefixes returns the subnet's prefixes: Prefix, then PrefixV6 if any.
func (s *NetworkSubnet) Prefixes() []netip.Prefix {
	if s.PrefixV6.IsValid() {
		return []netip.Prefix{s.Prefix, s.PrefixV6}
	}
	return []netip.Prefix{s.Prefix}
}

// Gateways returns the gateway's addresses: Gateway, then GatewayV6 if
// any.
func (s *NetworkSubnet) Gateways() []netip.Prefix {
	if s.GatewayV6.IsValid() {
		return []netip.Prefix{s.Gateway, s.GatewayV6}
	}
	return []netip.Prefix{s.Gateway}
}

// Server is one bare-metal server attached to one leaf.
type Server struct {
	Name  string
	Leaf  *Device
	Ports []string // natural order
	// Bond is the bond of Ports on the leaf; "" when the server has one
	// port.
	Bond string
	// LACPBypass lets one member forward before the server speaks LACP.
	LACPBypass bool
	MTU        int // 0: the platform's
	Untagged   *Network
	Tagged     []*Network // by VLAN
}

// Networks returns the untagged network (if any) first, then the tagged.
func (s *Server) Networks() []*Network {
	var out []*Network
	if s.Untagged != nil {
		out = append(out, s.Untagged)
	}
	return append(out, s.Tagged...)
}

// VRF is an isolation domain other than the default: a VRF on every leaf
// with one of its networks, carried across the fabric as EVPN type-5
// routes of its L3VNI.
type VRF struct {
	Name string
	VNI  int
	// VLAN is the VLAN the L3VNI maps to on platforms that need one
	// (ifupdown2 Cumulus, SONiC): from L3VNIVLANFirst-Last, the range NVUE
	// reserves for it.
	VLAN int
}

// Relay is a leaf's DHCP relay for the networks of one routing instance:
// what isc-dhcp-relay (Cumulus, SONiC) and NVUE's dhcp-relay service run.
type Relay struct {
	Instance string
	Servers  []netip.Addr // sorted
	// Downstream are the SVIs whose clients are relayed, natural order.
	Downstream []string
	// Upstream are the instance's fabric ports towards the servers, and
	// the SVI or subnet port of a server in a subnet of the leaf's own,
	// natural order.
	Upstream []string
	// Source is the giaddr: the leaf's IPv4 loopback, announced in the
	// fabric, so replies route back over an unnumbered fabric too.
	Source netip.Addr
	// LinkSelection adds RFC 3527's link-selection sub-option carrying the
	// SVI's subnet, so the DHCP server picks the client's subnet although
	// giaddr is the loopback.
	LinkSelection bool
}

// L3VNIVLANs is the range VRF VLANs come from and networks may not use on
// any platform: NVUE's default L3VNI VLAN range (`nv set system global
// reserved vlan l3-vni-vlan begin 4000 end 4064`), so the VLAN ifupdown2
// Cumulus and SONiC are given is one NVUE would pick. It is not Cumulus'
// internal range (3725-3999), which no VLAN of underlay's may use.
const (
	L3VNIVLANFirst = 4000
	L3VNIVLANLast  = 4064
)

// SVIName is the name of VLAN n's layer-3 interface in the model and on
// Cumulus and NVUE; the SONiC renderer maps it to Vlan<n>.
func SVIName(vlan int) string { return "vlan" + strconv.Itoa(vlan) }

// BridgeName is the model's name of a leaf's VLAN-aware bridge; renderers
// map it to the platform's (NVUE: br_default).
const BridgeName = "bridge"
