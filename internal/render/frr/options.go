package frr

import (
	"fmt"

	"underlay.dev/underlay/internal/model"
)

// A cluster's sessions (model.SessionOptions) as FRR takes them: iBGP
// members are `remote-as internal`, reflected between (route-reflector-
// client) and sent routes learnt elsewhere with the device as next hop
// (next-hop-self); a family with such members also spreads iBGP paths
// (`maximum-paths ibgp`), so a service address several nodes announce is
// ECMP. The rest are one neighbor line each: as-override,
// default-originate, bfd, timers, and graceful restart as helper
// (`graceful-restart-helper`: the leaf keeps a restarting node's routes
// through its restart, which is what a node's graceful restart needs of
// it). Not `neighbor X graceful-restart` (full mode): FRR 8.4 applies it
// but fails the command (FRRouting/frr#15880), so frr-reload.py, and the
// agent's apply with it, would fail on every file that has it. A zero
// SessionOptions renders nothing.

// checkOptions refuses options FRR would take and then run otherwise than
// they say: an internal neighbour of another AS is external to bgpd (which
// then refuses route-reflector-client), as-override only rewrites paths
// sent over eBGP, and one timer alone is no timers command.
func checkOptions(s *model.Session, asn model.ASN) error {
	o := s.Options()
	peerASN := s.PeerASN
	if s.Group != nil {
		peerASN = s.Group.ASN
	}
	switch {
	case o.Internal && peerASN != 0 && peerASN != asn:
		return fmt.Errorf("neighbor %s is internal (iBGP) but its ASN %s is not the instance's %s", s.Neighbor(), peerASN, asn)
	case o.Internal && o.ASOverride:
		return fmt.Errorf("neighbor %s is internal (iBGP) and as-override, which rewrites paths sent over eBGP only", s.Neighbor())
	case (o.Keepalive == 0) != (o.Hold == 0) || o.Keepalive < 0 || o.Hold < 0 || o.Keepalive > 65535 || o.Hold > 65535:
		return fmt.Errorf("neighbor %s: keepalive %d and hold %d: want both 0 (the instance's timers) or both 1-65535",
			s.Neighbor(), o.Keepalive, o.Hold)
	}
	return nil
}

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
