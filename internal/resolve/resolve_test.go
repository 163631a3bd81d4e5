package resolve_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/intent"
	"underlay.dev/underlay/internal/resolve"
)

const base = `apiVersion: underlay.dev/v1alpha1
kind: Fabric
metadata: {name: t}
spec:
  pools:
    asn: {spine: 65100-65199, leaf: 65001-65099, host: 4200000000-4200000099}
    loopbackIPv4: 10.255.0.0/24
    linkIPv4: 10.0.0.0/24
  devices:
  - {name: spine1, role: spine, platform: sonic}
  - {name: leaf1, role: leaf, platform: cumulus}
  - {name: leaf2, role: leaf, platform: nvue}
  links:
  - spine1:Ethernet0 -- leaf1:swp1
  - spine1:Ethernet4 -- leaf2:swp1
`

func resolveText(t *testing.T, text string, lock *v1alpha1.Lock) (*resolve.Result, intent.Errors) {
	t.Helper()
	doc, err := intent.Parse("fabric.yaml", []byte(text))
	if err != nil {
		var errs intent.Errors
		if !errors.As(err, &errs) {
			t.Fatalf("parse: %v", err)
		}
		return nil, errs
	}
	res, ferrs := resolve.Resolve(doc.Fabric, lock)
	if len(ferrs) > 0 {
		return nil, doc.Locate(ferrs)
	}
	return res, nil
}

func TestResolveErrors(t *testing.T) {
	tests := []struct {
		name string
		edit func(string) string
		want []string // substrings, one per expected error, in order
	}{
		{"unknown field", func(s string) string {
			return strings.Replace(s, "{name: leaf1, role: leaf,", "{name: leaf1, rol: leaf, role: leaf,", 1)
		}, []string{`fabric.yaml:11: unknown field "rol" in Device; known fields: asn, bgp, loopbacks, mtu, name, platform, pod, role, sonic, subnets, unnumbered`}},
		{"duplicate name", func(s string) string {
			return strings.Replace(s, "name: leaf2", "name: leaf1", 1)
		}, []string{"fabric.yaml:12: spec.devices[2].name: Duplicate value: \"leaf1 (first defined at spec.devices[leaf1])\"",
			"fabric.yaml:15: spec.links[1].endpoints: Not found: \"leaf2 (no device of that name in spec.devices)\""}},
		{"unknown device", func(s string) string {
			return strings.Replace(s, "-- leaf2:swp1", "-- leaf9:swp1", 1)
		}, []string{"fabric.yaml:15: spec.links[1].endpoints: Not found: \"leaf9 (no device of that name in spec.devices)\""}},
		{"bad port name", func(s string) string {
			return strings.Replace(s, "spine1:Ethernet4", "spine1:eth4", 1)
		}, []string{`spec.links[1].endpoints: Invalid value: "eth4": not a sonic port name: want e.g. Ethernet0`}},
		{"port used twice", func(s string) string {
			return strings.Replace(s, "spine1:Ethernet4", "spine1:Ethernet0", 1)
		}, []string{`fabric.yaml:15: spec.links[1].endpoints: Duplicate value: "spine1:Ethernet0 (already used by spec.links[0].endpoints)"`}},
		{"sonic routing mode", func(s string) string {
			return strings.Replace(s, "{name: spine1, role: spine, platform: sonic}", "{name: spine1, role: spine, platform: sonic, sonic: {routingMode: separated}}", 1)
		}, []string{`fabric.yaml:10: spec.devices[spine1].sonic.routingMode: Unsupported value: "separated": supported values: "split", "unified"`}},
		{"unsupported platform", func(s string) string {
			return strings.Replace(s, "platform: nvue", "platform: junos", 1)
		}, []string{`fabric.yaml:12: spec.devices[leaf2].platform: Unsupported value: "junos": supported values: "cumulus", "linux-frr", "nvue", "sonic"`}},
		{"loopback collision", func(s string) string {
			s = strings.Replace(s, "{name: leaf1, role: leaf, platform: cumulus}", "{name: leaf1, role: leaf, platform: cumulus, loopbacks: [10.9.0.1/32]}", 1)
			return strings.Replace(s, "{name: leaf2, role: leaf, platform: nvue}", "{name: leaf2, role: leaf, platform: nvue, loopbacks: [10.9.0.1]}", 1)
		}, []string{`fabric.yaml:12: spec.devices[leaf2].loopbacks[0]: Invalid value: "10.9.0.1/32": loopback collides with leaf1 (set at spec.devices[leaf1].loopbacks[0])`}},
		{"loopback inside link", func(s string) string {
			return strings.Replace(s, "{name: leaf1, role: leaf, platform: cumulus}", "{name: leaf1, role: leaf, platform: cumulus, loopbacks: [10.0.0.1/32]}", 1)
		}, []string{`loopback overlaps the link 10.0.0.0/31 of leaf1:swp1--spine1:Ethernet0 (spec.links[0])`}},
		{"asn collision leaves", func(s string) string {
			s = strings.Replace(s, "platform: cumulus}", "platform: cumulus, asn: 65010}", 1)
			return strings.Replace(s, "platform: nvue}", "platform: nvue, asn: 65010}", 1)
		}, []string{`fabric.yaml:12: spec.devices[leaf2].asn: Invalid value: "65010": asn collides with leaf1 (set at spec.devices[leaf1].asn)`}},
		{"overlapping pools", func(s string) string {
			return strings.Replace(s, "linkIPv4: 10.0.0.0/24", "linkIPv4: 10.255.0.0/16", 1)
		}, []string{`fabric.yaml:8: spec.pools.linkIPv4: Invalid value: "10.255.0.0/16": overlaps spec.pools.loopbackIPv4 10.255.0.0/24; pools must be disjoint`}},
		{"exhausted pool", func(s string) string {
			return strings.Replace(s, "linkIPv4: 10.0.0.0/24", "linkIPv4: 10.0.0.0/31", 1)
		}, []string{`fabric.yaml:8: spec.pools.linkIPv4: Invalid value: "10.0.0.0/31": pool 10.0.0.0/31 is exhausted: 1 more link prefixes needed than it holds (1 slots, all taken); enlarge the pool`}},
		{"unnumbered one end", func(s string) string {
			return strings.Replace(s, "{name: leaf2, role: leaf, platform: nvue}", "{name: leaf2, role: leaf, platform: nvue, unnumbered: true}", 1)
		}, []string{`fabric.yaml:15: spec.links[1]: Invalid value: "spine1:Ethernet4 -- leaf2:swp1": unnumbered on one end only: leaf2 is unnumbered but spine1 is numbered`}},
		{"many errors at once", func(s string) string {
			s = strings.Replace(s, "role: spine", "role: spin", 1)
			s = strings.Replace(s, "platform: nvue", "platform: eos", 1)
			return strings.Replace(s, "leaf1:swp1\n", "leaf1:swp1 \n  - leaf1 -- spine1\n", 1)
		}, []string{"spec.devices[spine1].role: Unsupported value: \"spin\"", "spec.devices[leaf2].platform: Unsupported value: \"eos\"", "spec.links[1].endpoints: Invalid value: \"leaf1\"", "spec.links[1].endpoints: Invalid value: \"spine1\""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := resolveText(t, tt.edit(base), nil)
			if len(errs) != len(tt.want) {
				t.Fatalf("got %d errors, want %d:\n%v", len(errs), len(tt.want), errs)
			}
			for i, w := range tt.want {
				if !strings.Contains(errs[i].Error(), w) {
					t.Errorf("error %d:\n got %s\nwant …%s…", i, errs[i].Error(), w)
				}
			}
		})
	}
}

