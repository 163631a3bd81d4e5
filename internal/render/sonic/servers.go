package sonic

import (
	"fmt"
	"strconv"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/platform"
)

// The server side of a leaf, after SONiC's YANG models (sonic-vlan,
// sonic-portchannel): the model's bridge is no table of its own in SONiC,
// every VLAN is a VLAN row and a bridge port is a VLAN_MEMBER of each of
// its VLANs; a bond is a PORTCHANNEL (teamd, LACP) with its ports as
// PORTCHANNEL_MEMBERs; an SVI is a VLAN_INTERFACE.

// vlanName is SONiC's name of VLAN n (the model's SVI vlanN is VlanN too).
func vlanName(n int) string { return "Vlan" + strconv.Itoa(n) }

// addVLAN adds VLAN n. vlanmgrd brings it up with its default MTU (9100).
func addVLAN(db tables, n int) {
	db.put("VLAN", vlanName(n), row{"vlanid": strconv.Itoa(n)})
}

// addSwitchPort renders a server's access or trunk port: its PORT row and
// its VLAN memberships.
func addSwitchPort(db tables, in *model.Interface) error {
	if err := addPort(db, in.Name, in.MTU); err != nil {
		return err
	}
	addMemberships(db, in)
	return nil
}

// addMemberships makes a bridge port (a port or a PortChannel) an
// untagged member of its access (native) VLAN and a tagged member of the
// others. SONiC's YANG allows one untagged VLAN per port, and none on a
// PortChannel member or routed port, which resolve keeps by construction.
func addMemberships(db tables, in *model.Interface) {
	if in.Access != 0 {
		db.put("VLAN_MEMBER", vlanName(in.Access)+"|"+in.Name, row{"tagging_mode": "untagged"})
	}
	for _, v := range in.VLANs {
		db.put("VLAN_MEMBER", vlanName(v)+"|"+in.Name, row{"tagging_mode": "tagged"})
	}
}

// addPortChannel renders a server's bond as a PORTCHANNEL. lacp_key auto
// and min_links 1 are what `config portchannel add` writes; fallback is
// teamd's LACP fallback (runner.fallback): with no LACPDU from the server
// one member forwards, so the server can PXE boot before its OS forms the
// bond. The MTU, when the server has one, is its members' too: SONiC
// refuses a member whose MTU differs from its PortChannel's.
func addPortChannel(db tables, in *model.Interface) error {
	if !platform.MustGet(model.PlatformSONiC).Servers.Bond.Pattern.MatchString(in.Name) {
		return fmt.Errorf("bond %s: SONiC names PortChannels PortChannel0-PortChannel9999", in.Name)
	}
	r := row{"admin_status": "up", "lacp_key": "auto", "min_links": "1"}
	if in.MTU > 0 {
		r["mtu"] = strconv.Itoa(in.MTU)
	}
	if in.LACPBypass {
		r["fallback"] = "true"
	}
	db.put("PORTCHANNEL", in.Name, r)
	addMemberships(db, in)
	return nil
}

// addMember renders a bond member: its PORT row (up, the bond's MTU) and
// its PORTCHANNEL_MEMBER row.
func addMember(db tables, in *model.Interface) error {
	if in.Bond == "" {
		return fmt.Errorf("member port %s has no bond", in.Name)
	}
	if err := addPort(db, in.Name, in.MTU); err != nil {
		return err
	}
	db.put("PORTCHANNEL_MEMBER", in.Bond+"|"+in.Name, row{})
	return nil
}

// addSVI renders a network's gateway: VLAN_INTERFACE VlanN (in its VRF
// when the network is in one) and its address rows.
func addSVI(db tables, in *model.Interface) error {
	if len(in.VLANs) != 1 {
		return fmt.Errorf("SVI %s: want one VLAN, have %v", in.Name, in.VLANs)
	}
	name := vlanName(in.VLANs[0])
	db.put("VLAN_INTERFACE", name, vrfOf(in.Instance))
	for _, a := range in.Addrs {
		db.put("VLAN_INTERFACE", name+"|"+a.String(), row{})
	}
	return nil
}

// vrfOf is an L3 interface row: empty in the default instance, vrf_name
// otherwise.
func vrfOf(instance string) row {
	if instance == model.DefaultInstance {
		return row{}
	}
	return row{"vrf_name": platform.VRFName(model.PlatformSONiC, instance)}
}
