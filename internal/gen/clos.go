// Package gen writes intents for standard Clos fabrics: 3-stage leaf-spine
// and 5-stage pods under superspines, for users starting a new fabric, for
// tests and for benchmarks.
package gen

import (
	"fmt"
	"io"
	"math/bits"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/platform"
)

// Clos describes the fabric to generate.
type Clos struct {
	Name         string
	Spines       int // per pod when Pods > 0
	Leaves       int // per pod when Pods > 0
	HostsPerLeaf int
	// ServersPerLeaf are bare-metal servers on each leaf, half of them on
	// LACP bonds, on six networks (networkList).
	ServersPerLeaf int
	// Cluster, a CNI's name, makes every server a node of one Kubernetes
	// cluster on the servers network, its racks every leaf (clusterList).
	Cluster       string
	Superspines   int
	Pods          int
	Unnumbered    bool
	Platform      string // leaves and spines
	SpinePlatform string // overrides Platform for spines and superspines
}

// Limits of what Clos can generate. Each comes from the generator's own
// address and ASN plan, so a larger count would write an invalid intent;
// the totals keep the output (held in memory, then written) bounded.
const (
	MaxSpines       = 512     // per pod
	MaxLeaves       = 16384   // in all pods: server subnets are /26s of 172.16.0.0/12
	MaxHostsPerLeaf = 1024    // host ports of a leaf
	MaxSuperspines  = 512     // superspines
	MaxPods         = 435     // pods: one shared spine ASN per pod from 65100-65534
	MaxDevices      = 100_000 // devices in all
	MaxLinks        = 1_000_000
)

// LimitsHelp documents the limits for --help.
func LimitsHelp() string {
	return fmt.Sprintf("Limits: --spines %d (per pod), --leaves %d (in all pods), --hosts-per-leaf %d,\n"+
		"--servers-per-leaf %d, --superspines %d, --pods %d, %d devices, %d links and %d servers in all.",
		MaxSpines, MaxLeaves, MaxHostsPerLeaf, MaxServersPerLeaf, MaxSuperspines, MaxPods, MaxDevices, MaxLinks, MaxServers)
}

// Validate reports the first impossible combination of counts. It runs
// before anything is generated, and checks each count against its limit
// before multiplying, so no product can overflow.
func (c Clos) Validate() error {
	switch {
	case c.Spines < 1 || c.Leaves < 1:
		return fmt.Errorf("--spines and --leaves must be at least 1")
	case c.HostsPerLeaf < 0:
		return fmt.Errorf("--hosts-per-leaf must not be negative")
	case c.ServersPerLeaf < 0:
		return fmt.Errorf("--servers-per-leaf must not be negative")
	case c.Cluster != "" && c.ServersPerLeaf == 0:
		return fmt.Errorf("--cluster makes the servers Kubernetes nodes: give --servers-per-leaf too")
	case (c.Superspines > 0) != (c.Pods > 0):
		return fmt.Errorf("a 5-stage fabric needs both --superspines and --pods")
	case c.Superspines < 0 || c.Pods < 0:
		return fmt.Errorf("--superspines and --pods must not be negative")
	}
	for _, f := range []struct {
		flag   string
		n, max int
	}{{"--spines", c.Spines, MaxSpines}, {"--leaves", c.Leaves, MaxLeaves}, {"--hosts-per-leaf", c.HostsPerLeaf, MaxHostsPerLeaf},
		{"--servers-per-leaf", c.ServersPerLeaf, MaxServersPerLeaf},
		{"--superspines", c.Superspines, MaxSuperspines}, {"--pods", c.Pods, MaxPods}} {
		if f.n > f.max {
			return fmt.Errorf("%s %d is more than %d, the most underlay gen clos writes", f.flag, f.n, f.max)
		}
	}
	switch {
	case c.leaves() > MaxLeaves:
		return fmt.Errorf("--pods %d × --leaves %d is %d leaves in all pods, more than %d (server subnets are /26s of 172.16.0.0/12)",
			c.Pods, c.Leaves, c.leaves(), MaxLeaves)
	case c.devices() > MaxDevices:
		return fmt.Errorf("these counts make %d devices, more than %d", c.devices(), MaxDevices)
	case c.linkCount() > MaxLinks:
		return fmt.Errorf("these counts make %d links, more than %d", c.linkCount(), MaxLinks)
	case c.servers() > MaxServers:
		return fmt.Errorf("these counts make %d servers, more than %d", c.servers(), MaxServers)
	}
	return nil
}

