package irregular

import (
	"fmt"
	"strings"
)

// yaml decides the fabric-wide and per-device settings and writes the
// intent. Choices are drawn in a fixed order so a seed always gives the
// same text.
func (b *builder) yaml() string {
	var w strings.Builder
	f := func(format string, args ...any) { fmt.Fprintf(&w, format, args...) }
	f("# irregular fabric, seed %d\n", b.seed)
	f("apiVersion: underlay.dev/v1alpha1\nkind: Fabric\nmetadata:\n  name: irregular\nspec:\n")
	b.dual = b.chance(0.5)
	b.numbered = b.chance(0.5)
	f("  pools:\n    asn: {superspine: 65000-65009, spine: 65100-65199, leaf: 4200000001-4200000999, host: 4210000001-4210099999}\n")
	f("    loopbackIPv4: 10.255.0.0/24\n    linkIPv4: 10.0.0.0/22\n")
	if b.dual {
		f("    loopbackIPv6: fd00:255::/64\n    linkIPv6: fd00:1::/112\n")
		b.note("dual-stack")
	}
	f("  bgp:\n")
	if !b.numbered {
		f("    unnumbered: true\n")
	}
	mp := []int{1, 2, 3, 64}[b.r.IntN(4)]
	f("    maximumPaths: %d\n", mp)
	b.note("maximum-paths %d", mp)
	if b.chance(0.35) {
		f("    multipathRelax: false\n")
		b.note("multipath-relax off")
	}
	if b.chance(0.3) {
		f("    sharedSpineASN: false\n")
		b.note("an ASN per spine")
	}
	f("  devices:\n")
	for i, d := range b.devices {
		f("  - %s\n", b.deviceYAML(d, i))
	}
	f("  links:\n")
	flipped := 0
	for _, l := range b.links {
		line, flip := b.linkYAML(l)
		f("  - %s\n", line)
		flipped += flip
	}
	b.note("%d of %d links %s", len(b.links)-flipped, len(b.links), map[bool]string{true: "numbered", false: "unnumbered"}[b.numbered])
	b.note("platforms %s", b.platforms())
	return w.String()
}

func (b *builder) deviceYAML(d *device, i int) string {
	fields := []string{"name: " + d.name, "role: " + d.role, "platform: " + d.platform}
	if d.pod > 0 {
		fields = append(fields, fmt.Sprintf("pod: %d", d.pod))
	}
	if d.role == "leaf" {
		subnet := fmt.Sprintf("{prefix: 172.16.%d.0/24}", i)
		if b.chance(0.5) {
			subnet = fmt.Sprintf("{prefix: 172.16.%d.0/24, port: %s}", i, subnetPort(d))
		}
		fields = append(fields, "subnets: ["+subnet+"]")
	}
	if d.role != "host" && b.chance(0.15) {
		mp := 1 + b.r.IntN(2)
		fields = append(fields, fmt.Sprintf("bgp: {maximumPaths: %d}", mp))
		b.note("%s maximum-paths %d", d.name, mp)
	}
	if d.platform == "sonic" && b.chance(0.5) {
		fields = append(fields, "sonic: {routingMode: split}")
	}
	return "{" + strings.Join(fields, ", ") + "}"
}

// linkYAML flips about a third of the links away from the fabric default,
// and gives some jumbo frames.
func (b *builder) linkYAML(l link) (string, int) {
	ends := fmt.Sprintf("%s:%s -- %s:%s", l.a.name, l.pa, l.b.name, l.pb)
	var extra []string
	flip := 0
	if b.chance(0.3) {
		extra = append(extra, fmt.Sprintf("unnumbered: %t", b.numbered))
		flip = 1
	}
	if b.chance(0.2) {
		extra = append(extra, "mtu: 9000")
	}
	if len(extra) == 0 {
		return ends, flip
	}
	return fmt.Sprintf("{endpoints: %q, %s}", ends, strings.Join(extra, ", ")), flip
}

// platforms counts devices per platform, SONiC split pins included.
func (b *builder) platforms() string {
	count := map[string]int{}
	for _, d := range b.devices {
		count[d.platform]++
	}
	var parts []string
	for _, p := range []string{"cumulus", "nvue", "sonic", "linux-frr"} {
		if count[p] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", p, count[p]))
		}
	}
	return strings.Join(parts, ", ")
}
