// Package v1alpha1 holds the user-facing intent types of underlay: the
// Fabric document a network team keeps in Git.
//
// These are raw types: strings as the user wrote them. Package intent loads
// them strictly (unknown fields are errors with their line) and validates
// them; package resolve turns them into the typed model. The package also
// holds NetworkDevice, the Kubernetes resource the device agents report to.
//
// +groupName=underlay.dev
package v1alpha1

// APIVersion and Kind of the intent document.
const (
	APIVersion = "underlay.dev/v1alpha1"
	KindFabric = "Fabric"
	KindLock   = "FabricLock"
)

// Fabric is the whole intent of one leaf-spine fabric.
type Fabric struct {
	APIVersion string     `yaml:"apiVersion" json:"apiVersion"`
	Kind       string     `yaml:"kind" json:"kind"`
	Metadata   Metadata   `yaml:"metadata" json:"metadata"`
	Spec       FabricSpec `yaml:"spec" json:"spec"`
}

// Metadata names the fabric and the namespace its ConfigMaps go to.
type Metadata struct {
	Name string `yaml:"name" json:"name"`
	// Namespace of the rendered ConfigMaps; default "underlay-system".
	Namespace string `yaml:"namespace,omitempty" json:"namespace,omitempty"`
}

// FabricSpec is the fabric's intent.
type FabricSpec struct {
	Pools   Pools    `yaml:"pools,omitempty" json:"pools,omitempty"`
	BGP     BGP      `yaml:"bgp,omitempty" json:"bgp,omitempty"`
	Devices []Device `yaml:"devices" json:"devices"`
	Links   []Link   `yaml:"links,omitempty" json:"links,omitempty"`
	// Networks are the server networks (VLANs with a subnet per leaf) the
	// leaves carry: Ironic's lifecycle networks, tenant networks, plain
	// server networks.
	Networks []Network `yaml:"networks,omitempty" json:"networks,omitempty"`
	// Servers are the bare-metal servers attached to leaves.
	Servers []Server `yaml:"servers,omitempty" json:"servers,omitempty"`
	// Clusters are Kubernetes clusters whose nodes (servers) peer with
	// their leaves; underlay renders both sides of every session.
	Clusters []Cluster `yaml:"clusters,omitempty" json:"clusters,omitempty"`
	// Checks are routing expectations `underlay verify` proves.
	Checks []Check `yaml:"checks,omitempty" json:"checks,omitempty"`
	// Agent, when set, adds to every device's directory the resources its
	// underlay-agent needs: a DaemonSet pinned to the device's node, a
	// ServiceAccount whose Role reaches only the device's own ConfigMap and
	// NetworkDevice, and the NetworkDevice itself.
	Agent *Agent `yaml:"agent,omitempty" json:"agent,omitempty"`
}

// Agent configures the rendered agent workloads.
type Agent struct {
	// Image of underlay-agent.
	Image string `yaml:"image" json:"image"`
	// HealthTimeout in seconds; default 60.
	HealthTimeout int `yaml:"healthTimeout,omitempty" json:"healthTimeout,omitempty"`
}

// Check is a routing expectation proven before merge.
type Check struct {
	Name string `yaml:"name" json:"name"`
	// From is a device name or "role:<role>" (every device of that role).
	From string `yaml:"from" json:"from"`
	// To is a prefix or a device name (its loopbacks and subnets).
	To string `yaml:"to" json:"to"`
	// MinPaths is the least ECMP width accepted; default 1.
	MinPaths int `yaml:"minPaths,omitempty" json:"minPaths,omitempty"`
	// Expect is "reach" (default) or "isolated".
	Expect string `yaml:"expect,omitempty" json:"expect,omitempty"`
}