// Write writes the intent as YAML: the Fabric that Build returns, in the
// compact layout of Encode.
func (c Clos) Write(out io.Writer) error {
	f, err := c.Build()
	if err != nil {
		return err
	}
	comment := fmt.Sprintf("underlay gen clos: %d devices, %d links", c.devices(), c.linkCount())
	if c.ServersPerLeaf > 0 {
		comment += fmt.Sprintf(", %d servers", c.servers())
	}
	return Encode(out, f, comment)
}

// Build returns the intent as a typed Fabric.
func (c Clos) Build() (*v1alpha1.Fabric, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if c.Platform == "" {
		c.Platform = "cumulus"
	}
	if c.SpinePlatform == "" {
		c.SpinePlatform = c.Platform
	}
	if err := c.checkPlatforms(); err != nil {
		return nil, err
	}
	f := c.header()
	f.Spec.Devices = c.deviceList()
	f.Spec.Links = c.linkList()
	f.Spec.Networks = c.networkList()
	f.Spec.Servers = c.serverList()
	f.Spec.Clusters = c.clusterList()
	return f, nil
}

func (c Clos) pods() int { return max(c.Pods, 1) }

func (c Clos) leaves() int { return c.pods() * c.Leaves }

func (c Clos) devices() int {
	return c.Superspines + c.pods()*(c.Spines+c.Leaves) + c.leaves()*c.HostsPerLeaf
}

func (c Clos) linkCount() int {
	up := c.Superspines
	if c.Superspines%c.Spines == 0 {
		up = c.Superspines / c.Spines
	}
	return c.leaves()*c.Spines + c.pods()*c.Spines*up + c.leaves()*c.HostsPerLeaf
}

// poolBits returns the prefix length of a pool with n slots of slotBits.
func poolBits(n, slotBits, minBits int) int {
	need := bits.Len(uint(n + 1))
	return min(slotBits-need, minBits)
}

// header is the fabric without devices and links: pools sized for the
// counts, and the BGP settings.
func (c Clos) header() *v1alpha1.Fabric {
	name := c.Name
	if name == "" {
		name = "fabric"
	}
	// 65535 is reserved (RFC 7300), so the 16-bit spine pool stops short.
	pools := v1alpha1.Pools{ASN: v1alpha1.ASNPools{Spine: "65100-65534", Leaf: "4200000000-4200999999"},
		LoopbackIPv4: fmt.Sprintf("10.0.0.0/%d", poolBits(c.devices(), 32, 24))}
	if c.Superspines > 0 {
		pools.ASN.Superspine = "65000-65009"
	}
	if c.HostsPerLeaf > 0 {
		pools.ASN.Host = "4201000000-4209999999"
	}
	if c.Unnumbered {
		pools.LoopbackIPv6 = "fd00::/64"
	} else {
		pools.LinkIPv4 = fmt.Sprintf("10.128.0.0/%d", poolBits(2*c.linkCount(), 32, 24))
	}
	return &v1alpha1.Fabric{APIVersion: v1alpha1.APIVersion, Kind: v1alpha1.KindFabric,
		Metadata: v1alpha1.Metadata{Name: name},
		Spec: v1alpha1.FabricSpec{Pools: pools,
			BGP: v1alpha1.BGP{MaximumPaths: min(64, max(c.Spines, 2)), Unnumbered: c.Unnumbered}}}
}

// checkPlatforms refuses a platform that is not one or may not take the
// role gen gives it, before any port is named after it.
func (c Clos) checkPlatforms() error {
	for _, p := range []struct {
		flag, name string
		role       model.Role
	}{{"--platform", c.Platform, model.RoleLeaf}, {"--spine-platform", c.SpinePlatform, model.RoleSpine}} {
		d, err := platform.Get(model.Platform(p.name))
		if err != nil {
			return fmt.Errorf("%s: %w", p.flag, err)
		}
		if !d.MayTake(p.role) {
			return fmt.Errorf("%s %s: a %s device may not be a %s (it may be %v)", p.flag, p.name, p.name, p.role, d.Roles)
		}
	}
	return nil
}
