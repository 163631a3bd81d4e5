package resolve

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/ipam"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/platform"
)

// Default pools of the server networks.
const (
	DefaultVLANPool = "100-999"
	DefaultVNIPool  = "10000-10999"
)

// networkName: a network may name its VRF, and Linux caps interface (VRF)
// names at 15 characters.
var networkName = regexp.MustCompile(`^[a-z][a-z0-9-]{0,14}$`)

// reservedVRFs are VRF names the platforms keep for themselves.
var reservedVRFs = map[string]string{"mgmt": "Cumulus Linux' management VRF", "lo": "the loopback",
	"bridge": "the VLAN-aware bridge", "br_default": "NVUE's bridge"}

// vrfLikeInterface reports a VRF name that is also an interface's: the
// kernel has one namespace of interface names, shared by ports, bonds,
// SVIs, VXLAN devices and VRFs.
func vrfLikeInterface(name string) bool {
	for _, d := range platform.All() {
		if d.Servers != nil && d.Ports.Valid(name) { // a leaf platform's port
			return true
		}
	}
	return interfaceLike.MatchString(name) || vxlanLike.MatchString(name)
}

var vxlanLike = regexp.MustCompile(`^vxlan[0-9]*$`)

// network is a server network being resolved.
type network struct {
	m    *model.Network
	in   *v1alpha1.Network
	path *field.Path
	// pool carves per-leaf subnets; nil when only Subnets give them.
	pool *ipam.PrefixPool
	// pool6 carves a dual-stack network's IPv6 subnets (poolV6).
	pool6 *ipam.PrefixPool
	// explicit are the pinned subnets by leaf, with where each is set.
	explicit     map[*device]netip.Prefix
	explicitPath map[*device]*field.Path
	pinned       []*device // explicit's leaves, in intent order
	// explicit6, explicitPath6 and pinned6: a dual-stack network's
	// pinned IPv6 subnets, likewise.
	explicit6     map[*device]netip.Prefix
	explicitPath6 map[*device]*field.Path
	pinned6       []*device
	// leaves carry the network; listed says the intent named them.
	leaves []*device
	listed bool
	broken bool
	// vrfPath is where the VRF's name comes from: vrf, or a tenant
	// network's name.
	vrfPath *field.Path
	badVRF  bool // the VRF's name is refused: no rule about the VRF applies
}

// networks checks spec.networks. Subnets, VLANs and VNIs are allocated
// later, with everything else.
func (r *resolver) networks() {
	list := field.NewPath("spec", "networks")
	seen := map[string]*field.Path{}
	for i := range r.in.Spec.Networks {
		in := &r.in.Spec.Networks[i]
		p := list.Index(i)
		if in.Name != "" {
			p = list.Key(in.Name)
		}
		n := &network{in: in, path: p, m: &model.Network{Name: in.Name, VLAN: in.VLAN},
			explicit: map[*device]netip.Prefix{}, explicitPath: map[*device]*field.Path{},
			explicit6: map[*device]netip.Prefix{}, explicitPath6: map[*device]*field.Path{}}
		if !networkName.MatchString(in.Name) {
			r.errs = append(r.errs, field.Invalid(p.Child("name"), in.Name,
				"a network name is 1-15 of a-z, 0-9 and '-', starting with a letter (it may name a VRF)"))
			continue
		}
		if first, dup := seen[in.Name]; dup {
			r.errs = append(r.errs, field.Duplicate(p.Child("name"), fmt.Sprintf("%s (also at %s)", in.Name, first)))
			continue
		}
		seen[in.Name] = p
		r.networkKind(n)
		r.networkVLAN(n)
		r.networkPool(n)
		r.networkRelay(n)
		r.networkSubnets(n)
		r.networkPoolV6(n)
		r.networkLeaves(n)
		r.nets = append(r.nets, n)
		r.netByName[in.Name] = n
	}
	r.checkDomains()
	r.checkNetworkPools()
}

func (r *resolver) networkKind(n *network) {
	n.m.Kind = model.NetworkKind(n.in.Kind)
	if n.in.Kind == "" {
		n.m.Kind = model.NetworkServers
	}
	if !n.m.Kind.IsValid() {
		var kinds []string
		for _, k := range model.NetworkKinds {
			kinds = append(kinds, string(k))
		}
		r.errs = append(r.errs, field.NotSupported(n.path.Child("kind"), n.in.Kind, kinds))
		n.broken = true
	}
	r.networkVRF(n)
}

