package gen

import (
	"fmt"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/platform"
)

func (c Clos) podPrefix(p int) string {
	if c.Pods == 0 {
		return ""
	}
	return fmt.Sprintf("pod%d-", p)
}

func spineName(c Clos, p, i int) string { return fmt.Sprintf("%sspine%d", c.podPrefix(p), i) }
func leafName(c Clos, p, i int) string  { return fmt.Sprintf("%sleaf%d", c.podPrefix(p), i) }

// port names the n-th (1-based) fabric port of a platform, as its
// descriptor does; Write has checked that p is one.
func port(p string, n int) string { return platform.MustGet(model.Platform(p)).Ports.Nth(n) }

// subnet is the i-th (0-based) leaf server subnet: /24s from 172.16.0.0/12
// while they fit, /26s beyond that.
func subnet(total, i int) string {
	if total <= 4096 {
		return fmt.Sprintf("172.%d.%d.0/24", 16+i/256, i%256)
	}
	return fmt.Sprintf("172.%d.%d.%d/26", 16+i/1024, (i/4)%256, (i%4)*64)
}

func (w *writer) devices() {
	c := w.c
	for s := 1; s <= c.Superspines; s++ {
		w.f("  - {name: superspine%d, role: superspine, platform: %s}\n", s, c.SpinePlatform)
	}
	pod := ""
	n := 0
	for p := 1; p <= c.pods(); p++ {
		if c.Pods > 0 {
			pod = fmt.Sprintf(", pod: %d", p)
		}
		for s := 1; s <= c.Spines; s++ {
			w.f("  - {name: %s, role: spine, platform: %s%s}\n", spineName(c, p, s), c.SpinePlatform, pod)
		}
		for l := 1; l <= c.Leaves; l++ {
			leaf := leafName(c, p, l)
			w.f("  - {name: %s, role: leaf, platform: %s%s, subnets: [{prefix: %s}]}\n", leaf, c.Platform, pod, subnet(c.leaves(), n))
			n++
			for h := 1; h <= c.HostsPerLeaf; h++ {
				w.f("  - {name: %s-host%d, role: host, platform: linux-frr}\n", leaf, h)
			}
		}
	}
}

// links wires every leaf to every spine of its pod, each spine to its
// plane of superspines (all of them when they do not split evenly), and
// hosts to their leaf. Leaves use ports after their host ports (at least
// swp49, as on 48-port ToRs); spines number leaves first, then uplinks.
func (w *writer) links() {
	c := w.c
	w.f("  links:\n")
	uplink := max(c.HostsPerLeaf, 48)
	for p := 1; p <= c.pods(); p++ {
		for l := 1; l <= c.Leaves; l++ {
			leaf := leafName(c, p, l)
			for h := 1; h <= c.HostsPerLeaf; h++ {
				w.f("  - %s:%s -- %s-host%d:%s\n", leaf, port(c.Platform, h), leaf, h, port(string(model.PlatformLinuxFRR), 1))
			}
			for s := 1; s <= c.Spines; s++ {
				w.f("  - %s:%s -- %s:%s\n", leaf, port(c.Platform, uplink+s), spineName(c, p, s), port(c.SpinePlatform, l))
			}
		}
		w.superspineLinks(p)
	}
}

func (w *writer) superspineLinks(p int) {
	c := w.c
	if c.Superspines == 0 {
		return
	}
	plane := c.Superspines
	if c.Superspines%c.Spines == 0 {
		plane = c.Superspines / c.Spines
	}
	for s := 1; s <= c.Spines; s++ {
		first, down := 0, p // a superspine meets one spine per pod in a plane...
		if plane != c.Superspines {
			first = (s - 1) * plane
		} else {
			down = (p-1)*c.Spines + s // ...and every spine of every pod in a full mesh
		}
		for j := 0; j < plane; j++ {
			w.f("  - %s:%s -- superspine%d:%s\n", spineName(c, p, s), port(c.SpinePlatform, c.Leaves+1+j),
				first+j+1, port(c.SpinePlatform, down))
		}
	}
}
