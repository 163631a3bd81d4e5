package ifupdown2

import (
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"underlay.dev/underlay/internal/model"
)

// Stanza kinds beyond the model's interface kinds: a VRF device and the
// VXLAN device of a VRF's L3VNI.
const (
	kindVRF = "vrf"
	kindVNI = "vni"
)

// stanza is one `iface` of the file: what its template says, worked out
// from the model here so the templates only print.
type stanza struct {
	Kind  string // a model.InterfaceKind, kindVRF or kindVNI
	Name  string
	MTU   int
	Addrs []netip.Prefix
	// Bridge port: Access is bridge-access; VIDs the tagged VLANs
	// (bridge-vids), PVID the native VLAN (bridge-pvid), NoUntagged a
	// trunk without one (bridge-allow-untagged no). The bridge itself
	// uses VIDs and PVID too.
	Access     int
	VIDs       []int
	PVID       int
	NoUntagged bool
	// Bond: its members and LACP bypass.
	Slaves     []string
	LACPBypass bool
	// Bridge: its ports.
	Ports []string
	// SVI: its VRF ("" in the default instance), bridge and VLAN.
	VRF       string
	RawDevice string
	VLAN      int
	// VXLAN device: its VNI and the VTEP address.
	VNI      int
	TunnelIP netip.Addr
}

// VIDList is bridge-vids' value.
func (s stanza) VIDList() string {
	w := make([]string, len(s.VIDs))
	for i, v := range s.VIDs {
		w[i] = strconv.Itoa(v)
	}
	return strings.Join(w, " ")
}

// SlaveList is bond-slaves' value.
func (s stanza) SlaveList() string { return strings.Join(s.Slaves, " ") }

// PortList is bridge-ports' value.
func (s stanza) PortList() string { return strings.Join(s.Ports, " ") }

// IsBridgePort: the stanza carries bridge-access or bridge-vids.
func (s stanza) IsBridgePort() bool { return s.Access > 0 || len(s.VIDs) > 0 }

// portStanza is a port or a bond: routed, a bridge port (access or
// trunk), a bond, or a bond's member.
func portStanza(i *model.Interface) (stanza, error) {
	s := stanza{Kind: string(i.Kind), Name: i.Name, MTU: i.MTU, Addrs: i.Addrs}
	switch i.Kind {
	case model.KindRouted:
		return s, nil
	case model.KindMember, model.KindBond, model.KindAccess, model.KindTrunk:
	default:
		return s, fmt.Errorf("interface %s: a %s interface is not rendered for ifupdown2", i.Name, i.Kind)
	}
	if len(i.Addrs) > 0 {
		return s, fmt.Errorf("interface %s: a %s interface holds no address (gateways sit on SVIs)", i.Name, i.Kind)
	}
	switch i.Kind {
	case model.KindMember:
		if i.Bond == "" {
			return s, fmt.Errorf("member %s belongs to no bond", i.Name)
		}
		return s, nil
	case model.KindBond:
		if len(i.Members) == 0 {
			return s, fmt.Errorf("bond %s has no members", i.Name)
		}
		s.Slaves, s.LACPBypass = i.Members, i.LACPBypass
	}
	return bridgePort(s, i)
}

// bridgePort adds the VLANs of a bridge port: an untagged VLAN alone is
// bridge-access; tagged VLANs are bridge-vids with the untagged one, if
// any, as bridge-pvid, and without one untagged frames are dropped
// (bridge-allow-untagged no) rather than put in the bridge's PVID.
func bridgePort(s stanza, i *model.Interface) (stanza, error) {
	if err := checkVLANs(i.Name, append([]int{i.Access}, i.VLANs...)...); err != nil {
		return s, err
	}
	switch {
	case len(i.VLANs) == 0 && i.Access == 0:
		return s, fmt.Errorf("bridge port %s has no VLAN", i.Name)
	case len(i.VLANs) == 0:
		s.Access = i.Access
	default:
		s.VIDs, s.PVID, s.NoUntagged = i.VLANs, i.Access, i.Access == 0
	}
	return s, nil
}

