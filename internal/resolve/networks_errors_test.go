package resolve_test

import "testing"

// netBase is a fabric with every kind of leaf (cumulus, nvue, sonic), a
// spine and a host, four networks (two lifecycle networks relayed to one
// DHCP server, a tenant network in its own VRF, a plain one with a fixed
// VLAN) and a bonded or single-port server on each leaf. Line numbers
// matter: the errors below are on them.
const netBase = `apiVersion: underlay.dev/v1alpha1
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
  - {name: leaf3, role: leaf, platform: sonic}
  - {name: host1, role: host, platform: linux-frr}
  links:
  - spine1:Ethernet0 -- leaf1:swp1
  - spine1:Ethernet4 -- leaf2:swp1
  - spine1:Ethernet8 -- leaf3:Ethernet0
  - leaf1:swp2 -- host1:eth1
  networks:
  - {name: provisioning, kind: provisioning, pool: 10.10.0.0/16, relay: [10.20.0.10]}
  - {name: cleaning, kind: cleaning, pool: 10.11.0.0/16, relay: [10.20.0.10]}
  - {name: tenant-a, kind: tenant, pool: 10.100.0.0/16}
  - {name: web, vlan: 300, pool: 10.30.0.0/16}
  servers:
  - {name: srv1, leaf: leaf1, ports: [swp5, swp6], untagged: provisioning}
  - {name: srv2, leaf: leaf2, ports: [swp5], untagged: tenant-a, tagged: [web]}
  - {name: srv3, leaf: leaf3, ports: [Ethernet8, Ethernet12], untagged: cleaning}
`

