// Package irregular generates seeded, irregular fabric intents for the
// property test that runs them on real FRR and compares every device's RIB
// with verify's prediction. Real fabrics are not the tidy Clos that `gen
// clos` writes: links are missing, hosts are dual-homed, pods differ in
// size, numbered and unnumbered links mix, maximum-paths is truncated and
// multipath-relax is off. Each seed gives the same intent, so a failing
// seed is a reproducible bug report.
//
// The generator knows only the intent's documented syntax, not how the
// product resolves it: whether an intent is valid is for validate to say.
package irregular

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/platform"
)

// MaxDevices bounds a generated fabric so that one seed runs in the lab
// in well under a minute on two cores.
const MaxDevices = 14

// Fabric is one generated intent.
type Fabric struct {
	Seed uint64
	// YAML is the fabric.yaml text.
	YAML string
	// Summary says in one line what makes this fabric irregular.
	Summary string
}

type device struct {
	name, role, platform string
	pod                  int // 0 in a 3-stage fabric
	ports                int // fabric ports used so far
}

type link struct {
	a, b   *device
	pa, pb string
}

type builder struct {
	seed     uint64
	r        *rand.Rand
	fiveStg  bool
	devices  []*device
	links    []link
	notes    []string
	dual     bool
	numbered bool // fabric default
}

// Generate returns the fabric of seed.
func Generate(seed uint64) Fabric {
	b := &builder{seed: seed, r: rand.New(rand.NewPCG(seed, 0x756e6465726c6179))}
	b.topology()
	return Fabric{Seed: seed, YAML: b.yaml(), Summary: strings.Join(b.notes, ", ")}
}

func (b *builder) chance(p float64) bool { return b.r.Float64() < p }

func (b *builder) pick(options ...string) string { return options[b.r.IntN(len(options))] }

func (b *builder) note(format string, args ...any) {
	b.notes = append(b.notes, fmt.Sprintf(format, args...))
}

func (b *builder) add(d *device) *device {
	b.devices = append(b.devices, d)
	return d
}

// topology lays out tiers: optional superspines, then per pod spines and
// leaves of different counts, then hosts, single- or dual-homed.
func (b *builder) topology() {
	pods := 1
	if b.chance(0.3) {
		b.fiveStg, pods = true, 2
	}
	var supers []*device
	if b.fiveStg {
		n := 1 + b.r.IntN(2)
		for i := 1; i <= n; i++ {
			supers = append(supers, b.add(&device{name: fmt.Sprintf("super%d", i), role: "superspine", platform: b.pick("cumulus", "sonic", "nvue")}))
		}
		b.note("5-stage, %d superspines", n)
	}
	for p := 1; p <= pods; p++ {
		spines, leaves := b.pod(p, pods)
		b.mesh(leaves, spines, 0.8)
		b.mesh(spines, supers, 0.75)
	}
	b.hosts()
}

func (b *builder) pod(p, pods int) (spines, leaves []*device) {
	prefix, pod := "", 0
	if b.fiveStg {
		prefix, pod = fmt.Sprintf("p%d", p), p
	}
	ns, nl := 1+b.r.IntN(3), 1+b.r.IntN(3)
	if pods == 1 {
		nl = 2 + b.r.IntN(3)
	}
	for i := 1; i <= ns; i++ {
		spines = append(spines, b.add(&device{name: fmt.Sprintf("%sspine%d", prefix, i), role: "spine", pod: pod, platform: b.pick("cumulus", "sonic", "nvue")}))
	}
	for i := 1; i <= nl; i++ {
		leaves = append(leaves, b.add(&device{name: fmt.Sprintf("%sleaf%d", prefix, i), role: "leaf", pod: pod, platform: b.pick("cumulus", "nvue", "sonic")}))
	}
	b.note("pod %d: %d×%d", p, ns, nl)
	return spines, leaves
}

// mesh links every lower device to each upper one with probability p,
// keeping at least one uplink per lower device.
func (b *builder) mesh(lower, upper []*device, p float64) {
	if len(upper) == 0 {
		return
	}
	for _, lo := range lower {
		var missing []*device
		for _, up := range upper {
			if b.chance(p) {
				b.link(lo, up)
			} else {
				missing = append(missing, up)
			}
		}
		if len(missing) == len(upper) {
			keep := b.r.IntN(len(missing))
			b.link(lo, missing[keep])
			missing = append(missing[:keep], missing[keep+1:]...)
		}
		for _, up := range missing {
			b.note("no %s–%s", lo.name, up.name)
		}
	}
}

func (b *builder) hosts() {
	var leaves []*device
	for _, d := range b.devices {
		if d.role == "leaf" {
			leaves = append(leaves, d)
		}
	}
	for _, leaf := range leaves {
		hosts := b.r.IntN(3) // 0, 1 or 2, drawn once per leaf
		for h := 1; h <= hosts && len(b.devices) < MaxDevices; h++ {
			host := b.add(&device{name: fmt.Sprintf("%s-h%d", leaf.name, h), role: "host", platform: "linux-frr"})
			b.link(host, leaf)
			if other := b.sibling(leaves, leaf); other != nil && b.chance(0.35) {
				b.link(host, other)
				b.note("%s dual-homed", host.name)
			}
		}
	}
}

// sibling is another leaf of leaf's pod, or nil.
func (b *builder) sibling(leaves []*device, leaf *device) *device {
	var same []*device
	for _, l := range leaves {
		if l != leaf && l.pod == leaf.pod {
			same = append(same, l)
		}
	}
	if len(same) == 0 {
		return nil
	}
	return same[b.r.IntN(len(same))]
}

func (b *builder) link(lo, up *device) {
	lo.ports++
	up.ports++
	l := link{a: lo, b: up, pa: port(lo, lo.ports), pb: port(up, up.ports)}
	b.links = append(b.links, l)
}

// port names the n-th fabric port of d as its platform does: hosts eth0…,
// SONiC Ethernet0, 4, 8…, the rest swp1… (uplinks of leaves from swp49).
func port(d *device, n int) string { return platform.MustGet(model.Platform(d.platform)).Ports.Nth(n) }

// subnetPort is a leaf port no link uses (links take the first ports).
func subnetPort(d *device) string { return port(d, 40) }
