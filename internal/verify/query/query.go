// Package query checks and answers what a person asks verify, whether as
// command-line flags or a web form: which single failures to re-check
// under, the prefix a trace explains the way to, the device whose RIB to
// show. Each refusal says what was given and what is wanted, without
// naming a flag or a field: the caller adds that.
package query

import (
	"fmt"
	"net/netip"
	"strings"

	"underlay.dev/underlay/internal/verify"
)

// Failures says which single failures verify re-checks every
// reachability under: verify.Options.Failures.
type Failures string

// The failure modes. NoFailures checks the fabric as it is, only.
const (
	NoFailures Failures = ""
	Links      Failures = "links"
	Devices    Failures = "devices"
	All        Failures = "all"
)

// FailureModes are the modes a person may ask for, in the order a
// refusal lists them.
var FailureModes = []Failures{Links, Devices, All}

// IsValid reports whether f is a mode verify knows.
func (f Failures) IsValid() bool {
	if f == NoFailures {
		return true
	}
	for _, m := range FailureModes {
		if f == m {
			return true
		}
	}
	return false
}

// Options are verify's options for f.
func (f Failures) Options() verify.Options { return verify.Options{Failures: string(f)} }

// ParseFailures is the mode s names ("" for none).
func ParseFailures(s string) (Failures, error) {
	if f := Failures(s); f.IsValid() {
		return f, nil
	}
	names := make([]string, len(FailureModes))
	for i, m := range FailureModes {
		names[i] = string(m)
	}
	last := len(names) - 1
	return NoFailures, fmt.Errorf("%q: want %s or %s", s, strings.Join(names[:last], ", "), names[last])
}

// Target is the prefix s names for a trace: a prefix, or an address
// standing for its host prefix (10.255.0.1 is 10.255.0.1/32).
func Target(s string) (netip.Prefix, error) {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p, nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q: want e.g. 10.255.0.1/32", s)
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// RIB is the RIB g predicts for device, or an error when the fabric has
// no device of that name.
func RIB(g *verify.Graph, device string) ([]verify.Route, error) {
	rib, ok := g.RIB(device)
	if !ok {
		return nil, fmt.Errorf("no device %s in the fabric", device)
	}
	return rib, nil
}
