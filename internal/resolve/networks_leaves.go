package resolve

import (
	"fmt"
	"net/netip"
	"sort"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/platform"
)

func (r *resolver) networkSubnets(n *network) {
	for i, sn := range n.in.Subnets {
		p := n.path.Child("subnets").Index(i)
		d := r.leafFor(sn.Leaf, p.Child("leaf"), "networks")
		pfx, err := netip.ParsePrefix(sn.Prefix)
		switch {
		case err != nil:
			r.errs = append(r.errs, field.Invalid(p.Child("prefix"), sn.Prefix, "not a prefix: want e.g. 10.10.1.0/24"))
		case pfx.Masked() != pfx:
			r.errs = append(r.errs, field.Invalid(p.Child("prefix"), sn.Prefix, fmt.Sprintf("host bits are set; did you mean %s?", pfx.Masked())))
		case pfx.Bits() > pfx.Addr().BitLen()-2:
			r.errs = append(r.errs, field.Invalid(p.Child("prefix"), sn.Prefix, "a network's subnet needs room for a gateway and hosts: /30 (/126) or larger"))
		case r.subnetInPool(p.Child("prefix"), pfx):
		case n.in.PoolV6 != "" && pfx.Addr().Is6(): // a dual-stack network's IPv6 side
			if r.pinV6(n, d, pfx, p) {
				continue
			}
		case n.pool != nil && n.pool.Prefix.Overlaps(pfx) && pfx.Bits() != n.pool.Bits:
			// A block of another size would straddle the pool's slots.
			r.errs = append(r.errs, field.Invalid(p.Child("prefix"), sn.Prefix, fmt.Sprintf(
				"lies in the network's pool %s but is not one of its /%d blocks: pin a /%d, or move the subnet out of the pool",
				n.pool.Prefix, n.pool.Bits, n.pool.Bits)))
		case d == nil:
		case n.explicitPath[d] != nil:
			r.errs = append(r.errs, field.Duplicate(p.Child("leaf"), fmt.Sprintf("%s (its subnet is already set at %s)", sn.Leaf, n.explicitPath[d])))
		default:
			n.explicit[d], n.explicitPath[d] = pfx, p.Child("prefix")
			n.pinned = append(n.pinned, d)
			continue
		}
		n.broken = true
	}
}

// networkLeaves reads the leaves the intent lists; settleLeaves adds the
// default ones once the servers are known.
func (r *resolver) networkLeaves(n *network) {
	seen := map[*device]bool{}
	for i, name := range n.in.Leaves {
		p := n.path.Child("leaves").Index(i)
		d := r.leafFor(name, p, "networks")
		switch {
		case d == nil:
			n.broken = true
		case seen[d]:
			r.errs = append(r.errs, field.Duplicate(p, name))
		default:
			seen[d] = true
			n.leaves = append(n.leaves, d)
		}
	}
	n.listed = len(n.in.Leaves) > 0
	for _, side := range []struct {
		pinned []*device
		pfx    map[*device]netip.Prefix
		path   map[*device]*field.Path
	}{{n.pinned, n.explicit, n.explicitPath}, {n.pinned6, n.explicit6, n.explicitPath6}} {
		for _, d := range side.pinned { // in intent order: map order would shuffle the errors
			if n.listed && !seen[d] {
				r.errs = append(r.errs, field.Invalid(side.path[d], side.pfx[d].String(), fmt.Sprintf(
					"%s is not in the network's leaves: add it to spec.networks[%s].leaves, or drop this subnet", d.m.Name, n.m.Name)))
				n.broken = true
			}
		}
	}
}

// settleLeaves gives each network without listed leaves every leaf a
// server is attached to (when it has a pool to carve their subnets from)
// and its subnets' leaves, and then checks that
// each leaf has a subnet to come, or a pool to carve one from.
func (r *resolver) settleLeaves(withServers []*device) {
	for _, n := range r.nets {
		if !n.listed {
			set := map[*device]bool{}
			for _, d := range withServers {
				set[d] = n.pool != nil // without a pool, only the pinned subnets' leaves
			}
			for d := range n.explicit {
				set[d] = true
			}
			for d := range n.explicit6 {
				set[d] = true
			}
			n.leaves = n.leaves[:0]
			for d, on := range set {
				if on {
					n.leaves = append(n.leaves, d)
				}
			}
		}
		sort.Slice(n.leaves, func(i, j int) bool { return n.leaves[i].m.Name < n.leaves[j].m.Name })
		for _, d := range n.leaves {
			if _, ok := n.explicit[d]; !ok && n.pool == nil && !n.broken {
				r.errs = append(r.errs, field.Required(n.path.Child("subnets"), fmt.Sprintf(
					"no subnet for %s, which carries the network: add {leaf: %s, prefix: ...}, or set pool to carve one per leaf", d.m.Name, d.m.Name)))
				n.broken = true
			}
		}
		r.checkReservedVLAN(n)
		r.checkVRFName(n)
	}
}

// checkVRFName refuses a VRF whose name on a leaf's platform
// (platform.VRFName: SONiC's Vrf-NAME) is longer than a Linux device name.
func (r *resolver) checkVRFName(n *network) {
	if n.m.VRF == model.DefaultInstance || n.broken {
		return
	}
	for _, d := range n.leaves {
		if name := platform.VRFName(d.m.Platform, n.m.VRF); len(name) > maxVRFDevice {
			r.errs = append(r.errs, field.Invalid(n.vrfPath, n.m.VRF, fmt.Sprintf(
				"on %s (platform %s) the VRF is %s, longer than the %d characters of a device name: use at most %d characters",
				d.m.Name, d.m.Platform, name, maxVRFDevice, maxVRFDevice-len(name)+len(n.m.VRF))))
			n.broken = true
			return
		}
	}
}

// maxVRFDevice is Linux's IFNAMSIZ less the NUL: a VRF is a device.
const maxVRFDevice = 15

// checkReservedVLAN refuses a VLAN a leaf's platform keeps for itself.
func (r *resolver) checkReservedVLAN(n *network) {
	if n.in.VLAN == 0 {
		return
	}
	for _, d := range n.leaves {
		if rng := serversOf(d).Reserved(n.in.VLAN); rng != nil {
			r.errs = append(r.errs, field.Invalid(n.path.Child("vlan"), n.in.VLAN, fmt.Sprintf(
				"VLAN %d is reserved on %s (platform %s): %s; pick one outside %d-%d, or drop vlan to have one allocated from spec.pools.vlans",
				n.in.VLAN, d.m.Name, d.m.Platform, rng.Why, rng.First, rng.Last)))
			n.broken = true
			return
		}
	}
}

// checkDomains keeps lifecycle and tenant networks out of each other's
// VRFs: a tenant must never reach the provisioning or cleaning network.
// The tenant network takes the error: it is the one to move.
func (r *resolver) checkDomains() {
	lifecycle := map[string]*network{}
	for _, n := range r.nets {
		if n.m.Kind.Lifecycle() && lifecycle[n.m.VRF] == nil {
			lifecycle[n.m.VRF] = n
		}
	}
	for _, n := range r.nets {
		other := lifecycle[n.m.VRF]
		if n.m.Kind != model.NetworkTenant || other == nil || n.badVRF {
			continue
		}
		r.errs = append(r.errs, field.Invalid(n.path.Child("vrf"), n.m.VRF, fmt.Sprintf(
			"tenant network %s shares vrf %s with %s network %s (%s): lifecycle and tenant networks never share an isolation domain; give the tenant network a VRF of its own",
			n.m.Name, n.m.VRF, other.m.Kind, other.m.Name, other.path)))
		n.broken = true
	}
}
