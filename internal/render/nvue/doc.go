// Package nvue renders the NVIDIA NVUE document of a Cumulus Linux 5.x
// switch: the startup file format (a YAML list whose `set` item holds the
// same tree as the NVUE REST API root), built from Go structs.
//
// Routing content matches the cumulus platform: one eBGP peer per port
// (numbered or unnumbered), `network` statements for exactly the loopbacks
// and subnets the device announces, prefix-list route maps for the
// generated policies, router-ID best-path tie-break, ECMP with
// multipath-relax (NVUE's aspath-ignore). Cumulus 4.4 (the seed lab) kept
// the hostname under `platform hostname`; 5.x uses `system hostname`.
package nvue
