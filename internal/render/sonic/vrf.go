package sonic

import (
	"fmt"
	"net/netip"
	"strconv"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/platform"
)

// The routed side of a leaf's server networks: VRFs with their L3VNI over
// a VXLAN VTEP (EVPN type-5 routes; frr.conf holds the BGP side), and the
// DHCP relay of the lifecycle networks.

// VTEP and NVO are the names of the leaf's one VXLAN tunnel and EVPN NVO
// (SONiC allows one NVO).
const (
	VTEP = "vtep"
	NVO  = "nvo"
)

// maxIfName is Linux's IFNAMSIZ less the NUL: SONiC names the VRF's
// device after its VRF key (sonic-vrf's interface_name type).
const maxIfName = 15

// addVRFs renders each VRF instance the way SONiC's EVPN VXLAN design has
// an L3VNI: VRF with its vni, a VLAN the VNI maps to (VXLAN_TUNNEL_MAP)
// whose VLAN_INTERFACE is in the VRF and has no address, and the VTEP
// (VXLAN_TUNNEL from the leaf's IPv4 loopback, the router ID, which the
// fabric announces) with its EVPN NVO. A device without VRFs has none of
// these tables.
func addVRFs(db tables, d *model.Device) error {
	for _, in := range d.Instances {
		v := in.VRF
		if in.Name == model.DefaultInstance || v == nil {
			continue
		}
		name := platform.VRFName(model.PlatformSONiC, in.Name)
		if len(name) > maxIfName {
			return fmt.Errorf("VRF %s is %s on SONiC, longer than the %d characters of a device name: "+
				"shorten it to %d", in.Name, name, maxIfName, maxIfName-len(name)+len(in.Name))
		}
		if v.VNI == 0 || v.VLAN == 0 {
			return fmt.Errorf("VRF %s has no L3VNI or no VLAN for it (VNI %d, VLAN %d)", in.Name, v.VNI, v.VLAN)
		}
		if !d.RouterID.Is4() {
			return fmt.Errorf("VRF %s: the VTEP needs an IPv4 router ID as its source", in.Name)
		}
		vni := strconv.Itoa(v.VNI)
		db.put("VRF", name, row{"vni": vni})
		addVLAN(db, v.VLAN)
		db.put("VLAN_INTERFACE", vlanName(v.VLAN), vrfOf(in.Name))
		db.put("VXLAN_TUNNEL", VTEP, row{"src_ip": d.RouterID.String()})
		db.put("VXLAN_EVPN_NVO", NVO, row{"source_vtep": VTEP})
		db.put("VXLAN_TUNNEL_MAP", VTEP+"|map_"+vni+"_"+vlanName(v.VLAN), row{"vlan": vlanName(v.VLAN), "vni": vni})
	}
	return nil
}

// addRelays renders the DHCP relay as the DHCPV4_RELAY table (one row per
// downstream VLAN) of SONiC's DHCPv4 relay agent, which DEVICE_METADATA
// has_sonic_dhcpv4_relay "True" runs instead of isc-dhcp-relay (that one
// reads VLAN dhcp_servers and has neither the source interface nor link
// selection). source_interface Loopback0 makes the loopback, which the
// fabric routes, the source and giaddr; link_selection adds RFC 3527's
// sub-option carrying the SVI's subnet, from which the DHCP server picks
// the pool. Only the default instance relays (resolve allows no other).
func addRelays(db tables, d *model.Device) error {
	for _, r := range d.Relays {
		if r.Instance != model.DefaultInstance {
			return fmt.Errorf("DHCP relay in routing instance %s: only the default instance relays on SONiC", r.Instance)
		}
		if !containsAddr(d.Loopbacks, r.Source) {
			return fmt.Errorf("DHCP relay source %s is not a Loopback0 address", r.Source)
		}
		servers := make([]string, len(r.Servers))
		for i, s := range r.Servers {
			servers[i] = s.String()
		}
		for _, svi := range r.Downstream {
			in := d.Interface(svi)
			if in == nil || in.Kind != model.KindSVI || len(in.VLANs) != 1 {
				return fmt.Errorf("DHCP relay downstream %s is not an SVI", svi)
			}
			rr := row{"dhcpv4_servers": servers, "source_interface": "Loopback0"}
			if r.LinkSelection {
				rr["link_selection"] = "enable"
			}
			db.put("DHCPV4_RELAY", vlanName(in.VLANs[0]), rr)
		}
		db["DEVICE_METADATA"]["localhost"]["has_sonic_dhcpv4_relay"] = "True"
	}
	return nil
}

func containsAddr(ps []netip.Prefix, a netip.Addr) bool {
	for _, p := range ps {
		if p.Addr() == a {
			return true
		}
	}
	return false
}
