// Package nvue renders the NVIDIA NVUE document of a Cumulus Linux 5.x
// switch: the startup file format (a YAML list whose `set` item holds the
// same tree as the NVUE REST API root), built from Go structs.
//
// Routing content matches the cumulus platform: one eBGP peer per port
// (numbered or unnumbered), `network` statements for exactly the loopbacks
// and subnets the device announces, prefix-list route maps for the
// generated policies, router-ID best-path tie-break, ECMP with
// multipath-relax (NVUE's aspath-ignore). Each routing instance is one
// member of `vrf`, keyed by its name. External neighbours are neighbors
// like fabric peers (by address, or unnumbered over their interface); a
// group is a peer group (remote-as a number or external, its policies and
// prefix limit) that its dynamic-neighbor listen ranges name, with the
// VRF's limit (Cumulus Linux 5.3+). Cumulus 4.4 (the seed lab) kept
// the hostname under `platform hostname`; 5.x uses `system hostname`.
//
// Server networks (issue #11): the model's bridge is bridge domain
// br_default with every VLAN of the leaf; a server port is an access
// port, or a trunk with its VLANs and its native VLAN (`untagged`, or
// none); a bond is `type: bond` with its members, mode lacp and
// lacp-bypass, in the bridge as a port is; an SVI is `type: svi` with its
// VLAN, gateway and VRF. A VRF is vrf X with `evpn vni` (its L3VNI; NVUE
// picks the VLAN from its l3-vni-vlan range, 4000-4064, itself) and a BGP instance
// whose `network` statements are its subnets, exported to EVPN as
// type-5 routes; a leaf with a VRF is a VTEP (`evpn enable on`, `nve
// vxlan source address` its loopback) and every EVPN device activates
// l2vpn-evpn on its EVPN sessions. The DHCP relay is `service dhcp-relay
// <vrf>` with servers, the interfaces it listens on (downstream SVIs and
// upstream ports in one list, as 5.5-5.13 have it: 5.14 replaced both
// with server groups) and RFC 3527's `gateway-interface lo` with the
// loopback's address (5.5+; 5.4 called it giaddress-interface). An
// interface kind the renderer does not know is an error.
package nvue
