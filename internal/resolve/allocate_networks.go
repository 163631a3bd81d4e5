package resolve

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"underlay.dev/underlay/internal/ipam"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/platform"
)

// parseNetworkPools reads spec.pools.vlans and .vnis, or their defaults.
func (r *resolver) parseNetworkPools() {
	p := field.NewPath("spec", "pools")
	in := r.in.Spec.Pools
	vlans, vnis := in.VLANs, in.VNIs
	if vlans == "" {
		vlans = DefaultVLANPool
	}
	if vnis == "" {
		vnis = DefaultVNIPool
	}
	if rng, err := ipam.ParseIntRange(vlans, 1, 4094); err != nil {
		r.errs = append(r.errs, field.Invalid(p.Child("vlans"), vlans, "VLAN pool: "+err.Error()))
	} else {
		r.pools.vlans = &rng
	}
	if rng, err := ipam.ParseIntRange(vnis, 1, 1<<24-2); err != nil {
		r.errs = append(r.errs, field.Invalid(p.Child("vnis"), vnis, "VNI pool: "+err.Error()))
	} else {
		r.pools.vnis = &rng
	}
}

// allocateNetworks settles each network's VLAN, each VRF's L3VNI and VLAN,
// and each network's subnet on every leaf that carries it: explicit
// values first, then the lock, then the pools, in sorted order.
func (r *resolver) allocateNetworks() {
	r.allocateVLANs()
	r.allocateVRFs()
	for _, n := range r.nets {
		if !n.broken {
			r.allocateSubnets(n)
			r.allocateSubnetsV6(n)
		}
	}
}

// intAlloc hands out small integers (VLANs, VNIs) against a lock table.
type intAlloc struct {
	what  string // "VLAN"
	table string // the lock table: "vlans"
	pool  *ipam.IntRange
	path  *field.Path // the pool's
	lock  map[string]uint32
	next  map[string]uint32
	lg    *ledger[int]
	// fixed says the pool is underlay's own, not the intent's: a value
	// outside it was never handed out from it.
	fixed string
	// full, for a fixed pool, says what to do when owners want more values
	// than it holds: "enlarge the pool" is no fix the user can make.
	full func(owners, short int) string
}

// settle gives each owner without an explicit value its locked value, or
// the pool's lowest free one. explicit values were claimed before.
func (r *resolver) settle(a *intAlloc, owners []string, explicit map[string]int, reserved func(int) string) map[string]int {
	out := map[string]int{}
	for o, v := range explicit {
		out[o] = v
	}
	var want []string
	for _, o := range owners {
		if _, ok := out[o]; ok {
			continue
		}
		if v, ok := a.lock[o]; ok {
			if why := r.lockIntProblem(a, int(v), reserved); why != "" {
				r.errs = append(r.errs, field.Invalid(lockPath(a.table, o), v, fmt.Sprintf(
					"the lock file's %s for %s is not usable: %s; delete the entry to let underlay allocate afresh", a.what, o, why)))
				continue
			}
			if a.lg.claim(r, int(v), holding{owner: o, path: lockPath(a.table, o), locked: true}) {
				out[o] = int(v)
				continue
			}
		}
		want = append(want, o)
	}
	if a.pool == nil {
		return out // the pool's own error says what to fix
	}
	al := ipam.NewAllocator(*a.pool)
	for v, h := range a.lg.holder {
		if i, ok := a.pool.Index(v); ok {
			al.Reserve(i, h.owner)
		}
	}
	nReserved, why := 0, ""
	for v := a.pool.First; reserved != nil && v <= a.pool.Last; v++ {
		if w := reserved(v); w != "" {
			i, _ := a.pool.Index(v)
			al.Reserve(i, "reserved")
			if nReserved++; why == "" {
				why = fmt.Sprintf("%d because %s", v, w)
			}
		}
	}
	short := 0
	for _, o := range want {
		if i, ok := al.Next(o); ok {
			out[o] = a.pool.Slot(i)
		} else {
			short++
		}
	}
	if short > 0 && a.full != nil {
		r.errs = append(r.errs, field.Invalid(a.path, a.pool.String(), a.full(len(owners), short)))
	} else if msg := al.Shortfall(a.what + "s"); msg != "" {
		if nReserved > 0 { // "enlarge" alone misleads when the pool lies in a reserved range
			msg += fmt.Sprintf(" (%d of its %d values are reserved, the first %s: move the pool out of them)", nReserved, a.pool.Size(), why)
		}
		r.errs = append(r.errs, field.Invalid(a.path, a.pool.String(), msg))
	}
	for o, v := range out {
		a.next[o] = uint32(v)
	}
	return out
}

func (r *resolver) lockIntProblem(a *intAlloc, v int, reserved func(int) string) string {
	switch {
	case a.pool != nil && !a.pool.Contains(v) && a.fixed != "":
		return fmt.Sprintf("%d is outside %s, %s", v, a.pool, a.fixed)
	case a.pool != nil && !a.pool.Contains(v):
		return fmt.Sprintf("%d is outside the pool %s, which must have changed since it was allocated", v, a.pool)
	case reserved != nil && reserved(v) != "":
		return fmt.Sprintf("%d is reserved: %s", v, reserved(v))
	}
	return ""
}

