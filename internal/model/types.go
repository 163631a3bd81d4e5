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

// ParseASN parses asplain ("4200000001") or asdot ("64086.59905").
func ParseASN(s string) (ASN, error) {
	if hi, lo, ok := strings.Cut(s, "."); ok {
		h, err1 := strconv.ParseUint(hi, 10, 16)
		l, err2 := strconv.ParseUint(lo, 10, 16)
		if err1 != nil || err2 != nil {
			return 0, fmt.Errorf("invalid asdot ASN %q", s)
		}
		return ASN(h<<16 | l), nil
	}
	v, err := strconv.ParseUint(s, 10, 32)
	if err != nil || v == 0 {
		return 0, fmt.Errorf("invalid ASN %q: want 1-4294967295", s)
	}
	return ASN(v), nil
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
