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
package nvue
