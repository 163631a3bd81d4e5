// Package expect writes the health expectations of a device: the BGP
// sessions that must be Established and the prefixes that must be in its
// RIB after an apply. The device agent's health gate reads it from the
// device's ConfigMap; an apply that does not meet it within the timeout is
// rolled back.
//
// Expectations are local on purpose: each session's peer must announce
// its own prefixes (those its export policy and our import policy pass).
// That proves every session carries routes, costs O(sessions) to compute
// at any fabric size, and does not fail a device because of a fault far
// away in the fabric.
//
// Only fabric sessions gate. Sessions to external neighbours and groups
// are listed under "ungated", for status, and never waited for: an
// external neighbour is not underlay's to configure and may not be cabled
// yet (a border leaf must not roll back because the firewall is off), and
// a group has no fixed members (none connected is a valid state). What
// they announce is not expected either.
package expect

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/render"
)

// FileName is the ConfigMap key of the expectations.
const FileName = "expect.json"

// Expectations is the content of expect.json.
type Expectations struct {
	Device   string    `json:"device"`
	Sessions []Session `json:"sessions"`
	// Prefixes must be in the RIB, learned over BGP. They are the default
	// instance's: the file cannot name another's VRF yet, and the agent's
	// prober reads the default table. A VRF's subnets are never among
	// them: they reach other leaves as EVPN type-5 routes, into the VRF's
	// own table. A session that also carries EVPN gates like any other
	// (its state is one for all its families).
	Prefixes []string `json:"prefixes"`
	// Ungated are the sessions to external neighbours and groups: listed,
	// not gating (see the package comment).
	Ungated []Session `json:"ungated,omitempty"`
}

// Session is one BGP neighbor that must reach Established (in Sessions),
// or that is only listed (in Ungated).
type Session struct {
	// Neighbor is as FRR names it (model.Session.Neighbor): the interface
	// for unnumbered sessions, the peer address otherwise, a group's name.
	Neighbor string   `json:"neighbor"`
	Peer     string   `json:"peer"`
	Families []string `json:"families"`
	// Kind is KindExternal or KindGroup in Ungated; fabric sessions have
	// none.
	Kind string `json:"kind,omitempty"`
	// VRF is the session's routing instance unless it is the default one.
	VRF string `json:"vrf,omitempty"`
}

// Kinds of ungated sessions.
const (
	KindExternal = "external"
	KindGroup    = "group"
)

// For returns the expectations of d.
func For(d *model.Device) Expectations {
	e := Expectations{Device: d.Name, Sessions: []Session{}, Prefixes: []string{}}
	seen := map[netip.Prefix]bool{}
	for _, in := range d.Instances {
		for _, s := range in.Sessions {
			es := Session{Neighbor: s.Neighbor(), Families: families(s)}
			if in.Name != model.DefaultInstance {
				es.VRF = in.Name
			}
			switch {
			case s.External != nil:
				es.Peer, es.Kind = s.External.Name, KindExternal
			case s.Group != nil:
				es.Peer, es.Kind = s.Group.Name, KindGroup
			default:
				es.Peer = s.Peer.Name
			}
			if !s.Fabric() {
				e.Ungated = append(e.Ungated, es)
				continue
			}
			e.Sessions = append(e.Sessions, es)
			if in.Name == model.DefaultInstance {
				expectFrom(s, in, seen)
			}
		}
	}
	var ps []netip.Prefix
	for p := range seen {
		ps = append(ps, p)
	}
	model.SortPrefixes(ps)
	for _, p := range ps {
		e.Prefixes = append(e.Prefixes, p.String())
	}
	return e
}

func families(s *model.Session) []string {
	var fams []string
	for _, f := range s.Families {
		fams = append(fams, string(f))
	}
	return fams
}

// expectFrom adds to seen what the fabric peer of s originates and both
// ends' policies pass to us, in instance in.
func expectFrom(s *model.Session, in *model.Instance, seen map[netip.Prefix]bool) {
	peer := s.Peer.Instance(in.Name)
	if peer == nil {
		return
	}
	back := reverse(s, peer)
	for _, p := range peer.Originated {
		if s.Carries(family(p)) && (back == nil || back.Export.Permits(p)) && s.Import.Permits(p) && !slices.Contains(in.Originated, p) {
			seen[p] = true
		}
	}
}

func family(p netip.Prefix) model.Family {
	if p.Addr().Is4() {
		return model.IPv4
	}
	return model.IPv6
}

// reverse finds the peer's end of s in the peer's instance.
func reverse(s *model.Session, peer *model.Instance) *model.Session {
	for _, o := range peer.Sessions {
		if o.Peer == s.Local && o.Port == s.PeerPort && o.PeerPort == s.Port && o.Carries(s.Families[0]) {
			return o
		}
	}
	return nil
}

// File renders expect.json.
func File(d *model.Device) (render.File, error) {
	b, err := json.MarshalIndent(For(d), "", "  ")
	if err != nil {
		return render.File{}, fmt.Errorf("encoding expectations of %s: %w", d.Name, err)
	}
	return render.File{Name: FileName, Content: append(b, '\n')}, nil
}

// Parse reads expect.json for display only (the session count in
// status): content Decode refuses counts as no expectations. The health
// gate never uses it; it decodes with Decode.
func Parse(b []byte) Expectations {
	e, _ := Decode(b, "")
	return e
}
