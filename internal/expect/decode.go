package expect

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"regexp"
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
// it: at most 15 bytes, no "/" or whitespace.
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
	case len(e.Sessions) > MaxSessions:
		return fmt.Errorf("%d sessions, above the limit of %d", len(e.Sessions), MaxSessions)
	case len(e.Prefixes) > MaxPrefixes:
		return fmt.Errorf("%d prefixes, above the limit of %d", len(e.Prefixes), MaxPrefixes)
	}
	seen := map[string]bool{}
	for i, s := range e.Sessions {
		if err := s.check(); err != nil {
			return fmt.Errorf("sessions[%d]: %w", i, err)
		}
		if seen[s.Neighbor] {
			return fmt.Errorf("sessions[%d]: neighbor %q appears twice", i, s.Neighbor)
		}
		seen[s.Neighbor] = true
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

func (s Session) check() error {
	if _, err := netip.ParseAddr(s.Neighbor); err != nil && !neighborName.MatchString(s.Neighbor) {
		return fmt.Errorf("neighbor %q is neither an address nor an interface name", s.Neighbor)
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