// Pools are the ranges values left open are allocated from.
type Pools struct {
	// ASN ranges per role, "first-last" (asplain or asdot).
	ASN ASNPools `yaml:"asn,omitempty" json:"asn,omitempty"`
	// Loopback pools hand out one /32 (/128) per device.
	LoopbackIPv4 string `yaml:"loopbackIPv4,omitempty" json:"loopbackIPv4,omitempty"`
	LoopbackIPv6 string `yaml:"loopbackIPv6,omitempty" json:"loopbackIPv6,omitempty"`
	// Link pools hand out one /31 (/127) per numbered link.
	LinkIPv4 string `yaml:"linkIPv4,omitempty" json:"linkIPv4,omitempty"`
	LinkIPv6 string `yaml:"linkIPv6,omitempty" json:"linkIPv6,omitempty"`
	// VLANs is the range "first-last" networks without a vlan get one
	// from; default "100-999".
	VLANs string `yaml:"vlans,omitempty" json:"vlans,omitempty"`
	// VNIs is the range the L3VNI of each VRF (isolation domain other
	// than default) comes from; default "10000-10999".
	VNIs string `yaml:"vnis,omitempty" json:"vnis,omitempty"`
}

// ASNPools holds one ASN range per role.
type ASNPools struct {
	Superspine string `yaml:"superspine,omitempty" json:"superspine,omitempty"`
	Spine      string `yaml:"spine,omitempty" json:"spine,omitempty"`
	Leaf       string `yaml:"leaf,omitempty" json:"leaf,omitempty"`
	Host       string `yaml:"host,omitempty" json:"host,omitempty"`
}

// BGP holds fabric-wide BGP settings; devices may override some of them.
type BGP struct {
	// MultipathRelax lets ECMP span paths through different neighbour ASNs;
	// default true.
	MultipathRelax *bool `yaml:"multipathRelax,omitempty" json:"multipathRelax,omitempty"`
	// MaximumPaths is the ECMP width; default 64.
	MaximumPaths int `yaml:"maximumPaths,omitempty" json:"maximumPaths,omitempty"`
	// Timers in seconds; default keepalive 3, hold 9 (data-centre values).
	Timers *Timers `yaml:"timers,omitempty" json:"timers,omitempty"`
	// SharedSpineASN gives all spines of a pod one ASN (RFC 7938 §5.2.1);
	// default true. Superspines always share one ASN.
	SharedSpineASN *bool `yaml:"sharedSpineASN,omitempty" json:"sharedSpineASN,omitempty"`
	// Unnumbered makes links BGP unnumbered (IPv6 link-local, extended next
	// hop) unless a device or link says otherwise; default false.
	Unnumbered bool `yaml:"unnumbered,omitempty" json:"unnumbered,omitempty"`
}

// Timers are BGP keepalive and hold times in seconds.
type Timers struct {
	Keepalive int `yaml:"keepalive" json:"keepalive"`
	Hold      int `yaml:"hold" json:"hold"`
}

// Device is one switch or host.
type Device struct {
	Name     string `yaml:"name" json:"name"`
	Role     string `yaml:"role" json:"role"`
	Platform string `yaml:"platform" json:"platform"`
	// Pod is the 5-stage pod of a spine or leaf (1-based); omit in 3-stage.
	Pod int `yaml:"pod,omitempty" json:"pod,omitempty"`
	// ASN is allocated from the role's pool when empty.
	ASN string `yaml:"asn,omitempty" json:"asn,omitempty"`
	// Loopbacks are host addresses (/32, /128); the first IPv4 one is the
	// router ID. Families left out are allocated when a pool exists.
	Loopbacks []string `yaml:"loopbacks,omitempty" json:"loopbacks,omitempty"`
	// Subnets are server subnets a leaf announces.
	Subnets []Subnet `yaml:"subnets,omitempty" json:"subnets,omitempty"`
	// MTU of this device's links unless the link sets one.
	MTU int `yaml:"mtu,omitempty" json:"mtu,omitempty"`
	// Unnumbered overrides spec.bgp.unnumbered for this device's links.
	Unnumbered *bool `yaml:"unnumbered,omitempty" json:"unnumbered,omitempty"`
	// BGP overrides fabric-wide settings on this device.
	BGP *DeviceBGP `yaml:"bgp,omitempty" json:"bgp,omitempty"`
	// Sonic holds hardware values for SONiC's DEVICE_METADATA.
	Sonic *Sonic `yaml:"sonic,omitempty" json:"sonic,omitempty"`
	// Peers are BGP neighbours that are not fabric devices (a firewall, a
	// router outside the fabric); only leaves have them.
	Peers []Peer `yaml:"peers,omitempty" json:"peers,omitempty"`
	// Groups are neighbours that open sessions from a listen range (FRR's
	// peer group with `bgp listen range`), such as Kubernetes nodes; only
	// leaves have them.
	Groups []PeerGroup `yaml:"groups,omitempty" json:"groups,omitempty"`
}

