package model

import (
	"net/netip"
	"testing"
)

// TestPrefixRuleLengths: ge/le as FRR's prefix-list reads them.
func TestPrefixRuleLengths(t *testing.T) {
	pod := netip.MustParsePrefix("10.244.0.0/16")
	for _, c := range []struct {
		rule  PrefixRule
		p     string
		match bool
	}{
		{PrefixRule{Prefix: pod}, "10.244.0.0/16", true},
		{PrefixRule{Prefix: pod}, "10.244.1.0/24", false},
		{PrefixRule{Prefix: pod, Le: 24}, "10.244.1.0/24", true},
		{PrefixRule{Prefix: pod, Le: 24}, "10.244.1.0/26", false},
		{PrefixRule{Prefix: pod, Ge: 26, Le: 26}, "10.244.1.64/26", true},
		{PrefixRule{Prefix: pod, Ge: 26, Le: 26}, "10.244.1.0/24", false},
		{PrefixRule{Prefix: pod, Ge: 26, Le: 26}, "10.245.1.64/26", false},
		{PrefixRule{Prefix: pod, Ge: 26}, "10.244.1.1/32", true}, // ge alone reaches /32
		{PrefixRule{Prefix: pod, Ge: 26}, "10.244.0.0/16", false},
		{PrefixRule{Prefix: netip.MustParsePrefix("fd00::/48"), Ge: 64}, "fd00::1/128", true},
		{PrefixRule{Prefix: pod, Le: 32}, "fd00::/64", false}, // other family
	} {
		if got := c.rule.Matches(netip.MustParsePrefix(c.p)); got != c.match {
			t.Errorf("%s ge %d le %d matches %s = %t, want %t", c.rule.Prefix, c.rule.Ge, c.rule.Le, c.p, got, c.match)
		}
	}
}
