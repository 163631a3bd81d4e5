package model

import (
	"net/netip"
	"slices"
	"strconv"
)

// ComparePrefix is the one order of prefixes in the model and in every
// rendered file: by address (IPv4 before IPv6), then shorter first.
//
// It is not netip.Prefix.Compare, which sorts by length before address:
// the native files have always listed routes, networks and prefix-list
// entries by address (10.0.0.0/24 before 10.0.0.1/32 before 10.0.1.0/24),
// the order people read them in, and every rendered byte keeps it.
func ComparePrefix(a, b netip.Prefix) int {
	if c := a.Addr().Compare(b.Addr()); c != 0 {
		return c
	}
	return a.Bits() - b.Bits()
}

// SortPrefixes sorts ps in place in ComparePrefix order.
func SortPrefixes(ps []netip.Prefix) { slices.SortFunc(ps, ComparePrefix) }

// NaturalLess orders port names as people do: swp2 before swp10.
func NaturalLess(a, b string) bool {
	for a != "" && b != "" {
		da, db := digitRun(a), digitRun(b)
		if da > 0 && db > 0 {
			na, _ := strconv.ParseUint(a[:da], 10, 64)
			nb, _ := strconv.ParseUint(b[:db], 10, 64)
			if na != nb {
				return na < nb
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		a, b = a[1:], b[1:]
	}
	return len(a) < len(b)
}

func digitRun(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}