// Peer is one BGP neighbour outside the fabric. It peers with Address
// (numbered: inside a subnet on one of the device's ports) or over
// Interface (unnumbered: a port no link or subnet uses), never both.
type Peer struct {
	// Name is [a-z0-9][a-z0-9-]*, at most 32 characters, unique among the
	// device's peers and groups; the policies are UNDERLAY-IMPORT-<name>
	// and UNDERLAY-EXPORT-<name>.
	Name string `yaml:"name" json:"name"`
	// ASN is asplain or asdot.
	ASN       string `yaml:"asn" json:"asn"`
	Address   string `yaml:"address,omitempty" json:"address,omitempty"`
	Interface string `yaml:"interface,omitempty" json:"interface,omitempty"`
	// Announces is what the neighbour originates; verify treats it as a
	// stub announcing exactly these.
	Announces []string `yaml:"announces,omitempty" json:"announces,omitempty"`
	// Accept are the import rules; default: exactly Announces.
	Accept []PrefixRule `yaml:"accept,omitempty" json:"accept,omitempty"`
	// Advertise are the export rules; default: the fabric's loopback
	// pools (le /32, /128) and every prefix a device originates outside
	// them (exact).
	Advertise []PrefixRule `yaml:"advertise,omitempty" json:"advertise,omitempty"`
}

// PeerGroup is a set of neighbours that open sessions from Listen and
// share settings.
type PeerGroup struct {
	// Name is named as a Peer is, and must not look like a port name or an
	// address: FRR reads `neighbor <name>` as either.
	Name string `yaml:"name" json:"name"`
	// ASN is asplain, asdot or "external" (any ASN but the device's own).
	ASN string `yaml:"asn" json:"asn"`
	// Listen are the ranges members connect from; each lies inside a
	// subnet on one of the device's ports.
	Listen []string `yaml:"listen" json:"listen"`
	// ListenLimit caps the members that may connect (1-65535); default:
	// FRR's.
	ListenLimit int `yaml:"listenLimit,omitempty" json:"listenLimit,omitempty"`
	// MaxPrefixes caps the prefixes accepted from each member
	// (1-4294967295); default: no limit.
	MaxPrefixes int          `yaml:"maxPrefixes,omitempty" json:"maxPrefixes,omitempty"`
	Announces   []string     `yaml:"announces,omitempty" json:"announces,omitempty"`
	Accept      []PrefixRule `yaml:"accept,omitempty" json:"accept,omitempty"`
	Advertise   []PrefixRule `yaml:"advertise,omitempty" json:"advertise,omitempty"`
}

// PrefixRule matches Prefix exactly, or with Ge and/or Le every prefix
// inside it whose length is in range, as FRR's prefix-list does:
// length(Prefix) <= ge <= le <= 32 (128); ge alone reaches 32 (128), le
// alone starts at Prefix's length.
type PrefixRule struct {
	Prefix string `yaml:"prefix" json:"prefix"`
	Ge     int    `yaml:"ge,omitempty" json:"ge,omitempty"`
	Le     int    `yaml:"le,omitempty" json:"le,omitempty"`
}

// DeviceBGP are per-device BGP overrides.
type DeviceBGP struct {
	MaximumPaths int     `yaml:"maximumPaths,omitempty" json:"maximumPaths,omitempty"`
	Timers       *Timers `yaml:"timers,omitempty" json:"timers,omitempty"`
}