// checkVLANs refuses VLAN IDs out of 802.1Q's range (0 is "none").
func checkVLANs(name string, vlans ...int) error {
	for _, v := range vlans {
		if v < 0 || v > 4094 {
			return fmt.Errorf("interface %s: VLAN %d is not in 1-4094", name, v)
		}
	}
	return nil
}

// bridgeStanza is the VLAN-aware bridge, after the VXLAN device of each
// VRF's L3VNI, which is one of its ports. Every port says its own VLANs,
// so the bridge's PVID 1 (Cumulus' default, said explicitly as its
// documentation does) reaches no server.
func bridgeStanza(d *model.Device, i *model.Interface, vrfs []*model.Instance) ([]stanza, error) {
	if i.Name != model.BridgeName {
		return nil, fmt.Errorf("bridge %s: the bridge is called %s", i.Name, model.BridgeName)
	}
	if len(i.Members) == 0 {
		return nil, fmt.Errorf("bridge %s has no ports", i.Name)
	}
	if err := checkVLANs(i.Name, i.VLANs...); err != nil {
		return nil, err
	}
	var out []stanza
	br := stanza{Kind: string(model.KindBridge), Name: i.Name, MTU: i.MTU, Ports: append([]string{}, i.Members...),
		VIDs: i.VLANs, PVID: 1}
	for _, in := range vrfs {
		if !d.RouterID.Is4() {
			return nil, fmt.Errorf("vrf %s: the VTEP address is the IPv4 loopback, and the device has none", in.Name)
		}
		vni := stanza{Kind: kindVNI, Name: vniName(in.VRF.VNI), Access: in.VRF.VLAN, VNI: in.VRF.VNI, TunnelIP: d.RouterID}
		out = append(out, vni)
		br.Ports = append(br.Ports, vni.Name)
	}
	return append(out, br), nil
}

func vniName(vni int) string { return "vni" + strconv.Itoa(vni) }

// sviStanza is a network's SVI: its gateway, in its VRF.
func sviStanza(i *model.Interface) (stanza, error) {
	if len(i.VLANs) != 1 {
		return stanza{}, fmt.Errorf("SVI %s has VLANs %v, want one", i.Name, i.VLANs)
	}
	if err := checkVLANs(i.Name, i.VLANs[0]); err != nil {
		return stanza{}, err
	}
	s := stanza{Kind: string(model.KindSVI), Name: i.Name, MTU: i.MTU, Addrs: i.Addrs, RawDevice: model.BridgeName, VLAN: i.VLANs[0]}
	if i.Instance != model.DefaultInstance {
		s.VRF = i.Instance
	}
	return s, nil
}

// domains are the device's isolation domains (instances with a VRF), by
// name.
func domains(d *model.Device) ([]*model.Instance, error) {
	var out []*model.Instance
	for _, in := range d.Instances {
		if in.VRF == nil {
			continue
		}
		if in.VRF.VNI < 1 || in.VRF.VNI > 16777214 {
			return nil, fmt.Errorf("vrf %s: L3VNI %d is not in 1-16777214", in.Name, in.VRF.VNI)
		}
		if in.VRF.VLAN < 1 || in.VRF.VLAN > 4094 {
			return nil, fmt.Errorf("vrf %s: VLAN %d of its L3VNI is not in 1-4094", in.Name, in.VRF.VLAN)
		}
		out = append(out, in)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Name < out[b].Name })
	return out, nil
}

// vrfStanzas are the VRF devices, each with a routing table ifupdown2
// picks (vrf-table auto).
func vrfStanzas(vrfs []*model.Instance) []stanza {
	var out []stanza
	for _, in := range vrfs {
		out = append(out, stanza{Kind: kindVRF, Name: in.Name})
	}
	return out
}

// l3SVIStanzas are the SVIs of the L3VNIs' VLANs, in their VRFs, without
// an address: EVPN symmetric routing installs the remote routes over them.
func l3SVIStanzas(vrfs []*model.Instance) []stanza {
	var out []stanza
	for _, in := range vrfs {
		out = append(out, stanza{Kind: string(model.KindSVI), Name: model.SVIName(in.VRF.VLAN), VRF: in.Name,
			RawDevice: model.BridgeName, VLAN: in.VRF.VLAN})
	}
	return out
}
