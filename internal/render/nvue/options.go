package nvue

import (
	"fmt"

	"underlay.dev/underlay/internal/model"
)

// A cluster's sessions (model.SessionOptions) in NVUE's keys, as NVIDIA's
// NVUE reference (Cumulus Linux 5.x, `nv set vrf <vrf> router bgp
// peer-group|neighbor ...`) names them: remote-as internal with
// address-family route-reflector-client on and nexthop-setting self (self
// leaves reflected routes' next hop alone, as FRR's next-hop-self), and
// the VRF's multipaths ibgp; aspath replace-peer-as on (FRR's
// as-override); default-route-origination enable on; bfd enable on;
// graceful-restart mode helper-only (as render/frr: the leaf keeps a
// restarting node's routes; full mode is FRR's `neighbor X
// graceful-restart`, which FRR 8.4 fails, FRRouting/frr#15880);
// timers keepalive and hold of their own. A zero SessionOptions adds no
// key.

// checkOptions refuses what NVUE would take and run otherwise: as
// render/frr's checkOptions (an internal neighbour of another AS is
// external, as-override rewrites eBGP paths only, one timer alone).
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
	case (o.Keepalive == 0) != (o.Hold == 0) || o.Keepalive < 0 || o.Keepalive > 65535 || (o.Hold != 0 && (o.Hold < 3 || o.Hold > 65535)):
		return fmt.Errorf("neighbor %s: keepalive %d and hold %d: want both 0 (the device's timers), or keepalive 1-65535 and hold 3-65535",
			s.Neighbor(), o.Keepalive, o.Hold)
	}
	return nil
}

// remoteAS is "internal" for iBGP members, as otherwise.
func remoteAS(s *model.Session, as any) any {
	if s.Options().Internal {
		return "internal"
	}
	return as
}

// sessionTimers are the session's own timers, or the device's.
func sessionTimers(d *model.Device, s *model.Session) *timers {
	if o := s.Options(); o.Keepalive > 0 {
		return &timers{Keepalive: o.Keepalive, Hold: o.Hold}
	}
	return &timers{Keepalive: d.BGP.Keepalive, Hold: d.BGP.Hold}
}

// sessionFeatures are the session's BFD and graceful restart, nil when
// off (the device's).
func sessionFeatures(s *model.Session) (*enable, *gracefulRestart) {
	o := s.Options()
	var bfd *enable
	var gr *gracefulRestart
	if o.BFD {
		bfd = on
	}
	if o.GracefulRestart {
		gr = &gracefulRestart{Mode: "helper-only"}
	}
	return bfd, gr
}

// familyOptions are the options of a session's address family.
func familyOptions(af *peerAF, o model.SessionOptions) {
	if o.Internal {
		af.RouteReflectorClient, af.NexthopSetting = "on", "self"
	}
	if o.ASOverride {
		af.ASPath = &peerASPath{ReplacePeerAS: "on"}
	}
	if o.DefaultOriginate {
		af.DefaultRouteOrigination = on
	}
}

// ibgpMultipaths spreads iBGP paths as widely as eBGP ones in each family
// that has internal members.
func ibgpMultipaths(b *vrfBGP, in *model.Instance, n int) {
	for _, s := range in.Sessions {
		if !s.Options().Internal {
			continue
		}
		for _, fam := range s.Families {
			if af := b.AddressFamily[afName(fam)]; af != nil && af.Multipaths != nil {
				af.Multipaths.IBGP = n
			}
		}
	}
}
