package driver

import (
	"net/netip"
	"strconv"
)

// ifaceOptions are the options underlay renders inside an iface stanza,
// each with the check of its values: exactly the forms
// internal/render/ifupdown2 writes (one VLAN or VNI per word, no ranges;
// names without ifupdown2's glob and regex syntax), so an option's value
// cannot reach further than the renderer's would.
var ifaceOptions = map[string]func(words []string) string{
	"address": oneValue(func(v string) string {
		if _, err := netip.ParsePrefix(v); err != nil {
			return "address " + quoteKeyword(v) + " is not an address with a prefix length"
		}
		return ""
	}),
	"mtu": oneValue(func(v string) string {
		if !isDigits(v, 5) {
			return "mtu " + quoteKeyword(v) + " is not a number"
		}
		return ""
	}),
	"vrf-table":              literal("auto"),
	"bridge-vlan-aware":      literal("yes"),
	"bridge-allow-untagged":  literal("no"),
	"bridge-learning":        literal("off"),
	"bond-mode":              literal("802.3ad"),
	"bond-lacp-bypass-allow": literal("yes"),
	"bridge-access":          oneValue(numberIn("bridge-access", 1, 4094)),
	"bridge-pvid":            oneValue(numberIn("bridge-pvid", 1, 4094)),
	"vlan-id":                oneValue(numberIn("vlan-id", 1, 4094)),
	"vxlan-id":               oneValue(numberIn("vxlan-id", 1, 16777214)),
	"bridge-vids":            values(numberIn("bridge-vids", 1, 4094)),
	"bridge-ports":           values(memberName),
	"bond-slaves":            values(memberName),
	"vrf":                    oneValue(memberName),
	"vlan-raw-device":        oneValue(memberName),
	"vxlan-local-tunnelip": oneValue(func(v string) string {
		if a, err := netip.ParseAddr(v); err != nil || !a.Is4() {
			return "vxlan-local-tunnelip " + quoteKeyword(v) + " is not an IPv4 address"
		}
		return ""
	}),
}

// oneValue is an option of exactly one value, checked by check.
func oneValue(check func(string) string) func([]string) string {
	return func(words []string) string {
		if len(words) != 2 {
			return quoteKeyword(words[0]) + " takes one value in what underlay renders"
		}
		return check(words[1])
	}
}

// values is an option of one or more values, each checked by check.
func values(check func(string) string) func([]string) string {
	return func(words []string) string {
		if len(words) < 2 {
			return quoteKeyword(words[0]) + " takes values in what underlay renders"
		}
		for _, v := range words[1:] {
			if why := check(v); why != "" {
				return quoteKeyword(words[0]) + ": " + why
			}
		}
		return ""
	}
}

// literal is an option whose one value underlay renders is want.
func literal(want string) func([]string) string {
	return oneValue(func(v string) string {
		if v != want {
			return quoteKeyword(v) + " is not a value underlay renders (it renders " + quoteKeyword(want) + ")"
		}
		return ""
	})
}

// numberIn is a decimal number in [lo, hi], written as underlay writes
// it (no sign, no leading zero).
func numberIn(kw string, lo, hi int) func(string) string {
	return func(v string) string {
		n, err := strconv.Atoi(v)
		if err != nil || strconv.Itoa(n) != v || n < lo || n > hi {
			return kw + " " + quoteKeyword(v) + " is not a number in " + strconv.Itoa(lo) + "-" + strconv.Itoa(hi)
		}
		return ""
	}
}

// memberName is an interface named in another's option: a plain name, not
// ifupdown2's "glob" or "regex" keywords, which expand the words after
// them.
func memberName(v string) string {
	if v == "glob" || v == "regex" || !ifaceName.MatchString(v) {
		return quoteKeyword(v) + " is not an interface name underlay renders"
	}
	return ""
}