// TestAllocationIsStable checks the central promise of the lock file:
// adding (or removing) a device and a link changes no other allocation.
func TestAllocationIsStable(t *testing.T) {
	first, errs := resolveText(t, base, nil)
	if errs != nil {
		t.Fatal(errs)
	}
	// leaf0 sorts before every existing device, so without the lock it
	// would take the lowest ASN, loopback and link prefix.
	grown := strings.Replace(base, "  links:\n", "  - {name: leaf0, role: leaf, platform: cumulus}\n  links:\n", 1) +
		"  - spine1:Ethernet8 -- leaf0:swp1\n"
	second, errs := resolveText(t, grown, first.Lock)
	if errs != nil {
		t.Fatal(errs)
	}
	assertKept(t, first.Lock, second.Lock)
	if _, ok := second.Lock.ASNs["leaf0"]; !ok {
		t.Errorf("leaf0 got no ASN: %+v", second.Lock.ASNs)
	}
	// Removing leaf0 again keeps everything else as well.
	third, errs := resolveText(t, base, second.Lock)
	if errs != nil {
		t.Fatal(errs)
	}
	if diff := cmp.Diff(first.Lock, third.Lock); diff != "" {
		t.Errorf("removing leaf0 changed allocations (-want +got):\n%s", diff)
	}
}

func assertKept(t *testing.T, before, after *v1alpha1.Lock) {
	t.Helper()
	for k, v := range before.ASNs {
		if after.ASNs[k] != v {
			t.Errorf("asn of %s moved from %d to %d", k, v, after.ASNs[k])
		}
	}
	for _, pair := range [][2]map[string]string{{before.LoopbackIPv4, after.LoopbackIPv4}, {before.LinkIPv4, after.LinkIPv4}} {
		for k, v := range pair[0] {
			if pair[1][k] != v {
				t.Errorf("%s moved from %s to %s", k, v, pair[1][k])
			}
		}
	}
}

func TestExplicitValueAgainstLock(t *testing.T) {
	first, errs := resolveText(t, base, nil)
	if errs != nil {
		t.Fatal(errs)
	}
	taken := first.Lock.LoopbackIPv4["leaf1"]
	edited := strings.Replace(base, "platform: nvue}", "platform: nvue, loopbacks: ["+taken+"]}", 1)
	_, errs = resolveText(t, edited, first.Lock)
	want := `fabric.lock.yaml: loopbackIPv4.leaf1: Invalid value: "` + taken + `": loopback of leaf1 in the lock file collides with leaf2, which sets it explicitly at spec.devices[leaf2].loopbacks[0]; pick another value for leaf2, or delete leaf1's entry from the lock file to give it a new one`
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), want) {
		t.Fatalf("got %v\nwant one error containing %s", errs, want)
	}
}

func TestCorruptLockEntryIsAnError(t *testing.T) {
	first, errs := resolveText(t, base, nil)
	if errs != nil {
		t.Fatal(errs)
	}
	first.Lock.LoopbackIPv4["leaf1"] = "10.255.0.999/32"
	_, errs = resolveText(t, base, first.Lock)
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "the lock file's loopbackIPv4 entry for leaf1 is not usable: not a prefix") {
		t.Fatalf("got %v", errs)
	}
}