// networkVRF settles the network's VRF: vrf, or for a tenant network its
// own name (checked as a VRF name too, on the network's name), or default.
func (r *resolver) networkVRF(n *network) {
	n.m.VRF, n.vrfPath = n.in.VRF, n.path.Child("vrf")
	implicit := n.m.VRF == "" && n.m.Kind == model.NetworkTenant
	switch {
	case implicit:
		n.m.VRF, n.vrfPath = n.m.Name, n.path.Child("name")
	case n.m.VRF == "":
		n.m.VRF = model.DefaultInstance
	}
	if n.m.VRF == model.DefaultInstance && !implicit {
		return
	}
	why := ""
	switch {
	case n.m.VRF == model.DefaultInstance:
		why = "that is the default table, not a VRF of its own"
	case reservedVRFs[n.m.VRF] != "":
		why = "it is reserved for " + reservedVRFs[n.m.VRF]
	case !networkName.MatchString(n.m.VRF):
		why = "a VRF name is 1-15 of a-z, 0-9 and '-', starting with a letter (Linux caps VRF device names at 15)"
	case vrfLikeInterface(n.m.VRF):
		why = "it looks like an interface name (a port, bond, SVI or VXLAN device), which a VRF device cannot share"
	default:
		return
	}
	if implicit {
		why = fmt.Sprintf("a tenant network routes in a VRF of its name, and %s: name the network otherwise, or set vrf", why)
	} else {
		why += "; pick another name"
	}
	r.errs = append(r.errs, field.Invalid(n.vrfPath, n.m.VRF, why))
	n.broken, n.badVRF = true, true
}

// networkVLAN checks an explicit VLAN; the platforms' reserved ranges are
// checked once the leaves are known (checkReservedVLANs).
func (r *resolver) networkVLAN(n *network) {
	if n.in.VLAN == 0 {
		return
	}
	if n.in.VLAN < 1 || n.in.VLAN > 4094 {
		r.errs = append(r.errs, field.Invalid(n.path.Child("vlan"), n.in.VLAN, "a VLAN is 1-4094"))
		n.broken = true
	}
}

func (r *resolver) networkPool(n *network) {
	if n.in.Pool == "" {
		if n.in.PrefixLength != 0 {
			r.errs = append(r.errs, field.Forbidden(n.path.Child("prefixLength"), "is the length of subnets carved from pool: set pool too"))
		}
		return
	}
	pfx, err := netip.ParsePrefix(n.in.Pool)
	switch {
	case err != nil:
		r.errs = append(r.errs, field.Invalid(n.path.Child("pool"), n.in.Pool, "not a prefix: want e.g. 10.10.0.0/16"))
	case pfx.Masked() != pfx:
		r.errs = append(r.errs, field.Invalid(n.path.Child("pool"), n.in.Pool, fmt.Sprintf("host bits are set; did you mean %s?", pfx.Masked())))
	case r.subnetInPool(n.path.Child("pool"), pfx):
	default:
		bits := n.in.PrefixLength
		if bits == 0 {
			bits = map[bool]int{true: 24, false: 64}[pfx.Addr().Is4()]
		}
		if bits < pfx.Bits() || bits > pfx.Addr().BitLen()-2 {
			r.errs = append(r.errs, field.Invalid(n.path.Child("prefixLength"), bits, fmt.Sprintf(
				"subnets carved from %s are /%d to /%d (room for hosts)", pfx, pfx.Bits(), pfx.Addr().BitLen()-2)))
			break
		}
		n.pool = &ipam.PrefixPool{Prefix: pfx, Bits: bits}
		return
	}
	n.broken = true
}

func (r *resolver) networkRelay(n *network) {
	for i, s := range n.in.Relay {
		p := n.path.Child("relay").Index(i)
		a, err := netip.ParseAddr(s)
		switch {
		case err != nil || !a.Is4() || a.Zone() != "":
			r.errs = append(r.errs, field.Invalid(p, s, "a DHCP server's IPv4 address, e.g. 10.0.0.50 (DHCPv6 relay is not supported)"))
		case !a.IsGlobalUnicast() && !a.IsPrivate():
			r.errs = append(r.errs, field.Invalid(p, s, "not a unicast address a DHCP server can have"))
		case slices.Contains(n.m.Relay, a):
			r.errs = append(r.errs, field.Duplicate(p, s))
		default:
			n.m.Relay = append(n.m.Relay, a)
			continue
		}
		n.broken = true
	}
	if len(n.m.Relay) > 0 && n.m.VRF != model.DefaultInstance {
		r.errs = append(r.errs, field.Forbidden(n.path.Child("relay"), fmt.Sprintf(
			"DHCP relay runs in vrf default only, and this network is in vrf %s: put it in vrf default (a lifecycle network belongs there), or drop relay", n.m.VRF)))
		n.broken = true
	}
	slices.SortFunc(n.m.Relay, func(a, b netip.Addr) int { return a.Compare(b) })
}

// leafFor returns the leaf named at p, or records why it is not one.
func (r *resolver) leafFor(name string, p *field.Path, what string) *device {
	d := r.devs[name]
	switch {
	case d == nil:
		r.errs = append(r.errs, field.NotFound(p, name))
	case d.m.Role != model.RoleLeaf:
		r.errs = append(r.errs, field.Invalid(p, name, fmt.Sprintf("%s attach to leaves only; %s is a %s", what, name, d.m.Role)))
	case serversOf(d) == nil:
		r.errs = append(r.errs, field.Invalid(p, name, fmt.Sprintf("%s cannot attach to a %s leaf", what, d.m.Platform)))
	case d.broken:
		return nil
	default:
		return d
	}
	return nil
}

// serversOf returns how d's platform attaches servers, or nil.
func serversOf(d *device) *platform.Servers {
	desc, err := platform.Get(d.m.Platform)
	if err != nil {
		return nil
	}
	return desc.Servers
}
