package frr

// A cluster's sessions (model.SessionOptions) as FRR takes them: iBGP
// members are `remote-as internal`, reflected between (route-reflector-
// client) and sent routes learnt elsewhere with the device as next hop
// (next-hop-self); a family with such members also spreads iBGP paths
// (`maximum-paths ibgp`), so a service address several nodes announce is
// ECMP. The rest are one neighbor line each: as-override,
// default-originate, bfd, timers.
//
// GracefulRestart renders nothing: what a node's graceful restart needs of
// the leaf is that it keep the node's routes through the restart (helper
// mode), which FRR does for every neighbour by default (global mode
// helper), and a node that does not ask for it (no GR capability) gets
// none either way. The per-neighbor commands (graceful-restart,
// graceful-restart-helper, graceful-restart-disable) cannot be applied:
// FRR 8.4 takes them but fails the command in a running bgpd ("not valid
// at this moment", FRRouting/frr#15880), so frr-reload.py, and the agent's
// apply with it, would fail on every file that has one.
//
// A zero SessionOptions renders nothing.

// anyInternal reports whether a family's sessions have iBGP members, whose
// paths the family then spreads (`maximum-paths ibgp`).
func anyInternal(ss []session) bool {
	for _, s := range ss {
		if s.Options().Internal {
			return true
		}
	}
	return false
}
