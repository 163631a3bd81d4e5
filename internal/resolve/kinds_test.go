package resolve_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// edits builds an edit of base from (old, new) replacement pairs, each
// applied once.
func edits(pairs ...string) func(string) string {
	return func(s string) string {
		for i := 0; i+1 < len(pairs); i += 2 {
			s = strings.Replace(s, pairs[i], pairs[i+1], 1)
		}
		return s
	}
}

// Lines of base the rows below replace.
const (
	spine1Line = "{name: spine1, role: spine, platform: sonic}"
	leaf1Line  = "{name: leaf1, role: leaf, platform: cumulus}"
	leaf2Line  = "{name: leaf2, role: leaf, platform: nvue}"
	addDevice  = "  links:\n" // insert a device before it: "  - {…}\n  links:\n"
	link0      = "- spine1:Ethernet0 -- leaf1:swp1"
)

// withChecks appends checks to base.
func withChecks(checks ...string) func(string) string {
	return func(s string) string { return s + "  checks:\n  - " + strings.Join(checks, "\n  - ") + "\n" }
}

// TestErrorKinds has a row for every kind of error the resolver reports
// that the other tables do not already cover, each asserting the file
// line, the field path and the whole message. Together with
// TestResolveErrors, TestValueErrors, TestCheckErrors, TestSONiCRoutingMode,
// TestReservedASNs, TestLockEntries and TestOutsideErrors every field error
// the resolver can produce has a row.
func TestErrorKinds(t *testing.T) {
	tests := []struct {
		name string
		edit func(string) string
		want []string
	}{
		// settings: the document, metadata and pools
		{"apiVersion", edits("apiVersion: underlay.dev/v1alpha1", "apiVersion: underlay.dev/v2"),
			[]string{`fabric.yaml:1: apiVersion: Unsupported value: "underlay.dev/v2": supported values: "underlay.dev/v1alpha1"`}},
		{"kind", edits("kind: Fabric", "kind: FabricLock"),
			[]string{`fabric.yaml:2: kind: Unsupported value: "FabricLock": supported values: "Fabric"`}},
		{"name missing", edits("metadata: {name: t}", "metadata: {namespace: dc1}"),
			[]string{`fabric.yaml:3: metadata.name: Required value: a lowercase DNS label such as "leaf1"`}},
		{"name not a label", edits("metadata: {name: t}", "metadata: {name: t, namespace: DC_1}"),
			[]string{`fabric.yaml:3: metadata.namespace: Invalid value: "DC_1": must be a DNS label: at most 63 of a-z, 0-9 and '-', starting and ending with a letter or digit`}},
		{"asn pools overlap", edits("leaf: 65001-65099", "leaf: 65150-65160"),
			[]string{`fabric.yaml:6: spec.pools.asn.leaf: Invalid value: "65150-65160": overlaps spec.pools.asn.spine 65100-65199; ASN pools of different roles must not share ASNs`}},
		// A broken IPv4 pool also leaves every device without the value it
		// was to hand out; IPv6 pools show the pool's own error alone.
		{"IPv4 pool not a prefix", edits("loopbackIPv4: 10.255.0.0/24", "loopbackIPv4: 10.255.0/24"),
			// only the pool's error: the loopbacks it would have given are
			// not reported missing as well ("set spec.pools.loopbackIPv4",
			// which is set)
			[]string{`fabric.yaml:7: spec.pools.loopbackIPv4: Invalid value: "10.255.0/24": not a prefix: want an IPv4 prefix like 10.0.0.0/16`}},
		{"link pool not a prefix", edits("linkIPv4: 10.0.0.0/24", "linkIPv4: 10.0.0/24"),
			[]string{`fabric.yaml:8: spec.pools.linkIPv4: Invalid value: "10.0.0/24": not a prefix: want an IPv4 prefix like 10.0.0.0/16`}},
		{"IPv6 pool not a prefix", edits("linkIPv4: 10.0.0.0/24", "linkIPv4: 10.0.0.0/24\n    linkIPv6: fd00::/6x"),
			[]string{`fabric.yaml:9: spec.pools.linkIPv6: Invalid value: "fd00::/6x": not a prefix: want an IPv6 prefix like fd00::/64`}},
		{"pool of the wrong family", edits("loopbackIPv4: 10.255.0.0/24", "loopbackIPv4: 10.255.0.0/24\n    loopbackIPv6: 10.254.0.0/24"),
			[]string{`fabric.yaml:8: spec.pools.loopbackIPv6: Invalid value: "10.254.0.0/24": must be an IPv6 prefix`}},
		{"pool with host bits", edits("linkIPv4: 10.0.0.0/24", "linkIPv4: 10.0.0.0/24\n    linkIPv6: fd00::1/64"),
			[]string{`fabric.yaml:9: spec.pools.linkIPv6: Invalid value: "fd00::1/64": host bits are set; did you mean fd00::/64?`}},
		{"pool too small", edits("linkIPv4: 10.0.0.0/24", "linkIPv4: 10.0.0.0/24\n    linkIPv6: fd00::/128"),
			[]string{`fabric.yaml:9: spec.pools.linkIPv6: Invalid value: "fd00::/128": too small: must hold at least one /127`}},
		{"maximumPaths", edits("  devices:\n", "  bgp: {maximumPaths: 65}\n  devices:\n"),
			[]string{`fabric.yaml:9: spec.bgp.maximumPaths: Invalid value: 65: must be 1-64`}},
		{"keepalive", edits("  devices:\n", "  bgp: {timers: {keepalive: 0, hold: 9}}\n  devices:\n"),
			[]string{`fabric.yaml:9: spec.bgp.timers.keepalive: Invalid value: 0: must be 1-65535 seconds`}},
		{"hold", edits("  devices:\n", "  bgp: {timers: {keepalive: 1, hold: 2}}\n  devices:\n"),
			[]string{`fabric.yaml:9: spec.bgp.timers.hold: Invalid value: 2: must be 3-65535 seconds (RFC 4271)`}},
		{"hold under 3 keepalives", edits(leaf1Line, "{name: leaf1, role: leaf, platform: cumulus, bgp: {timers: {keepalive: 10, hold: 20}}}"),
			[]string{`fabric.yaml:11: spec.devices[leaf1].bgp.timers.hold: Invalid value: 20: must be at least 3 × keepalive (30), or a single lost keepalive drops the session`}},
		{"agent without image", edits("  devices:\n", "  agent: {healthTimeout: 10}\n  devices:\n"),
			[]string{`fabric.yaml:9: spec.agent.image: Required value: the underlay-agent image, e.g. registry.example.com/underlay-agent:v0.1.0`}},
		{"agent health timeout", edits("  devices:\n", "  agent: {image: underlay-agent, healthTimeout: 3601}\n  devices:\n"),
			[]string{`fabric.yaml:9: spec.agent.healthTimeout: Invalid value: 3601: must be 1-3600 seconds`}},

		// devices
		{"no devices", func(string) string {
			return "apiVersion: underlay.dev/v1alpha1\nkind: Fabric\nmetadata: {name: t}\nspec:\n  devices: []\n"
		}, []string{`fabric.yaml:5: spec.devices: Required value: a fabric needs at least one device`}},
		{"device without name", edits(leaf2Line, "{role: leaf, platform: nvue}"),
			[]string{`fabric.yaml:12: spec.devices[2].name: Required value: a lowercase DNS label such as "leaf1"`,
				`fabric.yaml:15: spec.links[1].endpoints: Not found: "leaf2 (no device of that name in spec.devices)"`}},
		{"unsupported role", edits(leaf2Line, "{name: leaf2, role: tor, platform: nvue}"),
			[]string{`fabric.yaml:12: spec.devices[leaf2].role: Unsupported value: "tor": supported values: "superspine", "spine", "leaf", "host"`}},
		{"host on a switch platform", edits(addDevice, "  - {name: host1, role: host, platform: cumulus}\n  links:\n"),
			[]string{`fabric.yaml:13: spec.devices[host1].platform: Invalid value: "cumulus": platform cumulus is for role superspine, spine or leaf; a host runs linux-frr`}},
		{"switch on linux-frr", edits(leaf2Line, "{name: leaf2, role: leaf, platform: linux-frr}"),
			[]string{`fabric.yaml:12: spec.devices[leaf2].platform: Invalid value: "linux-frr": platform linux-frr is for role host; a leaf runs cumulus, nvue or sonic`}},
		{"negative pod", edits(leaf1Line, "{name: leaf1, role: leaf, platform: cumulus, pod: -1}"),
			[]string{`fabric.yaml:11: spec.devices[leaf1].pod: Invalid value: -1: must be 1 or more`,
				`fabric.yaml:14: spec.links[0].endpoints: Invalid value: "spine1:Ethernet0 -- leaf1:swp1": leaf leaf1 (pod -1) and spine spine1 (pod 0) are in different pods`}},
		{"5-stage without pods", edits(addDevice, "  - {name: ss1, role: superspine, platform: sonic, asn: 65500}\n  links:\n"),
			[]string{`fabric.yaml:10: spec.devices[spine1].pod: Required value: a 5-stage fabric (it has superspines) needs the pod of every spine and leaf`,
				`fabric.yaml:11: spec.devices[leaf1].pod: Required value: a 5-stage fabric (it has superspines) needs the pod of every spine and leaf`,
				`fabric.yaml:12: spec.devices[leaf2].pod: Required value: a 5-stage fabric (it has superspines) needs the pod of every spine and leaf`}},
		{"pod on a host", edits(addDevice, "  - {name: host1, role: host, platform: linux-frr, pod: 1}\n  links:\n"),
			[]string{`fabric.yaml:13: spec.devices[host1].pod: Invalid value: 1: a host belongs to no pod; remove pod`}},
		{"pods without superspines", edits(spine1Line, "{name: spine1, role: spine, platform: sonic, pod: 1}"),
			[]string{`fabric.yaml:10: spec.devices[spine1].pod: Invalid value: 1: pods need superspines (a 5-stage fabric); remove pod or add superspines`,
				`fabric.yaml:14: spec.links[0].endpoints: Invalid value: "spine1:Ethernet0 -- leaf1:swp1": leaf leaf1 (pod 0) and spine spine1 (pod 1) are in different pods`,
				`fabric.yaml:15: spec.links[1].endpoints: Invalid value: "spine1:Ethernet4 -- leaf2:swp1": leaf leaf2 (pod 0) and spine spine1 (pod 1) are in different pods`}},
		{"asn syntax", edits(leaf1Line, "{name: leaf1, role: leaf, platform: cumulus, asn: AS65001}"),
			[]string{`fabric.yaml:11: spec.devices[leaf1].asn: Invalid value: "AS65001": invalid ASN "AS65001": want 1-4294967294 or asdot 0.1-65535.65534`}},
		{"asdot syntax", edits(leaf1Line, "{name: leaf1, role: leaf, platform: cumulus, asn: '1.70000'}"),
			[]string{`fabric.yaml:11: spec.devices[leaf1].asn: Invalid value: "1.70000": invalid asdot ASN "1.70000": want high.low, each 0-65535`}},
		{"spines that share an ASN disagree", edits(spine1Line, "{name: spine1, role: spine, platform: sonic, asn: 65100}",
			addDevice, "  - {name: spine2, role: spine, platform: cumulus, asn: 65101}\n  links:\n"),
			[]string{`fabric.yaml:13: spec.devices[spine2].asn: Invalid value: "65101": spine2 shares one ASN with spine1 (spine); use 65100, or set spec.bgp.sharedSpineASN: false`}},
		{"no asn and no pool", edits("leaf: 65001-65099, ", ""),
			[]string{`fabric.yaml:11: spec.devices[leaf1].asn: Required value: no asn and no pool to allocate one from: set it, or set spec.pools.asn.leaf`,
				`fabric.yaml:12: spec.devices[leaf2].asn: Required value: no asn and no pool to allocate one from: set it, or set spec.pools.asn.leaf`}},
		{"asn pool exhausted", edits("leaf: 65001-65099", "leaf: 65001-65001"),
			[]string{`fabric.yaml:6: spec.pools.asn.leaf: Invalid value: "65001-65001": pool 65001-65001 is exhausted: 1 more ASNs needed than it holds (1 slots, all taken); enlarge the pool`}},
		{"loopback not an address", edits(leaf1Line, "{name: leaf1, role: leaf, platform: cumulus, loopbacks: [10.9.0.256, 10.9.0.1/3x]}"),
			[]string{`fabric.yaml:11: spec.devices[leaf1].loopbacks[0]: Invalid value: "10.9.0.256": not an address: want e.g. 192.0.2.1/32 or fd00::1/128`,
				`fabric.yaml:11: spec.devices[leaf1].loopbacks[1]: Invalid value: "10.9.0.1/3x": not an address: want e.g. 192.0.2.1/32 or fd00::1/128`}},
		{"loopback not a host address", edits(leaf1Line, "{name: leaf1, role: leaf, platform: cumulus, loopbacks: ['fd00:9::/64']}"),
			[]string{`fabric.yaml:11: spec.devices[leaf1].loopbacks[0]: Invalid value: "fd00:9::/64": a loopback is a host address: use /128`}},
		{"loopback twice", edits(leaf1Line, "{name: leaf1, role: leaf, platform: cumulus, loopbacks: [10.9.0.1/32, 10.9.0.1]}"),
			[]string{`fabric.yaml:11: spec.devices[leaf1].loopbacks[1]: Duplicate value: "10.9.0.1"`}},
		{"no IPv4 loopback and no pool", edits("    loopbackIPv4: 10.255.0.0/24\n", "", leaf1Line, "{name: leaf1, role: leaf, platform: cumulus, loopbacks: [10.9.0.1]}"),
			[]string{`fabric.yaml:9: spec.devices[spine1].loopbacks: Required value: needs an IPv4 loopback (it is the BGP router ID): add one, or set spec.pools.loopbackIPv4`,
				`fabric.yaml:11: spec.devices[leaf2].loopbacks: Required value: needs an IPv4 loopback (it is the BGP router ID): add one, or set spec.pools.loopbackIPv4`}},
		{"loopback pool exhausted", edits("loopbackIPv4: 10.255.0.0/24", "loopbackIPv4: 10.255.0.0/31"),
			[]string{`fabric.yaml:7: spec.pools.loopbackIPv4: Invalid value: "10.255.0.0/31": pool 10.255.0.0/31 is exhausted: 2 more loopbacks needed than it holds (1 slots, all taken); enlarge the pool`}},
		{"device mtu", edits(leaf1Line, "{name: leaf1, role: leaf, platform: cumulus, mtu: 9217}"),
			[]string{`fabric.yaml:11: spec.devices[leaf1].mtu: Invalid value: 9217: must be 552-9216`}},
		{"sonic settings off sonic", edits(leaf1Line, "{name: leaf1, role: leaf, platform: cumulus, sonic: {hwsku: Mellanox-SN2700}}"),
			[]string{`fabric.yaml:11: spec.devices[leaf1].sonic: Forbidden: only for platform sonic`}},
		{"subnet on a spine", edits(spine1Line, "{name: spine1, role: spine, platform: sonic, subnets: [{prefix: 10.1.0.0/24}]}"),
			[]string{`fabric.yaml:10: spec.devices[spine1].subnets[0]: Forbidden: only leaves announce server subnets`}},
		{"subnet not a prefix", edits(leaf1Line, "{name: leaf1, role: leaf, platform: cumulus, subnets: [{prefix: 10.1.0.0}]}"),
			[]string{`fabric.yaml:11: spec.devices[leaf1].subnets[0].prefix: Invalid value: "10.1.0.0": not a prefix: want e.g. 10.1.1.0/24`}},
		{"subnet with host bits", edits(leaf1Line, "{name: leaf1, role: leaf, platform: cumulus, subnets: [{prefix: 10.1.0.1/24}]}"),
			[]string{`fabric.yaml:11: spec.devices[leaf1].subnets[0].prefix: Invalid value: "10.1.0.1/24": host bits are set; did you mean 10.1.0.0/24?`}},
		{"gateway subnet too small", edits(leaf1Line, "{name: leaf1, role: leaf, platform: cumulus, subnets: [{prefix: 10.1.0.0/31, port: swp10}]}"),
			[]string{`fabric.yaml:11: spec.devices[leaf1].subnets[0].prefix: Invalid value: "10.1.0.0/31": a subnet with a gateway port needs room for hosts: /30 (/126) or larger`}},
		{"subnets overlap", edits(leaf1Line, "{name: leaf1, role: leaf, platform: cumulus, subnets: [{prefix: 10.1.0.0/24}]}",
			leaf2Line, "{name: leaf2, role: leaf, platform: nvue, subnets: [{prefix: 10.1.0.128/25}]}"),
			[]string{`fabric.yaml:12: spec.devices[leaf2].subnets[0]: Invalid value: "10.1.0.128/25": subnet overlaps the subnet 10.1.0.0/24 of leaf1 (spec.devices[leaf1].subnets[0]); move one of the two`}},
		// links claim their ports before subnets do
		{"gateway port used by a link", edits(leaf1Line, "{name: leaf1, role: leaf, platform: cumulus, subnets: [{prefix: 10.1.0.0/24, port: swp1}]}"),
			[]string{`fabric.yaml:14: spec.links[0].endpoints: Duplicate value: "leaf1:swp1 (already used by spec.devices[leaf1].subnets[0].port)"`}},

		// links
		{"link without --", edits(link0, "- spine1:Ethernet0 leaf1:swp1"),
			[]string{`fabric.yaml:14: spec.links[0].endpoints: Invalid value: "spine1:Ethernet0 leaf1:swp1": want "device:port -- device:port", e.g. "leaf1:swp1 -- spine1:swp1"`}},
		{"link to itself", edits(link0, "- leaf1:swp1 -- leaf1:swp2"),
			[]string{`fabric.yaml:14: spec.links[0].endpoints: Invalid value: "leaf1:swp1 -- leaf1:swp2": a link must connect two different devices`}},
		{"endpoint without port", edits(link0, `- "spine1: -- leaf1:swp1"`),
			[]string{`fabric.yaml:14: spec.links[0].endpoints: Invalid value: "spine1:": an endpoint is "device:port", e.g. "leaf1:swp1"`}},
		{"link across tiers", edits(link0, "- leaf2:swp2 -- leaf1:swp1"),
			[]string{`fabric.yaml:14: spec.links[0].endpoints: Invalid value: "leaf2:swp2 -- leaf1:swp1": a leaf cannot connect to a leaf: links join adjacent tiers (host–leaf, leaf–spine, spine–superspine)`}},
		{"link mtu", edits(link0, "- {endpoints: 'spine1:Ethernet0 -- leaf1:swp1', mtu: 551}"),
			[]string{`fabric.yaml:14: spec.links[0].mtu: Invalid value: 551: must be 552-9216`}},
		{"unnumbered link with an address", edits(link0, "- {endpoints: 'spine1:Ethernet0 -- leaf1:swp1', unnumbered: true, ipv4: 10.9.0.0/31}"),
			[]string{`fabric.yaml:14: spec.links[0].unnumbered: Invalid value: true: an unnumbered link has no ipv4/ipv6; remove them or set unnumbered: false`}},
		{"link prefix of the wrong family", edits(link0, "- {endpoints: 'spine1:Ethernet0 -- leaf1:swp1', ipv6: 10.9.0.0/31}"),
			[]string{`fabric.yaml:14: spec.links[0].ipv6: Invalid value: "10.9.0.0/31": want a /127 prefix, e.g. fd00::/127`}},
		{"link prefix length", edits(link0, "- {endpoints: 'spine1:Ethernet0 -- leaf1:swp1', ipv4: 10.9.0.0/30}"),
			[]string{`fabric.yaml:14: spec.links[0].ipv4: Invalid value: "10.9.0.0/30": point-to-point links use /31`}},
		{"link prefix with host bits", edits(link0, "- {endpoints: 'spine1:Ethernet0 -- leaf1:swp1', ipv4: 10.9.0.1/31}"),
			[]string{`fabric.yaml:14: spec.links[0].ipv4: Invalid value: "10.9.0.1/31": host bits are set; did you mean 10.9.0.0/31? (the first endpoint takes the lower address)`}},
		{"numbered link without an address", edits("    linkIPv4: 10.0.0.0/24\n", ""),
			[]string{`fabric.yaml:13: spec.links[0]: Required value: numbered link spine1:Ethernet0 -- leaf1:swp1 has no address: set ipv4 on it, set spec.pools.linkIPv4, or make it unnumbered`,
				`fabric.yaml:14: spec.links[1]: Required value: numbered link spine1:Ethernet4 -- leaf2:swp1 has no address: set ipv4 on it, set spec.pools.linkIPv4, or make it unnumbered`}},

		// 5-stage
		{"unified superspine", edits(spine1Line, "{name: spine1, role: spine, platform: sonic, pod: 1}",
			leaf1Line, "{name: leaf1, role: leaf, platform: cumulus, pod: 1}",
			leaf2Line, "{name: leaf2, role: leaf, platform: nvue, pod: 1}",
			addDevice, "  - {name: ss1, role: superspine, platform: sonic, sonic: {routingMode: unified}, asn: 65500}\n  links:\n  - ss1:Ethernet0 -- spine1:Ethernet8\n"),
			[]string{`fabric.yaml:13: spec.devices[ss1].sonic.routingMode: Invalid value: "unified": unified mode (bgpcfgd's templates) cannot carry this device's routing: ` +
				`a superspine learns other pods' routes from several neighbours that pass everything, and the template keeps the oldest of equal paths (no compare-routerid); ` +
				`use routingMode: split, or remove routingMode and underlay picks split`}},
		{"unified spine under a superspine", edits(spine1Line, "{name: spine1, role: spine, platform: sonic, pod: 1, sonic: {routingMode: unified}}",
			leaf1Line, "{name: leaf1, role: leaf, platform: cumulus, pod: 1}",
			leaf2Line, "{name: leaf2, role: leaf, platform: nvue, pod: 1}",
			addDevice, "  - {name: ss1, role: superspine, platform: cumulus, asn: 65500}\n  links:\n  - ss1:swp1 -- spine1:Ethernet8\n"),
			[]string{`fabric.yaml:10: spec.devices[spine1].sonic.routingMode: Invalid value: "unified": unified mode (bgpcfgd's templates) cannot carry this device's routing: ` +
				`it peers with superspine ss1, which passes everything, and the template keeps the oldest of equal paths (no compare-routerid); ` +
				`use routingMode: split, or remove routingMode and underlay picks split`}},
		{"leaf and spine in different pods", edits(spine1Line, "{name: spine1, role: spine, platform: sonic, pod: 2}",
			leaf1Line, "{name: leaf1, role: leaf, platform: cumulus, pod: 1}",
			leaf2Line, "{name: leaf2, role: leaf, platform: nvue, pod: 2}",
			addDevice, "  - {name: ss1, role: superspine, platform: cumulus, asn: 65500}\n  links:\n"),
			[]string{`fabric.yaml:15: spec.links[0].endpoints: Invalid value: "spine1:Ethernet0 -- leaf1:swp1": leaf leaf1 (pod 1) and spine spine1 (pod 2) are in different pods`}},
		{"unified spine with an IPv6 loopback", edits(spine1Line, "{name: spine1, role: spine, platform: sonic, loopbacks: [10.9.0.1/32, 'fd00:9::1/128'], sonic: {routingMode: unified}}"),
			[]string{`fabric.yaml:10: spec.devices[spine1].sonic.routingMode: Invalid value: "unified": unified mode (bgpcfgd's templates) cannot carry this device's routing: ` +
				`it has an IPv6 loopback, which the template announces as a /64; use routingMode: split, or remove routingMode and underlay picks split`}},

		// checks
		{"check without name", withChecks(`{from: leaf1, to: leaf2}`),
			[]string{`fabric.yaml:17: spec.checks[0].name: Required value: name the check so reports can refer to it`}},
		{"check name twice", withChecks(`{name: c, from: leaf1, to: leaf2}`, `{name: c, from: leaf2, to: leaf1}`),
			[]string{`fabric.yaml:18: spec.checks[c].name: Duplicate value: "c"`}},
		{"check expect", withChecks(`{name: c, from: leaf1, to: leaf2, expect: unreachable}`),
			[]string{`fabric.yaml:17: spec.checks[c].expect: Unsupported value: "unreachable": supported values: "reach", "isolated"`}},
		{"check minPaths", withChecks(`{name: c, from: leaf1, to: leaf2, minPaths: 65}`),
			[]string{`fabric.yaml:17: spec.checks[c].minPaths: Invalid value: 65: must be 1-64`}},
		{"check from an unknown role", withChecks(`{name: c, from: "role:tor", to: leaf2}`),
			[]string{`fabric.yaml:17: spec.checks[c].from: Unsupported value: "role:tor": supported values: "role:superspine", "role:spine", "role:leaf", "role:host"`}},
		{"check from an unknown device", withChecks(`{name: c, from: leaf9, to: leaf2}`),
			[]string{`fabric.yaml:17: spec.checks[c].from: Not found: "leaf9 (want a device name or \"role:<role>\")"`}},
		{"check to nothing known", withChecks(`{name: c, from: leaf1, to: leaf9}`),
			[]string{`fabric.yaml:17: spec.checks[c].to: Invalid value: "leaf9": want a prefix (10.1.0.0/24), an address or a device name`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := resolveText(t, tt.edit(base), nil)
			var got []string
			for _, e := range errs {
				got = append(got, e.Error())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}
