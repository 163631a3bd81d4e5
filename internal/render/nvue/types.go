package nvue

// The NVUE object model, limited to what underlay renders. Field names and
// nesting follow NVIDIA's NVUE reference (nv set ... commands map 1:1 to
// this tree). Empty maps render as {} because NVUE keys such as addresses
// are themselves the values.

type empty struct{}

type root struct {
	System    *system           `json:"system,omitempty"`
	Interface map[string]*iface `json:"interface,omitempty"`
	Bridge    *bridge           `json:"bridge,omitempty"`
	EVPN      *enable           `json:"evpn,omitempty"`
	NVE       *nve              `json:"nve,omitempty"`
	Router    *router           `json:"router,omitempty"`
	Service   *service          `json:"service,omitempty"`
	VRF       map[string]*vrf   `json:"vrf,omitempty"`
}

// enable is NVUE's `enable: on` of a feature.
type enable struct {
	Enable string `json:"enable"`
}

var on = &enable{Enable: "on"}

type system struct {
	Hostname string `json:"hostname"`
}

type iface struct {
	Type   string      `json:"type"`
	Bond   *bond       `json:"bond,omitempty"`
	Bridge *portBridge `json:"bridge,omitempty"`
	Link   *link       `json:"link,omitempty"`
	IP     *ifaceIP    `json:"ip,omitempty"`
	VLAN   int         `json:"vlan,omitempty"` // an SVI's VLAN
}

type link struct {
	MTU int `json:"mtu,omitempty"`
}

type ifaceIP struct {
	Address map[string]empty `json:"address,omitempty"`
	VRF     string           `json:"vrf,omitempty"` // unset: the default VRF
}

type router struct {
	BGP    *globalBGP `json:"bgp,omitempty"`
	Policy *policy    `json:"policy,omitempty"`
}

type globalBGP struct {
	Enable           string `json:"enable"`
	AutonomousSystem uint32 `json:"autonomous-system"`
	RouterID         string `json:"router-id"`
}

type policy struct {
	PrefixList map[string]*prefixList `json:"prefix-list,omitempty"`
	RouteMap   map[string]*routeMap   `json:"route-map,omitempty"`
}

type prefixList struct {
	Type string                     `json:"type"`
	Rule map[string]*prefixListRule `json:"rule"`
}

type prefixListRule struct {
	Action string                      `json:"action"`
	Match  map[string]*prefixListMatch `json:"match"`
}

type prefixListMatch struct {
	MinPrefixLen int `json:"min-prefix-len,omitempty"`
	MaxPrefixLen int `json:"max-prefix-len,omitempty"`
}

type routeMap struct {
	Rule map[string]*routeMapRule `json:"rule"`
}

type routeMapRule struct {
	Match  *routeMapMatch   `json:"match,omitempty"`
	Action map[string]empty `json:"action"`
}

type routeMapMatch struct {
	Type         string `json:"type"`
	IPPrefixList string `json:"ip-prefix-list"`
}

type vrf struct {
	EVPN   *vrfEVPN   `json:"evpn,omitempty"`
	Router *vrfRouter `json:"router"`
}

// vrfEVPN maps a VRF to its L3VNI (NVUE picks the VLAN from its
// reserved range itself).
type vrfEVPN struct {
	Enable string           `json:"enable"`
	VNI    map[string]empty `json:"vni"`
}

type vrfRouter struct {
	BGP    *vrfBGP                 `json:"bgp,omitempty"`
	Static map[string]*staticRoute `json:"static,omitempty"`
}

type staticRoute struct {
	Via map[string]*staticVia `json:"via"`
}

type staticVia struct {
	Type string `json:"type"`
}

type vrfBGP struct {
	Enable string `json:"enable"`
	// AutonomousSystem and RouterID are set in a VRF other than default,
	// which takes the global router bgp's otherwise.
	AutonomousSystem uint32            `json:"autonomous-system,omitempty"`
	RouterID         string            `json:"router-id,omitempty"`
	PathSelection    *pathSelection    `json:"path-selection,omitempty"`
	AddressFamily    map[string]*vrfAF `json:"address-family"`
	// Neighbor is Cumulus Linux 5.3+'s name; 5.0-5.2 called it peer.
	Neighbor        map[string]*peer      `json:"neighbor,omitempty"`
	PeerGroup       map[string]*peerGroup `json:"peer-group,omitempty"`
	DynamicNeighbor *dynamicNeighbor      `json:"dynamic-neighbor,omitempty"`
}