func (r *resolver) allocateVLANs() {
	a := &intAlloc{what: "VLAN", table: "vlans", pool: r.pools.vlans, path: field.NewPath("spec", "pools", "vlans"),
		lock: r.lock.VLANs, next: r.next.VLANs, lg: newLedger[int]("VLAN")}
	a.lg.fix = "two networks on one VLAN would be one broadcast domain: give one of them another vlan, or drop its vlan to have one allocated"
	explicit := map[string]int{}
	var owners []string
	for _, n := range r.nets {
		if n.broken {
			continue
		}
		owners = append(owners, n.m.Name)
		if n.in.VLAN != 0 && a.lg.claim(r, n.in.VLAN, holding{owner: "network " + n.m.Name, path: n.path.Child("vlan")}) {
			explicit[n.m.Name] = n.in.VLAN
		}
	}
	sort.Strings(owners)
	reserved := r.reservedVLAN()
	for name, v := range r.settle(a, owners, explicit, reserved) {
		r.netByName[name].m.VLAN = v
	}
}

// reservedVLAN says why any leaf carrying networks may not use a VLAN, or
// "". VRF VLANs come from model.L3VNIVLANFirst-Last, so networks never
// get those either. The leaves' platforms are worked out once: the pool
// is walked value by value.
func (r *resolver) reservedVLAN() func(int) string {
	var platforms []model.Platform
	var servers []*platform.Servers
	for _, n := range r.nets {
		for _, d := range n.leaves {
			if !slices.Contains(platforms, d.m.Platform) {
				platforms = append(platforms, d.m.Platform)
				servers = append(servers, serversOf(d))
			}
		}
	}
	return func(v int) string {
		if v >= model.L3VNIVLANFirst && v <= model.L3VNIVLANLast {
			return fmt.Sprintf("underlay maps VRF L3VNIs to VLANs %d-%d", model.L3VNIVLANFirst, model.L3VNIVLANLast)
		}
		for i, s := range servers {
			if rng := s.Reserved(v); rng != nil {
				return fmt.Sprintf("%s on %s", rng.Why, platforms[i])
			}
		}
		return ""
	}
}

// allocateVRFs gives every VRF but default its L3VNI and the VLAN it maps
// to.
func (r *resolver) allocateVRFs() {
	seen := map[string]bool{}
	var names []string
	for _, n := range r.nets {
		if !n.broken && n.m.VRF != model.DefaultInstance && !seen[n.m.VRF] {
			seen[n.m.VRF] = true
			names = append(names, n.m.VRF)
		}
	}
	sort.Strings(names)
	vnis := r.settle(&intAlloc{what: "VNI", table: "vnis", pool: r.pools.vnis, path: field.NewPath("spec", "pools", "vnis"),
		lock: r.lock.VNIs, next: r.next.VNIs, lg: newLedger[int]("VNI")}, names, nil, nil)
	l3 := ipam.IntRange{First: model.L3VNIVLANFirst, Last: model.L3VNIVLANLast}
	vlans := r.settle(&intAlloc{what: "VRF VLAN", table: "vrfVLANs", pool: &l3, path: field.NewPath("spec", "networks"),
		lock: r.lock.VRFVLANs, next: r.next.VRFVLANs, lg: newLedger[int]("VRF VLAN"),
		fixed: "the VLANs underlay maps L3VNIs to", full: vrfVLANsFull}, names, nil, nil)
	for _, name := range names {
		r.vrfs = append(r.vrfs, &model.VRF{Name: name, VNI: vnis[name], VLAN: vlans[name]})
	}
}

// vrfVLANsFull explains a fabric with more VRFs than NVUE's L3VNI VLAN
// range holds: the range is the platform's, so the fix is fewer VRFs.
func vrfVLANsFull(vrfs, short int) string {
	size := model.L3VNIVLANLast - model.L3VNIVLANFirst + 1
	return fmt.Sprintf("%d VRFs need a VLAN each for their L3VNI, %d more than VLANs %d-%d hold "+
		"(NVUE's L3VNI VLAN range, which underlay maps VRFs to on every platform, %d VLANs); "+
		"put the networks in at most %d VRFs: give several networks one vrf, or vrf: default",
		vrfs, short, model.L3VNIVLANFirst, model.L3VNIVLANLast, size, size)
}

// allocateSubnets gives network n its subnet on each of its leaves: the
// pinned one, the lock's, or the pool's lowest free block.
func (r *resolver) allocateSubnets(n *network) {
	chosen := map[*device]netip.Prefix{}
	lg := newLedger[netip.Prefix]("network subnet")
	lg.fix = "give each leaf a subnet of its own"
	for _, d := range n.leaves {
		if pfx, ok := n.explicit[d]; ok && lg.claim(r, pfx, holding{owner: n.m.Name + "/" + d.m.Name, path: n.explicitPath[d]}) {
			chosen[d] = pfx
		}
	}
	var want []*device
	for _, d := range n.leaves {
		if _, ok := chosen[d]; ok || n.pool == nil {
			continue
		}
		key := n.m.Name + "/" + d.m.Name
		if s, ok := r.lock.NetworkSubnets[key]; ok {
			if v, ok := r.lockPrefixFrom("networkSubnets", key, s, *n.pool, n.path.Child("pool").String()); ok &&
				lg.claim(r, v, holding{owner: key, path: lockPath("networkSubnets", key), locked: true}) {
				chosen[d] = v
				continue
			}
		}
		want = append(want, d)
	}
	if n.pool != nil {
		r.fromPool(*n.pool, lg, want, chosen, n.path.Child("pool"), "subnets")
	}
	for _, d := range n.leaves {
		pfx, ok := chosen[d]
		if !ok {
			continue
		}
		if n.pool != nil && n.explicit[d] != pfx {
			r.next.NetworkSubnets[n.m.Name+"/"+d.m.Name] = pfx.String()
		}
		n.m.Subnets = append(n.m.Subnets, &model.NetworkSubnet{Network: n.m, Leaf: d.m, Prefix: pfx,
			Gateway: netip.PrefixFrom(pfx.Addr().Next(), pfx.Bits())})
	}
}
