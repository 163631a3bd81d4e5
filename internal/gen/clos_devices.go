package gen

import (
	"fmt"

	"underlay.dev/underlay/api/v1alpha1"
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
// descriptor does; Build has checked that p is one.
func port(p string, n int) string { return platform.MustGet(model.Platform(p)).Ports.Nth(n) }

// subnet is the i-th (0-based) leaf server subnet: /24s from 172.16.0.0/12
// while they fit, /26s beyond that.
func subnet(total, i int) string {
	if total <= 4096 {
		return fmt.Sprintf("172.%d.%d.0/24", 16+i/256, i%256)
	}
	return fmt.Sprintf("172.%d.%d.%d/26", 16+i/1024, (i/4)%256, (i%4)*64)
}

func (c Clos) deviceList() []v1alpha1.Device {
	out := make([]v1alpha1.Device, 0, c.devices())
	for s := 1; s <= c.Superspines; s++ {
		out = append(out, v1alpha1.Device{Name: fmt.Sprintf("superspine%d", s), Role: "superspine", Platform: c.SpinePlatform})
	}
	n := 0
	for p := 1; p <= c.pods(); p++ {
		pod := 0
		if c.Pods > 0 {
			pod = p
		}
		for s := 1; s <= c.Spines; s++ {
			out = append(out, v1alpha1.Device{Name: spineName(c, p, s), Role: "spine", Platform: c.SpinePlatform, Pod: pod})
		}
		for l := 1; l <= c.Leaves; l++ {
			leaf := leafName(c, p, l)
			out = append(out, v1alpha1.Device{Name: leaf, Role: "leaf", Platform: c.Platform, Pod: pod,
				Subnets: []v1alpha1.Subnet{{Prefix: subnet(c.leaves(), n)}}})
			n++
			for h := 1; h <= c.HostsPerLeaf; h++ {
				out = append(out, v1alpha1.Device{Name: fmt.Sprintf("%s-host%d", leaf, h), Role: "host", Platform: "linux-frr"})
			}
		}
	}
	return out
}

func link(a, pa, b, pb string) v1alpha1.Link {
	return v1alpha1.Link{Endpoints: a + ":" + pa + " -- " + b + ":" + pb}
}

// linkList wires every leaf to every spine of its pod, each spine to its
// plane of superspines (all of them when they do not split evenly), and
// hosts to their leaf. Leaves use ports after their host and server
// ports (at least swp49, as on 48-port ToRs); spines number leaves first,
// then uplinks.
func (c Clos) linkList() []v1alpha1.Link {
	out := make([]v1alpha1.Link, 0, c.linkCount())
	uplink := max(c.HostsPerLeaf+c.serverPorts(), 48)
	for p := 1; p <= c.pods(); p++ {
		for l := 1; l <= c.Leaves; l++ {
			leaf := leafName(c, p, l)
			for h := 1; h <= c.HostsPerLeaf; h++ {
				out = append(out, link(leaf, port(c.Platform, h), fmt.Sprintf("%s-host%d", leaf, h), port(string(model.PlatformLinuxFRR), 1)))
			}
			for s := 1; s <= c.Spines; s++ {
				out = append(out, link(leaf, port(c.Platform, uplink+s), spineName(c, p, s), port(c.SpinePlatform, l)))
			}
		}
		out = c.superspineLinks(out, p)
	}
	return out
}

func (c Clos) superspineLinks(out []v1alpha1.Link, p int) []v1alpha1.Link {
	if c.Superspines == 0 {
		return out
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
			out = append(out, link(spineName(c, p, s), port(c.SpinePlatform, c.Leaves+1+j),
				fmt.Sprintf("superspine%d", first+j+1), port(c.SpinePlatform, down)))
		}
	}
	return out
}
