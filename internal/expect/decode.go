package expect

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"regexp"

	"underlay.dev/underlay/internal/model"
)

// Limits of a decoded expect.json. A ConfigMap holds at most 1 MiB; the
// counts are far above any fabric underlay renders (expectations are
// local: one entry per session and per prefix a neighbour originates) and
// bound the health gate's work per probe.
const (
	MaxFileBytes = 1 << 20
	MaxSessions  = 4096
	MaxPrefixes  = 65536
)

// neighborName is an interface name (unnumbered sessions) as Linux allows
// it: at most 15 bytes, no "/" or whitespace. A VRF is a Linux interface
// too.
var neighborName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,14}$`)

// Decode reads expect.json strictly, for device (checked when not ""):
// unknown fields, trailing data, `null`, `{}`, a missing list, a wrong
// device, malformed entries and sizes above the limits are errors, never
// "no expectations". A typo'd key must not turn the health gate off.
func Decode(b []byte, device string) (Expectations, error) {
	var e Expectations
	if len(b) > MaxFileBytes {
		return e, fmt.Errorf("%s is %d bytes, above the limit of %d", FileName, len(b), MaxFileBytes)
	}
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		return e, fmt.Errorf("%s is null: it must be the object underlay renders (device, sessions, prefixes)", FileName)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return Expectations{}, fmt.Errorf("%s: %w", FileName, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Expectations{}, fmt.Errorf("%s: data after the object (offset %d)", FileName, dec.InputOffset())
	}
	if err := e.check(device); err != nil {
		return Expectations{}, fmt.Errorf("%s: %w", FileName, err)
	}
	return e, nil
}

// check validates decoded expectations against what For renders.
func (e Expectations) check(device string) error {
	switch {
	case e.Device == "":
		return errors.New(`"device" is missing or empty`)
	case device != "" && e.Device != device:
		return fmt.Errorf("written for device %q, but this agent runs %q", e.Device, device)
	case e.Sessions == nil:
		return errors.New(`"sessions" is missing or null (underlay renders [] for a device without sessions)`)
	case e.Prefixes == nil:
		return errors.New(`"prefixes" is missing or null (underlay renders [] for a device without prefixes)`)
	case len(e.Sessions)+len(e.Ungated) > MaxSessions:
		return fmt.Errorf("%d sessions, above the limit of %d", len(e.Sessions)+len(e.Ungated), MaxSessions)
	case len(e.Prefixes) > MaxPrefixes:
		return fmt.Errorf("%d prefixes, above the limit of %d", len(e.Prefixes), MaxPrefixes)
	}
	seen := map[[2]string]bool{} // VRF, neighbor
	lists := []struct {
		name string
		ss   []Session
	}{{"sessions", e.Sessions}, {"ungated", e.Ungated}}
	for _, l := range lists {
		for i, s := range l.ss {
			if err := s.check(l.name == "ungated"); err != nil {
				return fmt.Errorf("%s[%d]: %w", l.name, i, err)
			}
			k := [2]string{s.VRF, s.Neighbor}
			if seen[k] {
				return fmt.Errorf("%s[%d]: neighbor %q appears twice", l.name, i, s.Neighbor)
			}
			seen[k] = true
		}
	}
	for i, p := range e.Prefixes {
		pfx, err := netip.ParsePrefix(p)
		if err != nil {
			return fmt.Errorf("prefixes[%d]: %w", i, err)
		}
		if pfx.Masked() != pfx {
			return fmt.Errorf("prefixes[%d]: %q has host bits set (want %s)", i, p, pfx.Masked())
		}
	}
	return nil
}

// check validates one entry of sessions (ungated false) or ungated.
func (s Session) check(ungated bool) error {
	switch {
	case !ungated && s.Kind != "":
		return fmt.Errorf("neighbor %q: kind %q, but only ungated sessions have a kind", s.Neighbor, s.Kind)
	case ungated && s.Kind != KindExternal && s.Kind != KindGroup:
		return fmt.Errorf("neighbor %q: kind %q (want %s or %s)", s.Neighbor, s.Kind, KindExternal, KindGroup)
	case s.VRF != "" && !neighborName.MatchString(s.VRF):
		return fmt.Errorf("neighbor %q: vrf %q is not a VRF name", s.Neighbor, s.VRF)
	case s.Kind == KindGroup:
		if !model.PeerName.MatchString(s.Neighbor) {
			return fmt.Errorf("neighbor %q is not a group name", s.Neighbor)
		}
	default:
		if _, err := netip.ParseAddr(s.Neighbor); err != nil && !neighborName.MatchString(s.Neighbor) {
			return fmt.Errorf("neighbor %q is neither an address nor an interface name", s.Neighbor)
		}
	}
	if len(s.Families) == 0 {
		return fmt.Errorf("neighbor %q: \"families\" is empty", s.Neighbor)
	}
	for _, f := range s.Families {
		if f != "ipv4" && f != "ipv6" {
			return fmt.Errorf("neighbor %q: family %q (want ipv4 or ipv6)", s.Neighbor, f)
		}
	}
	return nil
}
