// Package resolve turns a raw, strictly-loaded intent plus its lock file
// into the typed model, allocating what the intent leaves open.
//
// Resolution never stops at the first problem: each step records field
// errors with their path (spec.devices[leaf1].asn) and later steps skip only
// what depends on a broken value, so a user sees every error in one run.
// The steps are: settings (metadata, pools, BGP) → devices → links →
// allocation (ASNs, loopbacks, link prefixes, against the lock) → overlap
// checks → ports, sessions and policies. Neighbours outside the fabric
// (peers, groups) are checked after the links and get their sessions after
// the fabric's. Server networks and servers come last: their ports must
// not be ones links, subnets or peers use, and the leaves a network is on
// follow from the servers.
package resolve

import (
	"k8s.io/apimachinery/pkg/util/validation/field"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/model"
)

// Result is a resolved fabric and the lock file that records its
// allocations.
type Result struct {
	Fabric *model.Fabric
	Lock   *v1alpha1.Lock
}

type resolver struct {
	in    *v1alpha1.Fabric
	lock  *v1alpha1.Lock
	errs  field.ErrorList
	out   *model.Fabric
	pools pools
	devs  map[string]*device
	order []*device // intent order
	links []*link
	next  *v1alpha1.Lock
	// nets and srvs are the valid server networks and servers, in intent
	// order; vrfs the VRFs they need, by name.
	nets      []*network
	netByName map[string]*network
	srvs      []*server
	vrfs      []*model.VRF
	// clus are the valid clusters, in intent order; nodeOf the cluster
	// each server is a node of.
	clus      []*cluster
	nodeOf    map[*server]*cluster
	srvByName map[string]*server
	// routed indexes the raw intent's unnumbered nodes ("node/<server>")
	// and racks ("rack/<leaf>"): unnumberedNode.
	routed map[string]bool
	// poolsOverlap makes allocation pointless: every value it handed out
	// could collide, and the user must fix the pools first.
	poolsOverlap bool
}

// device is a device being resolved.
type device struct {
	m     *model.Device
	in    *v1alpha1.Device
	path  *field.Path
	ports map[string]*field.Path // port → where it is used
	// explicit marks which values the user wrote (they win over the lock).
	explicitASN bool
	hasLo4      bool
	hasLo6      bool
	broken      bool // an error makes further checks on it pointless
	// outside are the valid peers and groups outside the fabric.
	outside []*outsider
}

// link is a link being resolved.
type link struct {
	m    *model.Link
	in   *v1alpha1.Link
	path *field.Path
	key  string
	a, b *device
}

// Resolve validates the intent and resolves it against lock (nil when
// there is no lock file yet). On any error the result is nil.
func Resolve(in *v1alpha1.Fabric, lock *v1alpha1.Lock) (*Result, field.ErrorList) {
	if lock == nil {
		lock = &v1alpha1.Lock{}
	}
	r := &resolver{in: in, lock: lock, devs: map[string]*device{}, out: &model.Fabric{}, netByName: map[string]*network{},
		nodeOf: map[*server]*cluster{}}
	r.next = v1alpha1.NewLock()
	// Allocation runs even after validation errors (it skips broken
	// devices and links), so collisions show up in the same run; the
	// model is only built from a fully valid intent.
	for _, step := range []func(){r.settings, r.devices, r.resolveLinks, r.outsiders, r.networks, r.servers, r.clusters} {
		step()
	}
	if !r.poolsOverlap {
		r.allocate()
		r.allocateNetworks()
		r.checkRelays()
		r.checkOverlaps()
		r.outsideASNs()
		r.allocateNodeASNs()
	}
	if len(r.errs) > 0 {
		return nil, r.errs
	}
	r.build()
	r.checks()
	r.sonicModes() // needs sessions and policies: after build
	if len(r.errs) > 0 {
		return nil, r.errs
	}
	return &Result{Fabric: r.out, Lock: r.next}, nil
}
