package model

import "net/netip"

// InterfaceKind says what an interface is. Resolve builds only the kinds
// an intent can ask for today (loopback and routed); the others are named
// so the server-network and cluster kinds land as values, not as a new
// derivation in every renderer.
type InterfaceKind string

// Interface kinds.
const (
	KindLoopback InterfaceKind = "loopback"
	KindRouted   InterfaceKind = "routed" // a layer-3 port: a fabric link, a server subnet's gateway, or both
	KindAccess   InterfaceKind = "access" // an untagged bridge member
	KindTrunk    InterfaceKind = "trunk"  // a tagged bridge member
	KindBond     InterfaceKind = "bond"
	KindBridge   InterfaceKind = "bridge"
	KindSVI      InterfaceKind = "svi" // a VLAN's layer-3 interface
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
	// Members are a bond's or bridge's member ports; VLANs a trunk's or
	// access port's VLANs. Unused until server networks land.
	Members []string
	VLANs   []int
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
