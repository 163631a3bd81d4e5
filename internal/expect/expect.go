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
package expect

import (
	"encoding/json"
	"fmt"
	"net/netip"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/render"
)

// FileName is the ConfigMap key of the expectations.
const FileName = "expect.json"

// Expectations is the content of expect.json.
type Expectations struct {
	Device   string    `json:"device"`
	Sessions []Session `json:"sessions"`
	// Prefixes must be in the RIB, learned over BGP.
	Prefixes []string `json:"prefixes"`
}

// Session is one BGP neighbor that must reach Established.
type Session struct {
	// Neighbor is as FRR names it: the interface for unnumbered sessions,
	// the peer address otherwise.
	Neighbor string   `json:"neighbor"`
	Peer     string   `json:"peer"`
	Families []string `json:"families"`
}

// For returns the expectations of d.
func For(d *model.Device) Expectations {
	e := Expectations{Device: d.Name, Sessions: []Session{}, Prefixes: []string{}}
	seen := map[netip.Prefix]bool{}
	for _, s := range d.Sessions {
		nb := s.Port
		if !s.Unnumbered {
			nb = s.PeerAddr.String()
		}
		var fams []string
		for _, f := range s.Families {
			fams = append(fams, string(f))
		}
		e.Sessions = append(e.Sessions, Session{Neighbor: nb, Peer: s.Peer.Name, Families: fams})
		back := reverse(s)
		for _, p := range s.Peer.Originated {
			if s.Carries(family(p)) && (back == nil || back.Export.Permits(p)) && s.Import.Permits(p) && !own(d, p) {
				seen[p] = true
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

func family(p netip.Prefix) model.Family {
	if p.Addr().Is4() {
		return model.IPv4
	}
	return model.IPv6
}

func own(d *model.Device, p netip.Prefix) bool {
	for _, o := range d.Originated {
		if o == p {
			return true
		}
	}
	return false
}

// reverse finds the peer's end of s.
func reverse(s *model.Session) *model.Session {
	for _, o := range s.Peer.Sessions {
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
