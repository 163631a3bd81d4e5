package resolve_test

import (
	"strings"
	"testing"
)

// TestSONiCRoutingMode: unified mode runs bgpcfgd's templates, whose BGP
// settings are fixed (multipath-relax, maximum-paths 64/514, the oldest of
// equal eBGP paths wins). Whatever the intent sets otherwise, where it
// makes a difference, picks split mode, or is an error at sonic.routingMode
// when unified is pinned.
func TestSONiCRoutingMode(t *testing.T) {
	const spine = "{name: spine1, role: spine, platform: sonic}"
	pin := func(s string) string {
		return strings.Replace(s, "{name: spine1, role: spine, platform: sonic", "{name: spine1, role: spine, platform: sonic, sonic: {routingMode: unified}", 1)
	}
	dualHomedHost := func(s string) string {
		s = strings.Replace(s, "  links:\n", "  - {name: host1, role: host, platform: linux-frr}\n  links:\n", 1)
		return s + "  - leaf1:swp10 -- host1:eth0\n  - leaf2:swp10 -- host1:eth1\n"
	}
	tests := []struct {
		name    string
		edit    func(string) string
		want    string // resolved mode when not pinned
		wantErr string // error when unified is pinned; "" when unified can carry it
	}{
		{"numbered IPv4 spine", func(s string) string { return s }, "unified", ""},
		{"timers are carried by BGP_NEIGHBOR", func(s string) string {
			return strings.Replace(s, "  devices:\n", "  bgp: {timers: {keepalive: 10, hold: 30}}\n  devices:\n", 1)
		}, "unified", ""},
		{"maximum-paths that cannot bind", func(s string) string {
			// Two sessions, but each prefix arrives over one of them.
			return strings.Replace(s, spine, "{name: spine1, role: spine, platform: sonic, bgp: {maximumPaths: 1}}", 1)
		}, "unified", ""},
		{"single-homed host", func(s string) string {
			s = strings.Replace(s, "  links:\n", "  - {name: host1, role: host, platform: linux-frr}\n  links:\n", 1)
			return s + "  - leaf1:swp10 -- host1:eth0\n"
		}, "unified", ""},
		{"multipathRelax false", func(s string) string {
			return strings.Replace(s, "  devices:\n", "  bgp: {multipathRelax: false}\n  devices:\n", 1)
		}, "split", "fabric.yaml:11: spec.devices[spine1].sonic.routingMode: Invalid value: \"unified\": " +
			"unified mode (bgpcfgd's templates) cannot carry this device's routing: spec.bgp.multipathRelax is false, " +
			"but the template always sets bgp bestpath as-path multipath-relax; use routingMode: split"},
		{"maximum-paths that binds", func(s string) string {
			s = strings.Replace(s, spine, "{name: spine1, role: spine, platform: sonic, bgp: {maximumPaths: 1}}", 1)
			return s + "  - leaf1:swp2 -- spine1:Ethernet8\n"
		}, "split", "10.255.0.1/32 arrives over 2 equal paths, more than bgp.maximumPaths 1, but the template renders maximum-paths 64 or more"},
		{"dual-homed host: ties by age", dualHomedHost, "split",
			"(via leaf1 and leaf2), and the template keeps the oldest of them (no compare-routerid)"},
		{"a tenant VRF on a leaf: the spine carries EVPN", func(s string) string {
			return s + "  networks:\n  - {name: tenant-a, kind: tenant, pool: 10.100.0.0/16}\n" +
				"  servers:\n  - {name: bm1, leaf: leaf1, ports: [swp5], untagged: tenant-a}\n"
		}, "split", "it carries the fabric's EVPN routes (address-family l2vpn evpn), which bgpcfgd's templates do not render"},
		{"a network in vrf default: no EVPN", func(s string) string {
			return s + "  networks:\n  - {name: pxe, kind: provisioning, pool: 10.10.0.0/16}\n" +
				"  servers:\n  - {name: bm1, leaf: leaf1, ports: [swp5], untagged: pxe}\n"
		}, "unified", ""},
		{"second IPv4 loopback", func(s string) string {
			return strings.Replace(s, spine, "{name: spine1, role: spine, platform: sonic, loopbacks: [10.9.0.1/32, 10.9.0.2/32]}", 1)
		}, "split", "it has 2 IPv4 loopbacks and the template announces only Loopback0's first"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := tt.edit(base)
			res, errs := resolveText(t, text, nil)
			if len(errs) > 0 {
				t.Fatalf("not pinned: %v", errs)
			}
			for _, d := range res.Fabric.Devices {
				if got := d.Sonic.RoutingMode; d.Name == "spine1" && got != tt.want {
					t.Errorf("mode %q, want %q", got, tt.want)
				}
			}
			_, errs = resolveText(t, pin(text), nil)
			switch {
			case tt.wantErr == "" && len(errs) > 0:
				t.Errorf("pinned unified: %v", errs)
			case tt.wantErr != "" && (len(errs) != 1 || !strings.Contains(errs[0].Error(), tt.wantErr)):
				t.Errorf("pinned unified:\n got %v\nwant …%s…", errs, tt.wantErr)
			}
		})
	}
}
