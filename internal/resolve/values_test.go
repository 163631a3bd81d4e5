package resolve_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestValueErrors: each bad value is an error on its line with its path
// and the fix; the neighbouring good values pass.
func TestValueErrors(t *testing.T) {
	spine := "{name: spine1, role: spine, platform: sonic}"
	sonic := func(v string) func(string) string {
		return func(s string) string {
			return strings.Replace(s, spine, "{name: spine1, role: spine, platform: sonic, sonic: {"+v+"}}", 1)
		}
	}
	leaf1 := "{name: leaf1, role: leaf, platform: cumulus}"
	onLeaf1 := func(v string) func(string) string {
		return func(s string) string {
			return strings.Replace(s, leaf1, "{name: leaf1, role: leaf, platform: cumulus, "+v+"}", 1)
		}
	}
	inSpec := func(v string) func(string) string {
		return func(s string) string { return strings.Replace(s, "spec:\n", "spec:\n"+v, 1) }
	}
	const bad = "fabric.yaml:10: spec.devices[spine1].sonic."
	tests := []struct {
		name string
		edit func(string) string
		want []string
	}{
		{"three endpoints", func(s string) string {
			return strings.Replace(s, "- spine1:Ethernet4 -- leaf2:swp1", "- spine1:Ethernet4 -- leaf2:swp1 -- leaf1:swp2", 1)
		}, []string{`fabric.yaml:15: spec.links[1].endpoints: Invalid value: "spine1:Ethernet4 -- leaf2:swp1 -- leaf1:swp2": a link joins exactly two ports, this one names 3; write one link per pair of ports`}},
		{"subnet inside the link pool", onLeaf1("subnets: [{prefix: 10.0.0.128/25}]"),
			[]string{`fabric.yaml:11: spec.devices[leaf1].subnets[0].prefix: Invalid value: "10.0.0.128/25": overlaps spec.pools.linkIPv4 10.0.0.0/24, which underlay allocates from; move the subnet out of the pool or shrink the pool`}},
		{"subnet around the loopback pool", onLeaf1("subnets: [{prefix: 10.255.0.0/16}]"),
			[]string{`fabric.yaml:11: spec.devices[leaf1].subnets[0].prefix: Invalid value: "10.255.0.0/16": overlaps spec.pools.loopbackIPv4 10.255.0.0/24, which underlay allocates from; move the subnet out of the pool or shrink the pool`}},
		{"subnet beside the pools", onLeaf1("subnets: [{prefix: 10.1.0.0/24}]"), nil},
		{"short mac", sonic("mac: '02:00:00:00:00'"),
			[]string{bad + `mac: Invalid value: "02:00:00:00:00": want six colon-separated hex octets, e.g. 02:42:ac:11:00:02`}},
		{"dashed mac", sonic("mac: 02-00-00-00-00-01"),
			[]string{bad + `mac: Invalid value: "02-00-00-00-00-01": want six colon-separated hex octets, e.g. 02:42:ac:11:00:02`}},
		{"multicast mac", sonic("mac: '01:00:5e:00:00:01'"),
			[]string{bad + `mac: Invalid value: "01:00:5e:00:00:01": a multicast MAC (the first octet is odd) cannot be a switch's base MAC; set the switch's base MAC`}},
		{"zero mac", sonic("mac: '00:00:00:00:00:00'"),
			[]string{bad + `mac: Invalid value: "00:00:00:00:00:00": the all-zero MAC is no address; set the switch's base MAC`}},
		{"hwsku with a path", sonic("hwsku: ../../etc/passwd, platform: 'x86 64'"),
			[]string{bad + `hwsku: Invalid value: "../../etc/passwd": SONiC looks it up as a directory name: 1-255 of A-Z, a-z, 0-9, '.', '_', '+', '-', e.g. Force10-S6000 or Mellanox-SN2700`,
				bad + `platform: Invalid value: "x86 64": SONiC looks it up as a directory name: 1-255 of A-Z, a-z, 0-9, '.', '_', '+', '-', e.g. x86_64-mlnx_msn2700-r0`}},
		{"good sonic values", sonic("mac: '02:42:AC:11:00:02', hwsku: Mellanox-SN2700-D48C8, platform: x86_64-mlnx_msn2700-r0"), nil},
		{"image that is not one", inSpec("  agent: {image: 'not an image'}\n"),
			[]string{`fabric.yaml:5: spec.agent.image: Invalid value: "not an image": not a container image reference (invalid reference format); want e.g. registry.example.com/underlay-agent:v0.1.0`}},
		{"image in upper case", inSpec("  agent: {image: Registry.example.com/Underlay:v1}\n"),
			[]string{`fabric.yaml:5: spec.agent.image: Invalid value: "Registry.example.com/Underlay:v1": not a container image reference (invalid reference format: repository name (Underlay) must be lowercase); want e.g. registry.example.com/underlay-agent:v0.1.0`}},
		{"good images", inSpec("  agent: {image: 'registry.example.com:5000/underlay-agent:v0.1.0@sha256:" + strings.Repeat("a", 64) + "'}\n"), nil},
		{"explicit mtu 0", onLeaf1("mtu: 0"),
			[]string{`fabric.yaml:11: spec.devices[leaf1].mtu: Invalid value: 0: 0 reads as unset here; remove mtu to take the default, or give a value`}},
		{"explicit zeros everywhere", func(s string) string {
			s = inSpec("  bgp: {maximumPaths: 0}\n  agent: {image: underlay-agent, healthTimeout: 00}\n")(s)
			s = strings.Replace(s, "- spine1:Ethernet0 -- leaf1:swp1", "- {endpoints: 'spine1:Ethernet0 -- leaf1:swp1', mtu: 0}", 1)
			return onLeaf1("bgp: {maximumPaths: 0}")(s)
		}, []string{`fabric.yaml:5: spec.bgp.maximumPaths: Invalid value: 0: 0 reads as unset here; remove maximumPaths to take the default, or give a value`,
			`fabric.yaml:6: spec.agent.healthTimeout: Invalid value: 0: 0 reads as unset here; remove healthTimeout to take the default, or give a value`,
			`fabric.yaml:13: spec.devices[leaf1].bgp.maximumPaths: Invalid value: 0: 0 reads as unset here; remove maximumPaths to take the default, or give a value`,
			`fabric.yaml:16: spec.links[0].mtu: Invalid value: 0: 0 reads as unset here; remove mtu to take the default, or give a value`}},
		{"a string 0 is not a number 0", sonic("hwsku: '0'"), nil},
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