// TestNetworkErrors: every mistake in spec.networks and spec.servers is
// an error on the intent's line that names the fix, and comes alone (no
// error follows from another).
func TestNetworkErrors(t *testing.T) {
	tests := []struct {
		name         string
		fabric, lock string
		want         []string
	}{
		{name: "VLAN in Cumulus' internal range on a cumulus leaf", fabric: replace(netBase, `{name: web, vlan: 300`, `{name: web, vlan: 3725`), lock: "",
			want: []string{
				`fabric.yaml:24: spec.networks[web].vlan: Invalid value: 3725: VLAN 3725 is reserved on leaf1 (platform cumulus): Cumulus Linux reserves it for internal use; pick one outside 3725-3999, or drop vlan to have one allocated from spec.pools.vlans`}},
		{name: "VLAN in NVUE's L3VNI range on an nvue leaf", fabric: replace(netBase, `{name: web, vlan: 300, pool: 10.30.0.0/16}`, `{name: web, vlan: 4000, pool: 10.30.0.0/16, leaves: [leaf2]}`), lock: "",
			want: []string{
				`fabric.yaml:24: spec.networks[web].vlan: Invalid value: 4000: VLAN 4000 is reserved on leaf2 (platform nvue): NVUE reserves it for L3VNI VLANs and underlay maps VRF L3VNIs to it; pick one outside 4000-4064, or drop vlan to have one allocated from spec.pools.vlans`}},
		{name: "VLAN at the top of the L3VNI range on a cumulus leaf", fabric: replace(netBase, `{name: web, vlan: 300`, `{name: web, vlan: 4064`), lock: "",
			want: []string{
				`fabric.yaml:24: spec.networks[web].vlan: Invalid value: 4064: VLAN 4064 is reserved on leaf1 (platform cumulus): NVUE reserves it for L3VNI VLANs and underlay maps VRF L3VNIs to it; pick one outside 4000-4064, or drop vlan to have one allocated from spec.pools.vlans`}},
		{name: "VLAN in the L3VNI range on a sonic leaf", fabric: replace(netBase, `{name: web, vlan: 300, pool: 10.30.0.0/16}`, `{name: web, vlan: 4064, pool: 10.30.0.0/16, leaves: [leaf3]}`, `tagged: [web]`, `tagged: []`), lock: "",
			want: []string{
				`fabric.yaml:24: spec.networks[web].vlan: Invalid value: 4064: VLAN 4064 is reserved on leaf3 (platform sonic): underlay maps VRF L3VNIs to these VLANs; pick one outside 4000-4064, or drop vlan to have one allocated from spec.pools.vlans`}},
		{name: "VLAN used by two networks", fabric: replace(netBase, `{name: tenant-a, kind: tenant,`, `{name: tenant-a, kind: tenant, vlan: 300,`), lock: "",
			want: []string{
				`fabric.yaml:24: spec.networks[web].vlan: Invalid value: "300": VLAN collides with network tenant-a (set at spec.networks[tenant-a].vlan); two networks on one VLAN would be one broadcast domain: give one of them another vlan, or drop its vlan to have one allocated`}},
		{name: "VLAN below 1", fabric: replace(netBase, `{name: web, vlan: 300`, `{name: web, vlan: -1`), lock: "",
			want: []string{
				`fabric.yaml:24: spec.networks[web].vlan: Invalid value: -1: a VLAN is 1-4094`}},
		{name: "VLAN above 4094", fabric: replace(netBase, `{name: web, vlan: 300`, `{name: web, vlan: 4095`), lock: "",
			want: []string{
				`fabric.yaml:24: spec.networks[web].vlan: Invalid value: 4095: a VLAN is 1-4094`}},
		{name: "VLAN beyond an int", fabric: replace(netBase, `{name: web, vlan: 300`, `{name: web, vlan: 99999999999999999999`), lock: "",
			want: []string{
				`fabric.yaml:24: spec.networks[web].vlan: Invalid value: "99999999999999999999": must be a whole number`}},
		{name: "explicit subnet in another network's pool", fabric: replace(netBase, `{name: web, vlan: 300, pool: 10.30.0.0/16}`, `{name: web, vlan: 300, subnets: [{leaf: leaf2, prefix: 10.100.0.0/24}]}`), lock: "",
			want: []string{
				`fabric.yaml:24: spec.networks[web].subnets[0].prefix: Invalid value: "10.100.0.0/24": subnet lies in network tenant-a's pool 10.100.0.0/16 (spec.networks[tenant-a].pool), which underlay carves the network's per-leaf subnets from; move the subnet out of the pool, or shrink the pool`}},
		{name: "two networks pin one subnet", fabric: replace(netBase, `{name: web, vlan: 300, pool: 10.30.0.0/16}`, `{name: web, vlan: 300, subnets: [{leaf: leaf2, prefix: 10.40.0.0/24}]}`, `{name: tenant-a, kind: tenant, pool: 10.100.0.0/16}`, `{name: tenant-a, kind: tenant, pool: 10.100.0.0/16, subnets: [{leaf: leaf2, prefix: 10.40.0.0/24}]}`), lock: "",
			want: []string{
				`fabric.yaml:24: spec.networks[web].subnets[0].prefix: Invalid value: "10.40.0.0/24": subnet overlaps the subnet 10.40.0.0/24 of network tenant-a on leaf2 (spec.networks[tenant-a].subnets[0].prefix); move one of the two`}},
		{name: "one network pins one subnet on two leaves", fabric: replace(netBase, `{name: web, vlan: 300, pool: 10.30.0.0/16}`, `{name: web, vlan: 300, subnets: [{leaf: leaf2, prefix: 10.40.0.0/24}, {leaf: leaf1, prefix: 10.40.0.0/24}, {leaf: leaf3, prefix: 10.40.1.0/24}]}`), lock: "",
			want: []string{
				`fabric.yaml:24: spec.networks[web].subnets[0].prefix: Invalid value: "10.40.0.0/24": network subnet collides with web/leaf1 (set at spec.networks[web].subnets[1].prefix); give each leaf a subnet of its own`}},
		{name: "equal pools", fabric: replace(netBase, `{name: web, vlan: 300, pool: 10.30.0.0/16}`, `{name: web, vlan: 300, pool: 10.100.0.0/16}`), lock: "",
			want: []string{
				`fabric.yaml:24: spec.networks[web].pool: Invalid value: "10.100.0.0/16": overlaps network tenant-a's pool 10.100.0.0/16 (spec.networks[tenant-a].pool): the subnets carved from the two would collide; give each network a pool of its own`}},
		{name: "nested pools whose carved subnets do not overlap yet", fabric: replace(netBase, `{name: web, vlan: 300, pool: 10.30.0.0/16}`, `{name: web, vlan: 300, pool: 10.100.128.0/17}`), lock: "",
			want: []string{
				`fabric.yaml:24: spec.networks[web].pool: Invalid value: "10.100.128.0/17": overlaps network tenant-a's pool 10.100.0.0/16 (spec.networks[tenant-a].pool): the subnets carved from the two would collide; give each network a pool of its own`}},
		{name: "pool over the loopback pool", fabric: replace(netBase, `{name: web, vlan: 300, pool: 10.30.0.0/16}`, `{name: web, vlan: 300, pool: 10.255.0.0/16}`), lock: "",
			want: []string{
				`fabric.yaml:24: spec.networks[web].pool: Invalid value: "10.255.0.0/16": overlaps spec.pools.loopbackIPv4 10.255.0.0/24, which underlay allocates from; move the subnet out of the pool or shrink the pool`}},
		{name: "device subnet in a network's pool", fabric: replace(netBase, `{name: leaf2, role: leaf, platform: nvue}`, `{name: leaf2, role: leaf, platform: nvue, subnets: [{port: swp9, prefix: 10.30.5.0/24}]}`), lock: "",
			want: []string{
				`fabric.yaml:12: spec.devices[leaf2].subnets[0]: Invalid value: "10.30.5.0/24": subnet lies in network web's pool 10.30.0.0/16 (spec.networks[web].pool), which underlay carves the network's per-leaf subnets from; move the subnet out of the pool, or shrink the pool`}},
		{name: "loopback in a network's pool", fabric: replace(netBase, `{name: leaf2, role: leaf, platform: nvue}`, `{name: leaf2, role: leaf, platform: nvue, loopbacks: [10.30.9.1/32]}`), lock: "",
			want: []string{
				`fabric.yaml:12: spec.devices[leaf2].loopbacks[0]: Invalid value: "10.30.9.1/32": loopback lies in network web's pool 10.30.0.0/16 (spec.networks[web].pool), which underlay carves the network's per-leaf subnets from; move the loopback out of the pool, or shrink the pool`}},
		{name: "pinned subnet of another size in its own pool", fabric: replace(netBase, `{name: web, vlan: 300, pool: 10.30.0.0/16}`, `{name: web, vlan: 300, pool: 10.30.0.0/16, subnets: [{leaf: leaf2, prefix: 10.30.0.0/23}]}`), lock: "",
			want: []string{
				`fabric.yaml:24: spec.networks[web].subnets[0].prefix: Invalid value: "10.30.0.0/23": lies in the network's pool 10.30.0.0/16 but is not one of its /24 blocks: pin a /24, or move the subnet out of the pool`}},
		{name: "port used by a link and a server", fabric: replace(netBase, `ports: [swp5, swp6]`, `ports: [swp1, swp6]`), lock: "",
			want: []string{
				`fabric.yaml:26: spec.servers[srv1].ports[0]: Duplicate value: "leaf1:swp1 (already used by spec.links[0].endpoints)"`}},
		{name: "port used by a host link and a server", fabric: replace(netBase, `ports: [swp5, swp6]`, `ports: [swp2, swp6]`), lock: "",
			want: []string{
				`fabric.yaml:26: spec.servers[srv1].ports[0]: Duplicate value: "leaf1:swp2 (already used by spec.links[3].endpoints)"`}},
		{name: "two servers on one port", fabric: replace(netBase, `ports: [swp5], untagged: tenant-a`, "ports: [swp5], untagged: tenant-a}\n  - {name: srv4, leaf: leaf2, ports: [swp5], untagged: tenant-a"), lock: "",
			want: []string{
				`fabric.yaml:28: spec.servers[srv4].ports[0]: Duplicate value: "leaf2:swp5 (already used by spec.servers[srv2].ports[0])"`}},
		{name: "one port twice in a bond", fabric: replace(netBase, `ports: [swp5, swp6]`, `ports: [swp5, swp5]`), lock: "",
			want: []string{
				`fabric.yaml:26: spec.servers[srv1].ports[1]: Duplicate value: "leaf1:swp5 (already used by spec.servers[srv1].ports[0])"`}},
		{name: "bond ports on two leaves", fabric: replace(netBase, `ports: [swp5, swp6]`, `ports: [swp5, leaf2:swp6]`), lock: "",
			want: []string{
				`fabric.yaml:26: spec.servers[srv1].ports[1]: Invalid value: "leaf2:swp6": a bond's ports are all on the server's leaf leaf1: bonds across two leaves (MLAG, EVPN multihoming) are out of scope; cable the bond to one leaf`}},
		{name: "bond port named with its own leaf", fabric: replace(netBase, `ports: [swp5, swp6]`, `ports: [swp5, leaf1:swp6]`), lock: "",
			want: []string{
				`fabric.yaml:26: spec.servers[srv1].ports[1]: Invalid value: "leaf1:swp6": ports are the server's leaf's (leaf1): write swp6 without the leaf`}},
		{name: "two bonds of one name", fabric: replace(netBase, `ports: [swp5], untagged: tenant-a`, "ports: [swp5], untagged: tenant-a}\n  - {name: srv4, leaf: leaf1, ports: [swp7, swp8], bond: bond5, untagged: tenant-a"), lock: "",
			want: []string{
				`fabric.yaml:28: spec.servers[srv4].bond: Duplicate value: "leaf1:bond5 (already used by spec.servers[srv1].bond)"`}},
		{name: "server on two lifecycle networks", fabric: replace(netBase, `untagged: provisioning}`, `untagged: provisioning, tagged: [cleaning]}`), lock: "",
			want: []string{
				`fabric.yaml:26: spec.servers[srv1].tagged[0]: Invalid value: "cleaning": the server is on lifecycle networks provisioning and cleaning at once: Ironic moves it from one to the next; keep one`}},
		{name: "tenant network in vrf default with lifecycle networks", fabric: replace(netBase, `{name: tenant-a, kind: tenant,`, `{name: tenant-a, kind: tenant, vrf: default,`), lock: "",
			want: []string{
				`fabric.yaml:23: spec.networks[tenant-a].vrf: Invalid value: "default": tenant network tenant-a shares vrf default with provisioning network provisioning (spec.networks[provisioning]): lifecycle and tenant networks never share an isolation domain; give the tenant network a VRF of its own`}},
		{name: "tenant network sharing a named VRF with a lifecycle network", fabric: replace(netBase, `{name: tenant-a, kind: tenant,`, `{name: tenant-a, kind: tenant, vrf: shared,`, `{name: cleaning, kind: cleaning, pool: 10.11.0.0/16, relay: [10.20.0.10]}`, `{name: cleaning, kind: cleaning, pool: 10.11.0.0/16, vrf: shared}`), lock: "",
			want: []string{
				`fabric.yaml:23: spec.networks[tenant-a].vrf: Invalid value: "shared": tenant network tenant-a shares vrf shared with cleaning network cleaning (spec.networks[cleaning]): lifecycle and tenant networks never share an isolation domain; give the tenant network a VRF of its own`}},
		{name: "relay in a tenant VRF", fabric: replace(netBase, `{name: tenant-a, kind: tenant,`, `{name: tenant-a, kind: tenant, relay: [10.20.0.10],`), lock: "",
			want: []string{
				`fabric.yaml:23: spec.networks[tenant-a].relay: Forbidden: DHCP relay runs in vrf default only, and this network is in vrf tenant-a: put it in vrf default (a lifecycle network belongs there), or drop relay`}},
		{name: "relay lists differing on the leaves", fabric: replace(netBase, `{name: cleaning, kind: cleaning, pool: 10.11.0.0/16, relay: [10.20.0.10]}`, `{name: cleaning, kind: cleaning, pool: 10.11.0.0/16, relay: [10.20.0.11]}`), lock: "",
			want: []string{
				`fabric.yaml:22: spec.networks[cleaning].relay: Invalid value: "[10.20.0.11]": leaf1, leaf2, leaf3 relay network provisioning to [10.20.0.10] and network cleaning to [10.20.0.11]: one relay per leaf sends every network to every server; give both networks the same relay list`}},
		{name: "relay on an IPv6 pool", fabric: replace(netBase, `{name: cleaning, kind: cleaning, pool: 10.11.0.0/16,`, `{name: cleaning, kind: cleaning, pool: "fd00:11::/48",`), lock: "",
			want: []string{
				`fabric.yaml:22: spec.networks[cleaning].pool: Invalid value: "fd00:11::/48": network cleaning relays DHCP (relay), which is DHCPv4: its subnet on leaf1 must be IPv4; give it an IPv4 pool or subnet, or drop relay`}},
		{name: "relay on a pinned IPv6 subnet", fabric: replace(netBase, `{name: cleaning, kind: cleaning, pool: 10.11.0.0/16,`, `{name: cleaning, kind: cleaning, pool: 10.11.0.0/16, subnets: [{leaf: leaf2, prefix: "fd00:11::/64"}],`), lock: "",
			want: []string{
				`fabric.yaml:22: spec.networks[cleaning].subnets[0].prefix: Invalid value: "fd00:11::/64": network cleaning relays DHCP (relay), which is DHCPv4: its subnet on leaf2 must be IPv4; give it an IPv4 pool or subnet, or drop relay`}},
		{name: "relay to an IPv6 server", fabric: replace(netBase, `10.10.0.0/16, relay: [10.20.0.10]}`, `10.10.0.0/16, relay: [fe80::1]}`), lock: "",
			want: []string{
				`fabric.yaml:21: spec.networks[provisioning].relay[0]: Invalid value: "fe80::1": a DHCP server's IPv4 address, e.g. 10.0.0.50 (DHCPv6 relay is not supported)`}},
		{name: "relay to a multicast group", fabric: replace(netBase, `10.10.0.0/16, relay: [10.20.0.10]}`, `10.10.0.0/16, relay: [224.0.0.1]}`), lock: "",
			want: []string{
				`fabric.yaml:21: spec.networks[provisioning].relay[0]: Invalid value: "224.0.0.1": not a unicast address a DHCP server can have`}},
		{name: "relay to one server twice", fabric: replace(netBase, `10.10.0.0/16, relay: [10.20.0.10]}`, `10.10.0.0/16, relay: [10.20.0.10, 10.20.0.10]}`), lock: "",
			want: []string{
				`fabric.yaml:21: spec.networks[provisioning].relay[1]: Duplicate value: "10.20.0.10"`}},
		{name: "SONiC bond not a PortChannel", fabric: replace(netBase, `ports: [Ethernet8, Ethernet12],`, `ports: [Ethernet8, Ethernet12], bond: Bond8,`), lock: "",
			want: []string{
				`fabric.yaml:28: spec.servers[srv3].bond: Invalid value: "Bond8": bond is not a sonic bond name: want e.g. PortChannel8 (set bond to one)`}},
		{name: "SONiC PortChannel of five digits", fabric: replace(netBase, `ports: [Ethernet8, Ethernet12],`, `ports: [Ethernet8, Ethernet12], bond: PortChannel10000,`), lock: "",
			want: []string{
				`fabric.yaml:28: spec.servers[srv3].bond: Invalid value: "PortChannel10000": bond is not a sonic bond name: want e.g. PortChannel8 (set bond to one)`}},
		{name: "SONiC default bond name too long", fabric: replace(netBase, `ports: [Ethernet8, Ethernet12]`, `ports: [Ethernet10000, Ethernet10004]`), lock: "",
			want: []string{
				`fabric.yaml:28: spec.servers[srv3].bond: Invalid value: "PortChannel10000": the default name from Ethernet10000 is not a sonic bond name: want e.g. PortChannel8 (set bond to one)`}},
		{name: "Cumulus bond name with a space", fabric: replace(netBase, `ports: [swp5, swp6]`, `ports: [swp5, swp6], bond: "bond 5"`), lock: "",
			want: []string{
				`fabric.yaml:26: spec.servers[srv1].bond: Invalid value: "bond 5": bond is not a cumulus bond name: want e.g. bond5 (set bond to one)`}},
		{name: "bond of one port", fabric: replace(netBase, `ports: [swp5],`, `ports: [swp5], bond: bond5,`), lock: "",
			want: []string{
				`fabric.yaml:27: spec.servers[srv2].bond: Forbidden: a bond needs two or more ports: list them all in ports, or drop bond and lacpBypass`}},
		{name: "server on a spine", fabric: replace(netBase, `{name: srv1, leaf: leaf1,`, `{name: srv1, leaf: spine1,`), lock: "",
			want: []string{
				`fabric.yaml:26: spec.servers[srv1].leaf: Invalid value: "spine1": servers attach to leaves only; spine1 is a spine`}},
		{name: "server on a linux-frr host", fabric: replace(netBase, `{name: srv1, leaf: leaf1,`, `{name: srv1, leaf: host1,`), lock: "",
			want: []string{
				`fabric.yaml:26: spec.servers[srv1].leaf: Invalid value: "host1": servers attach to leaves only; host1 is a host`}},
		{name: "server on an unknown leaf", fabric: replace(netBase, `{name: srv1, leaf: leaf1,`, `{name: srv1, leaf: leaf9,`), lock: "",
			want: []string{
				`fabric.yaml:26: spec.servers[srv1].leaf: Not found: "leaf9"`}},
		{name: "unknown untagged network", fabric: replace(netBase, `untagged: provisioning}`, `untagged: provisionin}`), lock: "",
			want: []string{
				`fabric.yaml:26: spec.servers[srv1].untagged: Not found: "provisionin"`}},
		{name: "unknown tagged network", fabric: replace(netBase, `tagged: [web]`, `tagged: [webb]`), lock: "",
			want: []string{
				`fabric.yaml:27: spec.servers[srv2].tagged[0]: Not found: "webb"`}},
		{name: "server on no network", fabric: replace(netBase, `untagged: provisioning}`, `untagged: ""}`), lock: "",
			want: []string{
				`fabric.yaml:26: spec.servers[srv1].untagged: Required value: the network the server is on: set untagged (and tagged for more)`}},
		{name: "one network untagged and tagged", fabric: replace(netBase, `tagged: [web]`, `tagged: [tenant-a]`), lock: "",
			want: []string{
				`fabric.yaml:27: spec.servers[srv2].tagged[0]: Duplicate value: "tenant-a"`}},
		{name: "server without ports", fabric: replace(netBase, `ports: [swp5, swp6]`, `ports: []`), lock: "",
			want: []string{
				`fabric.yaml:26: spec.servers[srv1].ports: Required value: the leaf ports the server is cabled to: one, or several for an LACP bond`}},
		{name: "port of another platform", fabric: replace(netBase, `ports: [swp5, swp6]`, `ports: [swp5, Ethernet6]`), lock: "",
			want: []string{
				`fabric.yaml:26: spec.servers[srv1].ports[1]: Invalid value: "Ethernet6": not a cumulus port name: want e.g. swp1 or swp1s0`}},
		{name: "port named like the bridge", fabric: replace(netBase, `ports: [swp5],`, `ports: [bridge],`), lock: "",
			want: []string{
				`fabric.yaml:27: spec.servers[srv2].ports[0]: Invalid value: "bridge": not a nvue port name: want e.g. swp1 or swp1s0`}},
		{name: "MTU out of range", fabric: replace(netBase, `ports: [swp5],`, `ports: [swp5], mtu: 99999999,`), lock: "",
			want: []string{
				`fabric.yaml:27: spec.servers[srv2].mtu: Invalid value: 99999999: an MTU is 1280-9216`}},
		{name: "network on a leaf it does not list", fabric: replace(netBase, `{name: web, vlan: 300, pool: 10.30.0.0/16}`, `{name: web, vlan: 300, pool: 10.30.0.0/16, leaves: [leaf1]}`), lock: "",
			want: []string{
				`fabric.yaml:27: spec.servers[srv2].leaf: Invalid value: "leaf2": network web is not on leaf2 (its leaves are set at spec.networks[web].leaves: add leaf2 to them)`}},
		{name: "network without pool or subnet on the server's leaf", fabric: replace(netBase, `{name: web, vlan: 300, pool: 10.30.0.0/16}`, `{name: web, vlan: 300}`), lock: "",
			want: []string{
				`fabric.yaml:27: spec.servers[srv2].leaf: Invalid value: "leaf2": network web is not on leaf2 (it has no pool and no subnet for leaf2: add {leaf: leaf2, prefix: ...} to spec.networks[web].subnets, or set its pool)`}},
		{name: "listed leaf without a subnet", fabric: replace(netBase, `{name: web, vlan: 300, pool: 10.30.0.0/16}`, `{name: web, vlan: 300, leaves: [leaf2]}`), lock: "",
			want: []string{
				`fabric.yaml:24: spec.networks[web].subnets: Required value: no subnet for leaf2, which carries the network: add {leaf: leaf2, prefix: ...}, or set pool to carve one per leaf`}},
		{name: "pinned subnet on an unlisted leaf", fabric: replace(netBase, `{name: web, vlan: 300, pool: 10.30.0.0/16}`, `{name: web, vlan: 300, leaves: [leaf2], subnets: [{leaf: leaf2, prefix: 10.30.1.0/24}, {leaf: leaf1, prefix: 10.30.0.0/24}]}`), lock: "",
			want: []string{
				`fabric.yaml:24: spec.networks[web].subnets[1].prefix: Invalid value: "10.30.0.0/24": leaf1 is not in the network's leaves: add it to spec.networks[web].leaves, or drop this subnet`}},
		{name: "network on a spine", fabric: replace(netBase, `{name: web, vlan: 300, pool: 10.30.0.0/16}`, `{name: web, vlan: 300, pool: 10.30.0.0/16, leaves: [spine1, leaf2]}`), lock: "",
			want: []string{
				`fabric.yaml:24: spec.networks[web].leaves[0]: Invalid value: "spine1": networks attach to leaves only; spine1 is a spine`}},
		{name: "network on an unknown leaf", fabric: replace(netBase, `{name: web, vlan: 300, pool: 10.30.0.0/16}`, `{name: web, vlan: 300, pool: 10.30.0.0/16, leaves: [leaf2, leaf9]}`), lock: "",
			want: []string{
				`fabric.yaml:24: spec.networks[web].leaves[1]: Not found: "leaf9"`}},
		{name: "prefixLength beyond the address", fabric: replace(netBase, `pool: 10.30.0.0/16}`, `pool: 10.30.0.0/16, prefixLength: 99999}`), lock: "",
			want: []string{
				`fabric.yaml:24: spec.networks[web].prefixLength: Invalid value: 99999: subnets carved from 10.30.0.0/16 are /16 to /30 (room for hosts)`}},
		{name: "negative prefixLength", fabric: replace(netBase, `pool: 10.30.0.0/16}`, `pool: 10.30.0.0/16, prefixLength: -1}`), lock: "",
			want: []string{
				`fabric.yaml:24: spec.networks[web].prefixLength: Invalid value: -1: subnets carved from 10.30.0.0/16 are /16 to /30 (room for hosts)`}},
		{name: "prefixLength without room for hosts", fabric: replace(netBase, `pool: 10.30.0.0/16}`, `pool: 10.30.0.0/16, prefixLength: 31}`), lock: "",
			want: []string{
				`fabric.yaml:24: spec.networks[web].prefixLength: Invalid value: 31: subnets carved from 10.30.0.0/16 are /16 to /30 (room for hosts)`}},
		{name: "prefixLength shorter than the pool", fabric: replace(netBase, `pool: 10.30.0.0/16}`, `pool: 10.30.0.0/16, prefixLength: 8}`), lock: "",
			want: []string{
				`fabric.yaml:24: spec.networks[web].prefixLength: Invalid value: 8: subnets carved from 10.30.0.0/16 are /16 to /30 (room for hosts)`}},
		{name: "IPv6 prefixLength without room for hosts", fabric: replace(netBase, `pool: 10.30.0.0/16}`, `pool: "fd00:30::/48", prefixLength: 127}`), lock: "",
			want: []string{
				`fabric.yaml:24: spec.networks[web].prefixLength: Invalid value: 127: subnets carved from fd00:30::/48 are /48 to /126 (room for hosts)`}},
		{name: "prefixLength without pool", fabric: replace(netBase, `{name: web, vlan: 300, pool: 10.30.0.0/16}`, `{name: web, vlan: 300, prefixLength: 24, subnets: [{leaf: leaf2, prefix: 10.30.1.0/24}]}`), lock: "",
			want: []string{
				`fabric.yaml:24: spec.networks[web].prefixLength: Forbidden: is the length of subnets carved from pool: set pool too`}},
		{name: "pool exhausted", fabric: replace(netBase, `pool: 10.30.0.0/16}`, `pool: 10.30.0.0/24}`), lock: "",
			want: []string{
				`fabric.yaml:24: spec.networks[web].pool: Invalid value: "10.30.0.0/24": pool 10.30.0.0/24 is exhausted: 2 more subnets needed than it holds (1 slots, all taken); enlarge the pool`}},
		{name: "pinned subnet without room for hosts", fabric: replace(netBase, `{name: web, vlan: 300, pool: 10.30.0.0/16}`, `{name: web, vlan: 300, subnets: [{leaf: leaf2, prefix: 10.30.0.0/31}]}`), lock: "",
			want: []string{
				`fabric.yaml:24: spec.networks[web].subnets[0].prefix: Invalid value: "10.30.0.0/31": a network's subnet needs room for a gateway and hosts: /30 (/126) or larger`}},
		{name: "pinned IPv6 subnet without room for hosts", fabric: replace(netBase, `{name: web, vlan: 300, pool: 10.30.0.0/16}`, `{name: web, vlan: 300, subnets: [{leaf: leaf2, prefix: "fd00::/127"}]}`), lock: "",
			want: []string{
				`fabric.yaml:24: spec.networks[web].subnets[0].prefix: Invalid value: "fd00::/127": a network's subnet needs room for a gateway and hosts: /30 (/126) or larger`}},
		{name: "pinned subnet with host bits", fabric: replace(netBase, `{name: web, vlan: 300, pool: 10.30.0.0/16}`, `{name: web, vlan: 300, subnets: [{leaf: leaf2, prefix: 10.30.0.1/24}]}`), lock: "",
			want: []string{
				`fabric.yaml:24: spec.networks[web].subnets[0].prefix: Invalid value: "10.30.0.1/24": host bits are set; did you mean 10.30.0.0/24?`}},
		{name: "two subnets pinned on one leaf", fabric: replace(netBase, `{name: web, vlan: 300, pool: 10.30.0.0/16}`, `{name: web, vlan: 300, subnets: [{leaf: leaf2, prefix: 10.30.0.0/24}, {leaf: leaf2, prefix: 10.30.1.0/24}]}`), lock: "",
			want: []string{
				`fabric.yaml:24: spec.networks[web].subnets[1].leaf: Duplicate value: "leaf2 (its subnet is already set at spec.networks[web].subnets[0].prefix)"`}},
		{name: "VLAN pool beyond 4094", fabric: replace(netBase, `loopbackIPv4: 10.255.0.0/24`, "loopbackIPv4: 10.255.0.0/24\n    vlans: 1-99999"), lock: "",
			want: []string{
				`fabric.yaml:8: spec.pools.vlans: Invalid value: "1-99999": VLAN pool: range "1-99999" reaches outside 1-4094: keep both ends within it`}},
		{name: "VLAN pool from a negative VLAN", fabric: replace(netBase, `loopbackIPv4: 10.255.0.0/24`, "loopbackIPv4: 10.255.0.0/24\n    vlans: -5-10"), lock: "",
			want: []string{
				`fabric.yaml:8: spec.pools.vlans: Invalid value: "-5-10": VLAN pool: "-5-10" is not a range: want "first-last", e.g. "1-4094"`}},
		{name: "VLAN pool inside the reserved range", fabric: replace(netBase, `loopbackIPv4: 10.255.0.0/24`, "loopbackIPv4: 10.255.0.0/24\n    vlans: 4000-4001"), lock: "",
			want: []string{
				`fabric.yaml:8: spec.pools.vlans: Invalid value: "4000-4001": pool 4000-4001 is exhausted: 3 more VLANs needed than it holds (2 slots, all taken); enlarge the pool (2 of its 2 values are reserved, the first 4000 because underlay maps VRF L3VNIs to VLANs 4000-4064: move the pool out of them)`}},
		{name: "VLAN pool inside Cumulus' internal range", fabric: replace(netBase, `loopbackIPv4: 10.255.0.0/24`, "loopbackIPv4: 10.255.0.0/24\n    vlans: 3725-3726"), lock: "",
			want: []string{
				`fabric.yaml:8: spec.pools.vlans: Invalid value: "3725-3726": pool 3725-3726 is exhausted: 3 more VLANs needed than it holds (2 slots, all taken); enlarge the pool (2 of its 2 values are reserved, the first 3725 because Cumulus Linux reserves it for internal use on cumulus: move the pool out of them)`}},
		{name: "VLAN pool too small", fabric: replace(netBase, `loopbackIPv4: 10.255.0.0/24`, "loopbackIPv4: 10.255.0.0/24\n    vlans: 100-101"), lock: "",
			want: []string{
				`fabric.yaml:8: spec.pools.vlans: Invalid value: "100-101": pool 100-101 is exhausted: 1 more VLANs needed than it holds (2 slots, all taken); enlarge the pool`}},
		{name: "VNI pool beyond 24 bits", fabric: replace(netBase, `loopbackIPv4: 10.255.0.0/24`, "loopbackIPv4: 10.255.0.0/24\n    vnis: 0-16777215"), lock: "",
			want: []string{
				`fabric.yaml:8: spec.pools.vnis: Invalid value: "0-16777215": VNI pool: range "0-16777215" reaches outside 1-16777214: keep both ends within it`}},
		{name: "network name with a space", fabric: replace(netBase, `{name: web,`, `{name: "we b",`), lock: "",
			want: []string{
				`fabric.yaml:24: spec.networks[we b].name: Invalid value: "we b": a network name is 1-15 of a-z, 0-9 and '-', starting with a letter (it may name a VRF)`,
				`fabric.yaml:27: spec.servers[srv2].tagged[0]: Not found: "web"`}},
		{name: "network name of 16 characters", fabric: replace(netBase, `{name: web,`, `{name: abcdefghijklmnop,`), lock: "",
			want: []string{
				`fabric.yaml:24: spec.networks[abcdefghijklmnop].name: Invalid value: "abcdefghijklmnop": a network name is 1-15 of a-z, 0-9 and '-', starting with a letter (it may name a VRF)`,
				`fabric.yaml:27: spec.servers[srv2].tagged[0]: Not found: "web"`}},
		{name: "two networks of one name", fabric: replace(netBase, `{name: web, vlan: 300,`, `{name: cleaning, vlan: 300,`), lock: "",
			want: []string{
				`fabric.yaml:24: spec.networks[cleaning].name: Duplicate value: "cleaning (also at spec.networks[cleaning])"`,
				`fabric.yaml:27: spec.servers[srv2].tagged[0]: Not found: "web"`}},
		{name: "unknown kind", fabric: replace(netBase, `{name: tenant-a, kind: tenant,`, `{name: tenant-a, kind: tenants,`), lock: "",
			want: []string{
				`fabric.yaml:23: spec.networks[tenant-a].kind: Unsupported value: "tenants": supported values: "provisioning", "cleaning", "inspection", "rescuing", "tenant", "servers"`}},
		{name: "VRF Cumulus reserves", fabric: replace(netBase, `{name: tenant-a, kind: tenant,`, `{name: tenant-a, kind: tenant, vrf: mgmt,`), lock: "",
			want: []string{
				`fabric.yaml:23: spec.networks[tenant-a].vrf: Invalid value: "mgmt": it is reserved for Cumulus Linux' management VRF; pick another name`}},
		{name: "VRF name of 16 characters", fabric: replace(netBase, `{name: tenant-a, kind: tenant,`, `{name: tenant-a, kind: tenant, vrf: abcdefghijklmnop,`), lock: "",
			want: []string{
				`fabric.yaml:23: spec.networks[tenant-a].vrf: Invalid value: "abcdefghijklmnop": a VRF name is 1-15 of a-z, 0-9 and '-', starting with a letter (Linux caps VRF device names at 15)`}},
		{name: "server name with a slash", fabric: replace(netBase, `{name: srv1,`, `{name: "srv/1",`), lock: "",
			want: []string{
				`fabric.yaml:26: spec.servers[srv/1].name: Invalid value: "srv/1": must be a DNS label: at most 63 of a-z, 0-9 and '-', starting and ending with a letter or digit`}},
		{name: "two servers of one name", fabric: replace(netBase, `{name: srv2,`, `{name: srv1,`), lock: "",
			want: []string{
				`fabric.yaml:27: spec.servers[srv1].name: Duplicate value: "srv1 (also at spec.servers[srv1])"`}},
		{name: "a tenant network named like Cumulus' management VRF", fabric: replace(netBase, `{name: tenant-a, kind: tenant, pool: 10.100.0.0/16}`, `{name: mgmt, kind: tenant, pool: 10.100.0.0/16}`, `untagged: tenant-a`, `untagged: mgmt`), lock: "",
			want: []string{
				`fabric.yaml:23: spec.networks[mgmt].name: Invalid value: "mgmt": a tenant network routes in a VRF of its name, and it is reserved for Cumulus Linux' management VRF: name the network otherwise, or set vrf`}},
		{name: "a tenant network named default", fabric: replace(netBase, `{name: tenant-a, kind: tenant, pool: 10.100.0.0/16}`, `{name: default, kind: tenant, pool: 10.100.0.0/16}`, `untagged: tenant-a`, `untagged: default`), lock: "",
			want: []string{
				`fabric.yaml:23: spec.networks[default].name: Invalid value: "default": a tenant network routes in a VRF of its name, and that is the default table, not a VRF of its own: name the network otherwise, or set vrf`}},
		{name: "a tenant network named like an SVI", fabric: replace(netBase, `{name: tenant-a, kind: tenant, pool: 10.100.0.0/16}`, `{name: vlan100, kind: tenant, pool: 10.100.0.0/16}`, `untagged: tenant-a`, `untagged: vlan100`), lock: "",
			want: []string{
				`fabric.yaml:23: spec.networks[vlan100].name: Invalid value: "vlan100": a tenant network routes in a VRF of its name, and it looks like an interface name (a port, bond, SVI or VXLAN device), which a VRF device cannot share: name the network otherwise, or set vrf`}},
		{name: "VRF named like the bridge", fabric: replace(netBase, `{name: tenant-a, kind: tenant,`, `{name: tenant-a, kind: tenant, vrf: bridge,`), lock: "",
			want: []string{
				`fabric.yaml:23: spec.networks[tenant-a].vrf: Invalid value: "bridge": it is reserved for the VLAN-aware bridge; pick another name`}},
		{name: "VRF named like a port", fabric: replace(netBase, `{name: tenant-a, kind: tenant,`, `{name: tenant-a, kind: tenant, vrf: swp1,`), lock: "",
			want: []string{
				`fabric.yaml:23: spec.networks[tenant-a].vrf: Invalid value: "swp1": it looks like an interface name (a port, bond, SVI or VXLAN device), which a VRF device cannot share; pick another name`}},
		{name: "VRF too long for SONiC's Vrf prefix", fabric: replace(netBase, `{name: tenant-a, kind: tenant, pool: 10.100.0.0/16}`, `{name: tenant-abcdefgh, kind: tenant, pool: 10.100.0.0/16}`, `untagged: tenant-a`, `untagged: tenant-abcdefgh`), lock: "",
			want: []string{
				`fabric.yaml:23: spec.networks[tenant-abcdefgh].name: Invalid value: "tenant-abcdefgh": on leaf3 (platform sonic) the VRF is Vrf-tenant-abcdefgh, longer than the 15 characters of a device name: use at most 11 characters`}},
	}
	runLockTable(t, tests)
}
