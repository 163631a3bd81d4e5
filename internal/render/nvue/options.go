package nvue

import "underlay.dev/underlay/internal/model"

// A cluster's sessions (model.SessionOptions) in NVUE's keys, as NVIDIA's
// NVUE reference (Cumulus Linux 5.x, `nv set vrf <vrf> router bgp
// peer-group|neighbor ...`) names them: remote-as internal with
// address-family route-reflector-client on and nexthop-setting self (self
// leaves reflected routes' next hop alone, as FRR's next-hop-self), and
// the VRF's multipaths ibgp; aspath replace-peer-as on (FRR's
// as-override); default-route-origination enable on; bfd enable on;
// timers keepalive and hold of their own. Graceful restart adds nothing:
// Cumulus Linux's default (router bgp graceful-restart mode helper-only)
// already keeps a restarting node's routes, and a per-neighbor
// graceful-restart mode becomes FRR's per-neighbor command, which FRR 8.4
// fails in a running bgpd (render/frr's options.go). A zero
// SessionOptions adds no key.

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

// sessionBFD is the session's BFD, nil when off.
func sessionBFD(s *model.Session) *enable {
	if s.Options().BFD {
		return on
	}
	return nil
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
