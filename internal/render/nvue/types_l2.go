package nvue

// The NVUE objects of server networks: bonds, the bridge and its ports,
// the VXLAN tunnel source of EVPN, and the DHCP relay service.

type bond struct {
	Member     map[string]empty `json:"member"`
	Mode       string           `json:"mode"`
	LACPBypass string           `json:"lacp-bypass,omitempty"`
}

// portBridge is an interface's membership of bridge domains.
type portBridge struct {
	Domain map[string]*bridgePort `json:"domain"`
}

// bridgePort is an access port (Access) or a trunk: its VLANs, and
// Untagged its native VLAN or "none".
type bridgePort struct {
	Access   int              `json:"access,omitempty"`
	Untagged any              `json:"untagged,omitempty"`
	VLAN     map[string]empty `json:"vlan,omitempty"`
}

type bridge struct {
	Domain map[string]*bridgeDomain `json:"domain"`
}

type bridgeDomain struct {
	VLAN map[string]empty `json:"vlan"`
}

type nve struct {
	VXLAN *vxlan `json:"vxlan"`
}

type vxlan struct {
	Enable string       `json:"enable"`
	Source *vxlanSource `json:"source"`
}

type vxlanSource struct {
	Address string `json:"address"`
}

type service struct {
	DHCPRelay map[string]*dhcpRelay `json:"dhcp-relay"`
}

// dhcpRelay is one VRF's IPv4 relay (Cumulus Linux 5.5-5.13: servers and
// interfaces without server groups, gateway-interface since 5.5).
type dhcpRelay struct {
	Server           map[string]empty             `json:"server"`
	Interface        map[string]empty             `json:"interface"`
	GatewayInterface map[string]*gatewayInterface `json:"gateway-interface,omitempty"`
}

type gatewayInterface struct {
	Address string `json:"address,omitempty"`
}
