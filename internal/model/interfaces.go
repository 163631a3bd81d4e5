package model

import "net/netip"

// InterfaceKind says what an interface is.
type InterfaceKind string

// Interface kinds.
const (
	KindLoopback InterfaceKind = "loopback"
	KindRouted   InterfaceKind = "routed" // a layer-3 port: a fabric link, a server subnet's gateway, or both
	KindAccess   InterfaceKind = "access" // a server port in the bridge, one untagged VLAN
	KindTrunk    InterfaceKind = "trunk"  // a server port in the bridge with tagged VLANs
	KindBond     InterfaceKind = "bond"   // a server's LACP bond, in the bridge as a port is
	KindMember   InterfaceKind = "member" // a port in a bond
	KindBridge   InterfaceKind = "bridge" // the leaf's one VLAN-aware bridge
	KindSVI      InterfaceKind = "svi"    // a VLAN's layer-3 interface: a network's gateway
)

// LoopbackName is the loopback interface on every platform underlay
// renders for; the SONiC renderer maps it to Loopback0.
const LoopbackName = "lo"

// Interface is one interface a device configures, as resolve decided it.
// Device.Interfaces lists every one of them, loopback first, then ports in
// natural order; renderers, expect, verify and the lab read that list and
// never work out a device's interfaces themselves.
type Interface struct {
	Name string
	Kind InterfaceKind
	// Addrs are every address the device holds on the interface, in the
	// order files list them: the loopbacks (IPv4 first); a link's /31 and
	// /127; then the gateways of the server subnets on the port, in intent
	// order.
	Addrs []netip.Prefix
	// MTU is the link's MTU; 0 leaves the platform's default (a port only
	// a server subnet uses: its MTU is not in the intent).
	MTU int
	// Unnumbered: BGP peers over the port's IPv6 link-local address.
	Unnumbered bool
	// Members are a bond's ports or the bridge's ports (server ports and
	// bonds), natural order.
	Members []string
	// Access is the untagged VLAN of a bridge port (a trunk's native
	// VLAN), 0 when none.
	Access int
	// VLANs are a trunk's or bond's tagged VLANs, an SVI's one VLAN, or
	// every VLAN of the bridge; sorted.
	VLANs []int
	// Bond is the bond a member port belongs to.
	Bond string
	// LACPBypass: the bond lets one member forward before LACP is up.
	LACPBypass bool
	// Server is the server on a port, bond or member; Network the network
	// of an SVI.
	Server  string
	Network string
	// Instance is the routing instance (VRF) the interface is in.
	Instance string
	// Port is the fabric link's end on this interface; nil when no link
	// uses it.
	Port *Port
}

// Link returns the fabric link on the interface, or nil.
func (i *Interface) Link() *Link {
	if i.Port == nil {
		return nil
	}
	return i.Port.Link
}

// Interface returns the named interface or nil.
func (d *Device) Interface(name string) *Interface {
	for _, i := range d.Interfaces {
		if i.Name == name {
			return i
		}
	}
	return nil
}