// Sonic are hardware values SONiC needs in DEVICE_METADATA.
type Sonic struct {
	HWSKU    string `yaml:"hwsku,omitempty" json:"hwsku,omitempty"`
	Platform string `yaml:"platform,omitempty" json:"platform,omitempty"`
	MAC      string `yaml:"mac,omitempty" json:"mac,omitempty"`
	// RoutingMode is DEVICE_METADATA docker_routing_config_mode: "unified"
	// (bgpcfgd renders BGP_NEIGHBOR) or "split" (underlay's frr.conf). By
	// default underlay picks unified when bgpcfgd's templates run the
	// device exactly as underlay's frr.conf would (resolve.SONiCSplitReason);
	// a pinned unified that cannot is a validation error.
	// Pin it: changing it on a running switch restarts the bgp container,
	// which resets every session.
	RoutingMode string `yaml:"routingMode,omitempty" json:"routingMode,omitempty"`
}

// Subnet is a server subnet announced by a leaf.
type Subnet struct {
	Prefix string `yaml:"prefix" json:"prefix"`
	// Port holds the gateway (first address of the subnet). Without it the
	// subnet is announced as an aggregate anchored by a blackhole route.
	Port string `yaml:"port,omitempty" json:"port,omitempty"`
}

// Link connects two ports. In YAML a link is either the string
// "leaf1:swp1 -- spine:Ethernet0" or a map with that string as endpoints.
type Link struct {
	Endpoints  string `yaml:"endpoints" json:"endpoints"`
	Unnumbered *bool  `yaml:"unnumbered,omitempty" json:"unnumbered,omitempty"`
	MTU        int    `yaml:"mtu,omitempty" json:"mtu,omitempty"`
	// IPv4 and IPv6 pin the link's /31 and /127; the first endpoint takes
	// the lower address.
	IPv4 string `yaml:"ipv4,omitempty" json:"ipv4,omitempty"`
	IPv6 string `yaml:"ipv6,omitempty" json:"ipv6,omitempty"`
}

// Network is one server network: a VLAN on the leaves that carry it, with
// a subnet of its own on each of them (a routed fabric: each rack has its
// own subnet, the gateway on the leaf's SVI).
type Network struct {
	// Name is [a-z][a-z0-9-]*, at most 15 characters: it may name a VRF.
	Name string `yaml:"name" json:"name"`
	// Kind is provisioning, cleaning, inspection or rescuing (Ironic's
	// lifecycle networks), tenant, or servers (the default).
	Kind string `yaml:"kind,omitempty" json:"kind,omitempty"`
	// VLAN (1-4094) is allocated from spec.pools.vlans when 0.
	VLAN int `yaml:"vlan,omitempty" json:"vlan,omitempty"`
	// VRF is the network's isolation domain: "default" unless the network
	// is a tenant network, whose default is its own name. Lifecycle and
	// tenant networks never share one.
	VRF string `yaml:"vrf,omitempty" json:"vrf,omitempty"`
	// Pool is carved into one subnet per leaf of PrefixLength (default
	// 24, or 64 for IPv6) where Subnets sets none.
	Pool         string `yaml:"pool,omitempty" json:"pool,omitempty"`
	PrefixLength int    `yaml:"prefixLength,omitempty" json:"prefixLength,omitempty"`
	// PoolV6 makes the network dual-stack: each of its leaves gets an
	// IPv6 subnet of PrefixLengthV6 (default 64) from it besides its IPv4
	// one (Pool is then IPv4), the gateway on the same SVI; kept in the
	// lock file's networkSubnetsV6. Subnets may pin a leaf's IPv6 subnet
	// beside its IPv4 one.
	PoolV6         string `yaml:"poolV6,omitempty" json:"poolV6,omitempty"`
	PrefixLengthV6 int    `yaml:"prefixLengthV6,omitempty" json:"prefixLengthV6,omitempty"`
	// Subnets pin a leaf's subnet.
	Subnets []NetworkSubnet `yaml:"subnets,omitempty" json:"subnets,omitempty"`
	// Leaves carry the network; default: every leaf a server is attached
	// to, and the leaves of Subnets. Listing them keeps a leaf's SVI when
	// its last server leaves the network.
	Leaves []string `yaml:"leaves,omitempty" json:"leaves,omitempty"`
	// Relay are the DHCP servers (Ironic's PXE dnsmasq) the leaves relay
	// the network's DHCP to; only in vrf default.
	Relay []string `yaml:"relay,omitempty" json:"relay,omitempty"`
}