// peerGroup is NVUE's peer group; RemoteAS is a number, "external" or
// "internal". BFD and GracefulRestart are a cluster's (options.go).
type peerGroup struct {
	RemoteAS        any                `json:"remote-as"`
	Description     string             `json:"description,omitempty"`
	Timers          *timers            `json:"timers,omitempty"`
	BFD             *enable            `json:"bfd,omitempty"`
	GracefulRestart *gracefulRestart   `json:"graceful-restart,omitempty"`
	AddressFamily   map[string]*peerAF `json:"address-family"`
}

// dynamicNeighbor is the VRF's listen ranges (Cumulus Linux 5.3+), each
// naming its peer group, and their common limit (0: NVUE's default).
type dynamicNeighbor struct {
	Limit       int                     `json:"limit,omitempty"`
	ListenRange map[string]*listenRange `json:"listen-range"`
}

type listenRange struct {
	PeerGroup string `json:"peer-group"`
}

type pathSelection struct {
	RouterIDCompare string     `json:"routerid-compare"`
	Multipath       *multipath `json:"multipath,omitempty"`
}

type multipath struct {
	ASPathIgnore string `json:"aspath-ignore"`
}

type vrfAF struct {
	Enable     string           `json:"enable"`
	Network    map[string]empty `json:"network,omitempty"`
	Multipaths *multipaths      `json:"multipaths,omitempty"`
	// RouteExport exports a VRF's routes as EVPN type-5 routes.
	RouteExport *routeExport `json:"route-export,omitempty"`
}

type routeExport struct {
	ToEVPN *enable `json:"to-evpn"`
}

// multipaths: IBGP is set where a cluster's iBGP members announce
// service addresses, which are then as wide as eBGP ones.
type multipaths struct {
	EBGP int `json:"ebgp"`
	IBGP int `json:"ibgp,omitempty"`
}

// peer is a neighbor; RemoteAS is a number or "internal".
type peer struct {
	Type            string             `json:"type"`
	RemoteAS        any                `json:"remote-as"`
	Description     string             `json:"description,omitempty"`
	Timers          *timers            `json:"timers,omitempty"`
	BFD             *enable            `json:"bfd,omitempty"`
	GracefulRestart *gracefulRestart   `json:"graceful-restart,omitempty"`
	AddressFamily   map[string]*peerAF `json:"address-family"`
}

// gracefulRestart is a session's mode: helper-only, FRR's `neighbor X
// graceful-restart-helper` (options.go says why not full).
type gracefulRestart struct {
	Mode string `json:"mode"`
}

type timers struct {
	Keepalive int `json:"keepalive"`
	Hold      int `json:"hold"`
}

// peerAF: the members after PrefixLimits are a cluster's (options.go).
type peerAF struct {
	Enable                  string        `json:"enable"`
	Policy                  *peerPolicy   `json:"policy,omitempty"`
	PrefixLimits            *prefixLimits `json:"prefix-limits,omitempty"`
	RouteReflectorClient    string        `json:"route-reflector-client,omitempty"`
	NexthopSetting          string        `json:"nexthop-setting,omitempty"`
	ASPath                  *peerASPath   `json:"aspath,omitempty"`
	DefaultRouteOrigination *enable       `json:"default-route-origination,omitempty"`
}

// peerASPath: replace-peer-as is NVUE's as-override.
type peerASPath struct {
	ReplacePeerAS string `json:"replace-peer-as"`
}

type prefixLimits struct {
	Inbound *prefixLimit `json:"inbound"`
}

type prefixLimit struct {
	Maximum int `json:"maximum"`
}

type peerPolicy struct {
	Inbound  *routeMapRef `json:"inbound,omitempty"`
	Outbound *routeMapRef `json:"outbound,omitempty"`
}

type routeMapRef struct {
	RouteMap string `json:"route-map"`
}
