package platform

import (
	"fmt"
	"regexp"
	"strings"

	"underlay.dev/underlay/internal/model"
)

// Servers is how a platform's leaves attach bare-metal servers; nil on a
// platform that carries no server networks.
type Servers struct {
	// ReservedVLANs are the VLANs networks may not use on the platform.
	ReservedVLANs []VLANRange
	// Bond is what a bond may be called; Name gives the default name from
	// the bond's first port.
	Bond BondRule
	// VRF is the platform's name of a VRF the model calls name (its
	// device, table key and FRR's `vrf NAME`); nil keeps the model's name.
	VRF func(name string) string
}

// VRFName is the name platform p gives the VRF the model calls name: one
// mapping, which every file of the device (config_db.json, frr.conf) and
// the lab use alike. The default instance keeps its name everywhere.
func VRFName(p model.Platform, name string) string {
	d, err := Get(p)
	if err != nil || d.Servers == nil || d.Servers.VRF == nil || name == model.DefaultInstance {
		return name
	}
	return d.Servers.VRF(name)
}

// VLANRange is an inclusive range of VLAN IDs and why it is reserved.
type VLANRange struct {
	First, Last int
	Why         string
}

// BondRule is what a bond may be called on a platform.
type BondRule struct {
	Pattern *regexp.Regexp
	Example string
	// Name is the default name of a bond whose first member is port.
	Name func(port string) string
}

// Reserved returns the range vlan is reserved by, or nil.
func (s *Servers) Reserved(vlan int) *VLANRange {
	for i, r := range s.ReservedVLANs {
		if vlan >= r.First && vlan <= r.Last {
			return &s.ReservedVLANs[i]
		}
	}
	return nil
}

func (r VLANRange) String() string {
	return fmt.Sprintf("%d-%d (%s)", r.First, r.Last, r.Why)
}

// cumulusVLANs are the VLANs Cumulus Linux keeps for itself: switchd
// uses 3725-3999 internally (the reserved VLAN range of 4.4 and 5.x) and
// NVUE maps L3VNIs to 4000-4064 (its default l3-vni-vlan range).
var cumulusVLANs = []VLANRange{
	{3725, 3999, "Cumulus Linux reserves it for internal use"},
	{model.L3VNIVLANFirst, model.L3VNIVLANLast, "NVUE reserves it for L3VNI VLANs and underlay maps VRF L3VNIs to it"},
}

// cumulusServers serves both Cumulus platforms: bonds are named after the
// first member's number (swp5: bond5, swp1s0: bond1s0).
var cumulusServers = Servers{
	ReservedVLANs: cumulusVLANs,
	Bond: BondRule{regexp.MustCompile(`^bond[0-9a-z]{1,11}$`), "bond5",
		func(port string) string { return "bond" + strings.TrimPrefix(port, "swp") }},
}

// sonicServers: SONiC's YANG allows PortChannel0-9999 only; the bond takes
// the first member's number when it fits (Ethernet8: PortChannel8). Its
// YANG has no Vlan1 (sonic-vlan's name pattern starts at Vlan2: VLAN 1 is
// the ASIC's default VLAN) and wants VRF names to start with "Vrf"
// (sonic-vrf: Vrf[a-zA-Z0-9_-]+): model VRF tenant-a is Vrf-tenant-a, and
// the prefix marks the VRFs underlay owns on the switch.
var sonicServers = Servers{
	ReservedVLANs: []VLANRange{{1, 1, "SONiC's YANG models have no Vlan1, the default VLAN"},
		{model.L3VNIVLANFirst, model.L3VNIVLANLast, "underlay maps VRF L3VNIs to these VLANs"}},
	Bond: BondRule{regexp.MustCompile(`^PortChannel[0-9]{1,4}$`), "PortChannel8",
		func(port string) string { return "PortChannel" + strings.TrimPrefix(port, "Ethernet") }},
	VRF: func(name string) string { return SONiCVRFPrefix + name },
}

// SONiCVRFPrefix starts the SONiC name of every VRF underlay renders.
const SONiCVRFPrefix = "Vrf-"
