package resolve_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// outsideBase has a leaf with one numbered and one unnumbered external
// neighbour and one group; each row of TestOutsideErrors breaks one thing.
const outsideBase = `apiVersion: underlay.dev/v1alpha1
kind: Fabric
metadata: {name: t}
spec:
  pools:
    asn: {spine: 65100-65199, leaf: 65001-65099}
    loopbackIPv4: 10.255.0.0/24
    linkIPv4: 10.0.0.0/24
  devices:
  - {name: spine1, role: spine, platform: sonic}
  - name: leaf1
    role: leaf
    platform: cumulus
    subnets: [{prefix: 192.168.10.0/29, port: swp20}, {prefix: 10.1.0.0/24, port: swp10}]
    peers:
    - {name: fw1, asn: 65500, address: 192.168.10.2, announces: [0.0.0.0/0]}
    - {name: rtr1, asn: "64999", interface: swp21, announces: [198.51.100.0/24]}
    groups:
    - {name: k8s, asn: external, listen: [10.1.0.0/25], announces: [10.244.0.0/16], accept: [{prefix: 10.244.0.0/16, ge: 24, le: 24}]}
  links:
  - spine1:Ethernet0 -- leaf1:swp1
`

func TestOutsideErrors(t *testing.T) {
	fw1 := "{name: fw1, asn: 65500, address: 192.168.10.2, announces: [0.0.0.0/0]}"
	k8s := "{name: k8s, asn: external, listen: [10.1.0.0/25], announces: [10.244.0.0/16], accept: [{prefix: 10.244.0.0/16, ge: 24, le: 24}]}"
	tests := []struct {
		name     string
		old, new string
		want     []string // substrings, one per expected error, in order
	}{
		{"unknown field in a peer", "address: 192.168.10.2,", "adress: 192.168.10.2,",
			[]string{`fabric.yaml:16: unknown field "adress" in Peer; known fields: accept, address, advertise, announces, asn, interface, name`}},
		{"unknown field in a group", "listen: [10.1.0.0/25]", "listen: [10.1.0.0/25], limit: 3",
			[]string{`fabric.yaml:19: unknown field "limit" in PeerGroup; known fields: accept, advertise, announces, asn, listen, listenLimit, maxPrefixes, name`}},
		{"unknown field in a rule", "ge: 24, le: 24", "ge: 24, max: 24",
			[]string{`fabric.yaml:19: unknown field "max" in PrefixRule; known fields: ge, le, prefix`}},
		{"bad name", "name: fw1,", "name: FW_1,",
			[]string{`fabric.yaml:16: spec.devices[leaf1].peers[FW_1].name: Invalid value: "FW_1": must be at most 32 of a-z, 0-9 and '-'`}},
		{"overlong name", "name: fw1,", "name: " + strings.Repeat("f", 33) + ",",
			[]string{`.name: Invalid value: "` + strings.Repeat("f", 33) + `": must be at most 32`}},
		{"missing name", "name: fw1, ", "",
			[]string{`fabric.yaml:16: spec.devices[leaf1].peers[0].name: Required value: name the neighbour`}},
		{"duplicate name", "name: k8s,", "name: fw1,",
			[]string{`fabric.yaml:19: spec.devices[leaf1].groups[0].name: Duplicate value: "fw1 (first used at spec.devices[leaf1].peers[0]); peers and groups of a device need distinct names"`}},
		{"group named like a port", "name: k8s,", "name: swp9,",
			[]string{`fabric.yaml:19: spec.devices[leaf1].groups[swp9].name: Invalid value: "swp9": looks like an interface name, which FRR would read`}},
		{"group named like a Linux interface", "name: k8s,", "name: eth0,",
			[]string{`groups[eth0].name: Invalid value: "eth0": looks like an interface name`}},
		{"named after a device", "name: k8s,", "name: spine1,",
			[]string{`groups[spine1].name: Invalid value: "spine1": is the name of a fabric device`}},
		{"reserved name", "name: rtr1,", "name: uplink,",
			[]string{`peers[uplink].name: Invalid value: "uplink": is reserved (UNDERLAY-EXPORT-UPLINK, UNDERLAY-IMPORT-FABRIC)`}},
		{"missing asn", "asn: 65500, ", "",
			[]string{`fabric.yaml:16: spec.devices[leaf1].peers[fw1].asn: Required value: the neighbour's ASN`}},
		{"peer asn external", "asn: 65500,", "asn: external,",
			[]string{`peers[fw1].asn: Invalid value: "external": a peer is one neighbour: give its ASN; "external" (any ASN) is for groups`}},
		{"reserved asn", "asn: 65500,", "asn: 23456,",
			[]string{`fabric.yaml:16: spec.devices[leaf1].peers[fw1].asn: Invalid value: "23456": ASN "23456": AS 23456 is reserved (AS_TRANS, RFC 6793)`}},
		{"asdot reserved asn", `asn: "64999"`, `asn: "0.23456"`,
			[]string{`peers[rtr1].asn: Invalid value: "0.23456": ASN "0.23456": AS 23456 is reserved`}},
		{"asn not a number", "asn: external,", "asn: outside,",
			[]string{`groups[k8s].asn: Invalid value: "outside": invalid ASN "outside"`}},
		{"asn of a fabric device", "asn: 65500,", "asn: 65100,",
			[]string{`peers[fw1].asn: Invalid value: "65100": is the ASN of fabric device spine1`}},
		{"asn inside a pool", "asn: 65500,", "asn: 65150,",
			[]string{`peers[fw1].asn: Invalid value: "65150": is inside spec.pools.asn.spine 65100-65199, which underlay allocates devices from`}},
		{"address outside the port subnets", "192.168.10.2", "192.168.11.2",
			[]string{`fabric.yaml:16: spec.devices[leaf1].peers[fw1].address: Invalid value: "192.168.11.2": is in no subnet on one of leaf1's ports (192.168.10.0/29 on swp20, 10.1.0.0/24 on swp10)`}},
		{"address is the gateway", "192.168.10.2", "192.168.10.1",
			[]string{`peers[fw1].address: Invalid value: "192.168.10.1": is leaf1's own gateway address on swp20; give the neighbour another address in 192.168.10.0/29`}},
		{"address is the broadcast", "192.168.10.2", "192.168.10.7",
			[]string{`peers[fw1].address: Invalid value: "192.168.10.7": is the network or broadcast address of 192.168.10.0/29`}},
		{"address is the network address", "192.168.10.2", "192.168.10.0",
			[]string{`peers[fw1].address: Invalid value: "192.168.10.0": is the network or broadcast address of 192.168.10.0/29`}},
		{"group without asn", "asn: external, ", "",
			[]string{`fabric.yaml:19: spec.devices[leaf1].groups[k8s].asn: Required value: the members' ASN, or "external" to accept any ASN but the device's own`}},
		{"advertise le longer than IPv6", "announces: [198.51.100.0/24]}", "announces: [198.51.100.0/24], advertise: [{prefix: \"fd00::/64\", le: 129}]}",
			[]string{`peers[rtr1].advertise[0].le: Invalid value: 129: longer than an IPv6 prefix can be; want 64 <= ge <= le <= 128 for fd00::/64`}},
		{"address not an address", "192.168.10.2", "192.168.10.2/29",
			[]string{`peers[fw1].address: Invalid value: "192.168.10.2/29": not an address`}},
		{"two peers on one address", "interface: swp21", "address: 192.168.10.2",
			[]string{`peers[rtr1].address: Duplicate value: "192.168.10.2 (also the address of spec.devices[leaf1].peers[fw1])"`}},
		{"address and interface", "address: 192.168.10.2,", "address: 192.168.10.2, interface: swp22,",
			[]string{`peers[fw1].interface: Invalid value: "swp22": a peer is numbered (address) or unnumbered (interface), not both`}},
		{"neither address nor interface", "address: 192.168.10.2, ", "",
			[]string{`peers[fw1].address: Required value: set address`}},
		{"interface used by a link", "interface: swp21", "interface: swp1",
			[]string{`fabric.yaml:17: spec.devices[leaf1].peers[rtr1].interface: Duplicate value: "leaf1:swp1 (already used by spec.links[0].endpoints)"`}},
		{"interface used by a subnet", "interface: swp21", "interface: swp10",
			[]string{`peers[rtr1].interface: Duplicate value: "leaf1:swp10 (already used by spec.devices[leaf1].subnets[1].port)"`}},
		{"interface not a port", "interface: swp21", "interface: eth1",
			[]string{`peers[rtr1].interface: Invalid value: "eth1": not a cumulus port name: want e.g. swp1 or swp1s0`}},
		{"listen outside the port subnets", "listen: [10.1.0.0/25]", "listen: [10.9.0.0/25]",
			[]string{`fabric.yaml:19: spec.devices[leaf1].groups[k8s].listen[0]: Invalid value: "10.9.0.0/25": is not inside a subnet on one of leaf1's ports`}},
		{"listen wider than the subnet", "listen: [10.1.0.0/25]", "listen: [10.0.0.0/8]",
			[]string{`groups[k8s].listen[0]: Invalid value: "10.0.0.0/8": is not inside a subnet`}},
		{"listen with host bits", "listen: [10.1.0.0/25]", "listen: [10.1.0.5/25]",
			[]string{`groups[k8s].listen[0]: Invalid value: "10.1.0.5/25": host bits are set; did you mean 10.1.0.0/25?`}},
		{"listen missing", "listen: [10.1.0.0/25], ", "",
			[]string{`groups[k8s].listen: Required value: the ranges members connect from`}},
		{"listen ranges overlap", k8s, k8s + "\n    - {name: k8s-b, asn: external, listen: [10.1.0.64/26], announces: [10.245.0.0/16]}",
			[]string{`fabric.yaml:20: spec.devices[leaf1].groups[k8s-b].listen: Invalid value: "10.1.0.64/26": overlaps 10.1.0.0/25 of spec.devices[leaf1].groups[k8s]; a member must belong to one group`}},
		{"peer inside a listen range", "192.168.10.2", "10.1.0.9",
			[]string{`fabric.yaml:16: spec.devices[leaf1].peers[fw1].address: Invalid value: "10.1.0.9": is inside 10.1.0.0/25 of spec.devices[leaf1].groups[k8s]; a neighbour is a peer or a group member, not both`}},
		{"ge shorter than the prefix", "ge: 24, le: 24", "ge: 8, le: 24",
			[]string{`fabric.yaml:19: spec.devices[leaf1].groups[k8s].accept[0].ge: Invalid value: 8: shorter than the prefix itself, which FRR refuses; want 16 <= ge <= le <= 32 for 10.244.0.0/16`}},
		{"le longer than IPv4", "ge: 24, le: 24", "ge: 24, le: 33",
			[]string{`groups[k8s].accept[0].le: Invalid value: 33: longer than an IPv4 prefix can be; want 16 <= ge <= le <= 32`}},
		{"ge above le", "ge: 24, le: 24", "ge: 26, le: 25",
			[]string{`groups[k8s].accept[0].ge: Invalid value: 26: greater than le, so the rule would match nothing`}},
		{"le alone shorter than the prefix", "ge: 24, le: 24", "le: 8",
			[]string{`groups[k8s].accept[0].le: Invalid value: 8: shorter than the prefix itself`}},
		{"negative ge", "ge: 24, le: 24", "ge: -1",
			[]string{`groups[k8s].accept[0].ge: Invalid value: -1: must not be negative`}},
		{"explicit zero ge", "ge: 24, le: 24", "ge: 0, le: 24",
			[]string{`fabric.yaml:19: spec.devices[leaf1].groups[k8s].accept[0].ge: Invalid value: 0: 0 reads as unset here`}},
		{"rule prefix with host bits", "{prefix: 10.244.0.0/16, ge: 24", "{prefix: 10.244.0.1/16, ge: 24",
			[]string{`groups[k8s].accept[0].prefix: Invalid value: "10.244.0.1/16": host bits are set; did you mean 10.244.0.0/16?`}},
		{"listenLimit too large", "listen: [10.1.0.0/25]", "listen: [10.1.0.0/25], listenLimit: 70000",
			[]string{`groups[k8s].listenLimit: Invalid value: 70000: must be 1-65535`}},
		{"listenLimit shared by two groups", "listen: [10.1.0.0/25], announces",
			"listen: [10.1.0.0/26], listenLimit: 50, announces: [10.244.0.0/16], accept: [{prefix: 10.244.0.0/16, ge: 24, le: 24}]}\n    - {name: k9s, asn: external, listen: [10.1.0.64/26], announces",
			[]string{`groups[k8s].listenLimit: Invalid value: 50: group k8s sets a listen limit, but the dynamic neighbours of all groups [k8s k9s] are limited together (bgp listen limit): set it only where one group listens`}},
		{"maxPrefixes too large", "listen: [10.1.0.0/25]", "listen: [10.1.0.0/25], maxPrefixes: 4294967296",
			[]string{`groups[k8s].maxPrefixes: Invalid value: 4294967296: must be 1-4294967295`}},
		{"negative maxPrefixes", "listen: [10.1.0.0/25]", "listen: [10.1.0.0/25], maxPrefixes: -5",
			[]string{`groups[k8s].maxPrefixes: Invalid value: -5: must be 1-4294967295`}},
		{"announces not a prefix", "announces: [0.0.0.0/0]", "announces: [default]",
			[]string{`peers[fw1].announces[0]: Invalid value: "default": not a prefix`}},
		{"announces with host bits", "announces: [198.51.100.0/24]", "announces: [198.51.100.1/24]",
			[]string{`peers[rtr1].announces[0]: Invalid value: "198.51.100.1/24": host bits are set`}},
		{"announces twice", "announces: [0.0.0.0/0]", "announces: [0.0.0.0/0, 0.0.0.0/0]",
			[]string{`peers[fw1].announces[1]: Duplicate value: "0.0.0.0/0"`}},
		{"announces nothing", ", announces: [0.0.0.0/0]", "",
			[]string{`peers[fw1].announces: Required value: list what the neighbour announces`}},
		{"empty accept", "announces: [0.0.0.0/0]", "announces: [0.0.0.0/0], accept: []",
			[]string{`peers[fw1].accept: Required value: an empty list would match nothing`}},
		{"accept takes the loopback pool", "announces: [0.0.0.0/0]", "announces: [0.0.0.0/0], accept: [{prefix: 0.0.0.0/0, le: 32}]",
			[]string{`peers[fw1].accept[0]: Invalid value: "0.0.0.0/0": would accept addresses of spec.pools.loopbackIPv4 10.255.0.0/24 from outside the fabric`}},
		{"announces the fabric's subnet", "announces: [198.51.100.0/24]", "announces: [10.1.0.0/24]",
			[]string{`peers[rtr1].announces[0]: Invalid value: "10.1.0.0/24": would accept 10.1.0.0/24, which leaf1 announces itself, from outside the fabric`}},
		{"group on a host", "  links:\n", "  - {name: h1, role: host, platform: linux-frr, asn: 4200000001, groups: [" + k8s + "]}\n  links:\n",
			[]string{`spec.devices[h1].groups: Forbidden: only leaves peer outside the fabric (a host announces only its own prefixes to its leaves)`}},
		{"peer on a spine", "{name: spine1, role: spine, platform: sonic}", "{name: spine1, role: spine, platform: sonic, peers: [" + fw1 + "]}",
			[]string{`fabric.yaml:10: spec.devices[spine1].peers: Forbidden: only leaves peer outside the fabric (a spine carries every leaf's routes)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(outsideBase, tt.old) {
				t.Fatalf("%q is not in the base intent", tt.old)
			}
			_, errs := resolveText(t, strings.Replace(outsideBase, tt.old, tt.new, 1), nil)
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

// TestOutsideSessions: sessions to neighbours outside the fabric come after
// the fabric's, by name, each with its families and its two policies; the
// leaf announces to its spine what it accepts from them; an unnumbered
// external's port is an interface of the device.
func TestOutsideSessions(t *testing.T) {
	text := strings.Replace(outsideBase, "announces: [198.51.100.0/24]}",
		"announces: [198.51.100.0/24], advertise: [{prefix: 10.1.0.0/24}, {prefix: 10.255.0.0/24, le: 32}]}", 1)
	text = strings.Replace(text, "loopbackIPv4: 10.255.0.0/24", "loopbackIPv4: 10.255.0.0/24\n    loopbackIPv6: fd00:255::/64", 1)
	res, errs := resolveText(t, text, nil)
	if errs != nil {
		t.Fatal(errs)
	}
	leaf := res.Fabric.Devices[0]
	if leaf.Name != "leaf1" {
		t.Fatalf("devices[0] is %s", leaf.Name)
	}
	type row struct {
		Neighbor, Description, ASN, Families, Import, Export string
		Unnumbered                                           bool
		Local                                                string
	}
	var got []row
	for _, s := range leaf.Default().Sessions {
		r := row{Neighbor: s.Neighbor(), Description: s.Description(), ASN: s.PeerASN.String(), Unnumbered: s.Unnumbered}
		for _, f := range s.Families {
			r.Families += string(f) + " "
		}
		if s.Import != nil {
			r.Import = s.Import.Name
		}
		if s.Export != nil {
			r.Export = s.Export.Name
		}
		if s.LocalAddr.IsValid() {
			r.Local = s.LocalAddr.String()
		}
		got = append(got, r)
	}
	want := []row{
		{"10.0.0.0", "spine1:Ethernet0", "65100", "ipv4 ", "", "UNDERLAY-EXPORT-UPLINK", false, "10.0.0.1"},
		{"192.168.10.2", "fw1", "65500", "ipv4 ", "UNDERLAY-IMPORT-fw1", "UNDERLAY-EXPORT-fw1", false, "192.168.10.1"},
		{"k8s", "k8s", "0", "ipv4 ", "UNDERLAY-IMPORT-k8s", "UNDERLAY-EXPORT-k8s", false, ""},
		// over a port: the fabric's families, as a fabric unnumbered session
		{"swp21", "rtr1", "64999", "ipv4 ipv6 ", "UNDERLAY-IMPORT-rtr1", "UNDERLAY-EXPORT-rtr1", true, ""},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("leaf1 sessions (-want +got):\n%s", diff)
	}
	policies := map[string]string{}
	var names []string
	for _, p := range leaf.Policies {
		names = append(names, p.Name)
		var rules []string
		for _, r := range p.Rules {
			s := r.Prefix.String()
			if r.Ge != 0 {
				s += fmt.Sprintf(" ge %d", r.Ge)
			}
			if r.Le != 0 {
				s += fmt.Sprintf(" le %d", r.Le)
			}
			rules = append(rules, s)
		}
		policies[p.Name] = strings.Join(rules, ", ")
	}
	fabric := "10.1.0.0/24, 10.255.0.0/24 le 32, 192.168.10.0/29, fd00:255::/64 le 128"
	wantPolicies := map[string]string{
		"UNDERLAY-EXPORT-UPLINK": "0.0.0.0/0, 10.1.0.0/24, 10.244.0.0/16 ge 24 le 24, 10.255.0.1/32, 192.168.10.0/29, 198.51.100.0/24, fd00:255::1/128",
		"UNDERLAY-IMPORT-fw1":    "0.0.0.0/0",
		"UNDERLAY-EXPORT-fw1":    fabric,
		"UNDERLAY-IMPORT-k8s":    "10.244.0.0/16 ge 24 le 24",
		"UNDERLAY-EXPORT-k8s":    fabric,
		"UNDERLAY-IMPORT-rtr1":   "198.51.100.0/24",
		"UNDERLAY-EXPORT-rtr1":   "10.1.0.0/24, 10.255.0.0/24 le 32",
	}
	if diff := cmp.Diff(wantPolicies, policies); diff != "" {
		t.Errorf("leaf1 policies (-want +got):\n%s", diff)
	}
	if !sort.StringsAreSorted(names) {
		t.Errorf("policies not sorted by name: %v", names)
	}
	var ifaces []string
	for _, i := range leaf.Interfaces {
		ifaces = append(ifaces, fmt.Sprintf("%s %v unnumbered=%v", i.Name, i.Addrs, i.Unnumbered))
	}
	wantIfaces := []string{"lo [10.255.0.1/32 fd00:255::1/128] unnumbered=false", "swp1 [10.0.0.1/31] unnumbered=false",
		"swp10 [10.1.0.1/24] unnumbered=false", "swp20 [192.168.10.1/29] unnumbered=false", "swp21 [] unnumbered=true"}
	if diff := cmp.Diff(wantIfaces, ifaces); diff != "" {
		t.Errorf("leaf1 interfaces (-want +got):\n%s", diff)
	}
}
