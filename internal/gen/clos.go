// Package gen writes intents for standard Clos fabrics: 3-stage leaf-spine
// and 5-stage pods under superspines, for users starting a new fabric, for
// tests and for benchmarks.
package gen

import (
	"fmt"
	"io"
	"math/bits"
	"strings"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/platform"
)

// Clos describes the fabric to generate.
type Clos struct {
	Name          string
	Spines        int // per pod when Pods > 0
	Leaves        int // per pod when Pods > 0
	HostsPerLeaf  int
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
		"--superspines %d, --pods %d, %d devices and %d links in all.",
		MaxSpines, MaxLeaves, MaxHostsPerLeaf, MaxSuperspines, MaxPods, MaxDevices, MaxLinks)
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
	case (c.Superspines > 0) != (c.Pods > 0):
		return fmt.Errorf("a 5-stage fabric needs both --superspines and --pods")
	case c.Superspines < 0 || c.Pods < 0:
		return fmt.Errorf("--superspines and --pods must not be negative")
	}
	for _, f := range []struct {
		flag   string
		n, max int
	}{{"--spines", c.Spines, MaxSpines}, {"--leaves", c.Leaves, MaxLeaves}, {"--hosts-per-leaf", c.HostsPerLeaf, MaxHostsPerLeaf},
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
	}
	return nil
}

type writer struct {
	b strings.Builder
	c Clos
}

func (w *writer) f(format string, args ...any) { fmt.Fprintf(&w.b, format, args...) }

// Write writes the intent as YAML.
func (c Clos) Write(out io.Writer) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if c.Platform == "" {
		c.Platform = "cumulus"
	}
	if c.SpinePlatform == "" {
		c.SpinePlatform = c.Platform
	}
	if err := c.checkPlatforms(); err != nil {
		return err
	}
	w := &writer{c: c}
	w.header()
	w.devices()
	w.links()
	_, err := io.WriteString(out, w.b.String())
	return err
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

func (w *writer) header() {
	c := w.c
	name := c.Name
	if name == "" {
		name = "fabric"
	}
	w.f("# underlay gen clos: %d devices, %d links\n", c.devices(), c.linkCount())
	w.f("apiVersion: %s\nkind: %s\nmetadata:\n  name: %s\nspec:\n", v1alpha1.APIVersion, v1alpha1.KindFabric, name)
	w.f("  pools:\n    asn:\n")
	if c.Superspines > 0 {
		w.f("      superspine: 65000-65009\n")
	}
	// 65535 is reserved (RFC 7300), so the 16-bit spine pool stops short.
	w.f("      spine: 65100-65534\n      leaf: 4200000000-4200999999\n")
	if c.HostsPerLeaf > 0 {
		w.f("      host: 4201000000-4209999999\n")
	}
	w.f("    loopbackIPv4: 10.0.0.0/%d\n", poolBits(c.devices(), 32, 24))
	if c.Unnumbered {
		w.f("    loopbackIPv6: fd00::/64\n")
	} else {
		w.f("    linkIPv4: 10.128.0.0/%d\n", poolBits(2*c.linkCount(), 32, 24))
	}
	w.f("  bgp:\n    maximumPaths: %d\n", min(64, max(c.Spines, 2)))
	if c.Unnumbered {
		w.f("    unnumbered: true\n")
	}
	w.f("  devices:\n")
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
