package driver

// The parts of NVUEOwned that server networks add (issue #11): bonds,
// SVIs and bridge ports among the interfaces, bridge domain br_default's
// VLANs, EVPN and the VXLAN tunnel, vrf default's DHCP relay, and the
// VRFs of server networks with their L3VNI and BGP instance.

import (
	"regexp"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/platform"
)

var (
	nvueBondName = platform.MustGet(model.PlatformNVUE).Servers.Bond.Pattern.MatchString
	nvueSVIName  = shMatch(`^vlan[0-9]{1,4}$`)
	nvueVLANKey  = shMatch(`^[0-9]{1,4}$`)
	// networkVRF is resolve's rule for a network's (VRF's) name, without
	// the names the platforms keep (mgmt, lo).
	networkVRF = regexp.MustCompile(`^[a-z][a-z0-9-]{0,14}$`)
)

// nvueInterface: the interfaces underlay renders, every one of its kind on
// the switch being underlay's.
func nvueInterface(s string) bool {
	return s == model.LoopbackName || nvueSwp(s) || nvueBondName(s) || nvueSVIName(s)
}

// nvueVRFName: a server network's VRF (vrf default is a field of its own).
func nvueVRFName(s string) bool {
	return networkVRF.MatchString(s) && s != "mgmt" && s != model.LoopbackName && s != model.DefaultInstance
}

var (
	// nvueVRFRef is an interface's ip vrf: only a server network's VRF
	// (an SVI's); a port in the management VRF stays refused.
	nvueVRFRef = &shape{Leaf: leafString, Valid: nvueVRFName, ValidDoc: "a server network's VRF"}
	nvueBond   = shObj(map[string]*shape{
		"member":      shSet("a swp port", nvueSwp),
		"mode":        shStr("lacp"),
		"lacp-bypass": shStr("on"),
	})
	// nvueBridgePort is a port's or bond's membership of br_default: an
	// access VLAN, or a trunk's VLANs with its native VLAN or none.
	nvueBridgePort = shObj(map[string]*shape{"domain": shObj(map[string]*shape{"br_default": shObj(map[string]*shape{
		"access":   shNum(),
		"untagged": shNumOr("none"),
		"vlan":     shSet("a VLAN ID", nvueVLANKey),
	})})})
	nvueBridge = shObj(map[string]*shape{"domain": shObj(map[string]*shape{"br_default": shObj(map[string]*shape{
		"vlan": shUnit(shSet("a VLAN ID", nvueVLANKey)),
	})})})
	nvueNVE = shObj(map[string]*shape{"vxlan": shObj(map[string]*shape{
		"enable": shUnit(shStr("on")),
		"source": shUnit(shObj(map[string]*shape{"address": shStr()})),
	})})
	// nvueService is vrf default's DHCP relay: servers, the interfaces it
	// listens on, the loopback as RFC 3527's gateway interface.
	nvueService = shObj(map[string]*shape{"dhcp-relay": shObj(map[string]*shape{"default": shUnit(shObj(map[string]*shape{
		"server":    shSet("an address", parsesAsAddr),
		"interface": shSet("a swp port or an SVI", func(s string) bool { return nvueSwp(s) || nvueSVIName(s) }),
		"gateway-interface": shEach("lo", func(s string) bool { return s == model.LoopbackName },
			shObj(map[string]*shape{"address": shStr()})),
	}))})})
	// nvueTenantVRF is a server network's VRF (one unit: the VRF is
	// underlay's): its L3VNI and a BGP instance of its own ASN and router
	// ID without neighbours, whose routes leave as EVPN type-5 routes.
	nvueTenantVRF = shObj(map[string]*shape{
		"evpn": shObj(map[string]*shape{"enable": shStr("on"), "vni": shSet("a VNI", nvueSeq)}),
		"router": shObj(map[string]*shape{"bgp": shObj(map[string]*shape{
			"enable":            shStr("on"),
			"autonomous-system": shNum(),
			"router-id":         shStr(),
			"path-selection": shObj(map[string]*shape{
				"routerid-compare": shStr("on"),
				"multipath":        shObj(map[string]*shape{"aspath-ignore": shStr("on")}),
			}),
			"address-family": shObj(map[string]*shape{"ipv4-unicast": nvueTenantFamily, "ipv6-unicast": nvueTenantFamily}),
		})}),
	})
	nvueTenantFamily = shObj(map[string]*shape{
		"enable":       shStr("on"),
		"network":      shSet("a prefix", parsesAsPrefix),
		"multipaths":   shObj(map[string]*shape{"ebgp": shNum()}),
		"route-export": shObj(map[string]*shape{"to-evpn": shObj(map[string]*shape{"enable": shStr("on")})}),
	})
)

// hasL3VNI: a VRF on the switch with an L3VNI (evpn vni) is underlay's.
func hasL3VNI(got any) bool {
	m, _ := got.(map[string]any)
	evpn, _ := m["evpn"].(map[string]any)
	vni, _ := evpn["vni"].(map[string]any)
	return len(vni) > 0
}