// NetworkSubnet pins one leaf's subnet of a network.
type NetworkSubnet struct {
	Leaf   string `yaml:"leaf" json:"leaf"`
	Prefix string `yaml:"prefix" json:"prefix"`
}

// Server is one bare-metal server on one leaf.
type Server struct {
	// Name is [a-z0-9][a-z0-9-]*, at most 63 characters.
	Name string `yaml:"name" json:"name"`
	Leaf string `yaml:"leaf" json:"leaf"`
	// Ports are the leaf's ports the server is cabled to: one, or several
	// forming an LACP bond (all on this leaf: multi-chassis bonds are out
	// of scope).
	Ports []string `yaml:"ports" json:"ports"`
	// Bond names the bond of several ports; default from the first port as
	// the platform names bonds (swp5: bond5, Ethernet8: PortChannel8).
	Bond string `yaml:"bond,omitempty" json:"bond,omitempty"`
	// LACPBypass lets one member forward before the server speaks LACP,
	// which PXE needs; default true.
	LACPBypass *bool `yaml:"lacpBypass,omitempty" json:"lacpBypass,omitempty"`
	// MTU of the server's ports; default the platform's.
	MTU int `yaml:"mtu,omitempty" json:"mtu,omitempty"`
	// Untagged is the network the server's ports carry untagged (access,
	// or the native VLAN of a trunk).
	Untagged string `yaml:"untagged,omitempty" json:"untagged,omitempty"`
	// Tagged are the networks carried tagged.
	Tagged []string `yaml:"tagged,omitempty" json:"tagged,omitempty"`
}

// Lock records every allocated value so that no later change renumbers.
type Lock struct {
	APIVersion string `yaml:"apiVersion" json:"apiVersion"`
	Kind       string `yaml:"kind" json:"kind"`
	// ASNs by ASN group: a device name, "superspine", or "spine" /
	// "spine@pod<N>" when spines share an ASN.
	ASNs         map[string]uint32 `yaml:"asns,omitempty" json:"asns,omitempty"`
	LoopbackIPv4 map[string]string `yaml:"loopbackIPv4,omitempty" json:"loopbackIPv4,omitempty"`
	LoopbackIPv6 map[string]string `yaml:"loopbackIPv6,omitempty" json:"loopbackIPv6,omitempty"`
	// Link prefixes by link key "a:port--b:port" (endpoints sorted).
	LinkIPv4 map[string]string `yaml:"linkIPv4,omitempty" json:"linkIPv4,omitempty"`
	LinkIPv6 map[string]string `yaml:"linkIPv6,omitempty" json:"linkIPv6,omitempty"`
	// VLANs of networks, by network name.
	VLANs map[string]uint32 `yaml:"vlans,omitempty" json:"vlans,omitempty"`
	// NetworkSubnets by "network/leaf".
	NetworkSubnets map[string]string `yaml:"networkSubnets,omitempty" json:"networkSubnets,omitempty"`
	// NetworkSubnetsV6 are dual-stack networks' IPv6 subnets (poolV6), by
	// "network/leaf".
	NetworkSubnetsV6 map[string]string `yaml:"networkSubnetsV6,omitempty" json:"networkSubnetsV6,omitempty"`
	// VNIs and VRFVLANs of VRFs (L3VNI and the VLAN it maps to), by VRF.
	VNIs     map[string]uint32 `yaml:"vnis,omitempty" json:"vnis,omitempty"`
	VRFVLANs map[string]uint32 `yaml:"vrfVLANs,omitempty" json:"vrfVLANs,omitempty"`
	// NodeASNs of clusters with an AS per node, by "cluster/node".
	NodeASNs map[string]uint32 `yaml:"nodeASNs,omitempty" json:"nodeASNs,omitempty"`
}
