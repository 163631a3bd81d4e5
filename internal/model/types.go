package model

import (
	"fmt"
	"strconv"
	"strings"
)

// ASN is a 4-byte BGP autonomous system number.
type ASN uint32

// String returns the asplain form.
func (a ASN) String() string { return strconv.FormatUint(uint64(a), 10) }

// ParseASN parses asplain ("4200000001") or asdot ("64086.59905"), and
// rejects the ASNs no BGP speaker may use (see Reserved) in either
// notation. It is the one parser of ASNs: device ASNs and pool ranges go
// through it; values that arrive as numbers (the lock file) through Check.
func ParseASN(s string) (ASN, error) {
	var a ASN
	if hi, lo, ok := strings.Cut(s, "."); ok {
		h, err1 := strconv.ParseUint(hi, 10, 16)
		l, err2 := strconv.ParseUint(lo, 10, 16)
		if err1 != nil || err2 != nil {
			return 0, fmt.Errorf("invalid asdot ASN %q: want high.low, each 0-65535", s)
		}
		a = ASN(h<<16 | l)
	} else {
		v, err := strconv.ParseUint(s, 10, 32)
		if err != nil {
			return 0, fmt.Errorf("invalid ASN %q: want 1-4294967294 or asdot 0.1-65535.65534", s)
		}
		a = ASN(v)
	}
	if err := a.Check(); err != nil {
		return 0, fmt.Errorf("ASN %q: %w", s, err)
	}
	return a, nil
}

// ReservedASN is an ASN that must never appear in a BGP session.
type ReservedASN struct {
	ASN ASN
	Why string
}

// ReservedASNs are the ASNs an intent may neither set nor pool, in order:
// AS 0 may not be originated or peered with (RFC 7607); AS_TRANS stands in
// for 4-byte ASNs towards 2-byte speakers, so a router using it cannot be
// told apart from any 4-byte AS (RFC 6793); RFC 7300 reserves the last
// 16-bit and the last 32-bit ASN.
var ReservedASNs = []ReservedASN{
	{0, "RFC 7607"},
	{23456, "AS_TRANS, RFC 6793"},
	{65535, "the last 16-bit ASN, RFC 7300"},
	{4294967295, "the last 32-bit ASN, RFC 7300"},
}

// Check returns a *ReservedError when a is reserved.
func (a ASN) Check() error {
	for _, r := range ReservedASNs {
		if r.ASN == a {
			return &ReservedError{r}
		}
	}
	return nil
}

// ReservedError says an ASN is reserved, so callers can tell it from a
// value that does not parse.
type ReservedError struct{ ReservedASN }

func (e *ReservedError) Error() string {
	return fmt.Sprintf("AS %d is reserved (%s); use another, e.g. a private ASN from 64512-65534 or 4200000000-4294967294",
		e.ASN, e.Why)
}

// Role is a device's place in the Clos.
type Role string

// Roles.
const (
	RoleSuperspine Role = "superspine"
	RoleSpine      Role = "spine"
	RoleLeaf       Role = "leaf"
	RoleHost       Role = "host"
)

// Roles lists the valid roles.
var Roles = []Role{RoleSuperspine, RoleSpine, RoleLeaf, RoleHost}

// IsValid reports whether r is a known role.
func (r Role) IsValid() bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Tier is the role's height in the Clos: host 0, leaf 1, spine 2, superspine 3.
func (r Role) Tier() int {
	switch r {
	case RoleLeaf:
		return 1
	case RoleSpine:
		return 2
	case RoleSuperspine:
		return 3
	}
	return 0
}

// Platform is a device's network operating system.
type Platform string

// Platforms.
const (
	PlatformCumulus  Platform = "cumulus"
	PlatformNVUE     Platform = "nvue"
	PlatformSONiC    Platform = "sonic"
	PlatformLinuxFRR Platform = "linux-frr"
)

// Platforms lists the supported platforms.
var Platforms = []Platform{PlatformCumulus, PlatformLinuxFRR, PlatformNVUE, PlatformSONiC}

// IsValid reports whether p is a supported platform.
func (p Platform) IsValid() bool {
	for _, x := range Platforms {
		if x == p {
			return true
		}
	}
	return false
}
