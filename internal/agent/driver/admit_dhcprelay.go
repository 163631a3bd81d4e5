package driver

import (
	"net/netip"
	"strconv"
	"strings"

	"underlay.dev/underlay/internal/platform"
)

// admitRelay accepts an isc-dhcp-relay file only in the form
// internal/render/dhcprelay renders: comment lines, then SERVERS, INTF_CMD
// and OPTIONS, each once, each a double-quoted list of words: IPv4
// addresses; "-id NAME" and "-iu NAME" pairs, at least one of each;
// nothing, or "-U ADDR%lo" with an IPv4 address. The file is a POSIX shell
// fragment the relay's service sources as root, so anything else (a
// command substitution, a second assignment, an unquoted word, an option
// dhcrelay would take from a ConfigMap) is refused before it is written.
func admitRelay(file []byte) error {
	r := &lineRefusals{file: platform.FileDHCPRelay}
	seen := map[string]int{}
	for i, line := range admitLines(file) {
		n := i + 1
		if why := unprintable(line); why != "" {
			r.add(n, "%s", why)
			continue
		}
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, words, why := relayAssignment(line)
		if why == "" {
			if seen[key] > 0 {
				why = key + " is set twice (first on line " + strconv.Itoa(seen[key]) + ")"
			} else {
				seen[key] = n
				why = relayCheck[key](words)
			}
		}
		if why != "" {
			r.add(n, "%s", why)
		}
	}
	for _, k := range []string{"SERVERS", "INTF_CMD", "OPTIONS"} {
		if seen[k] == 0 && len(r.msgs) == 0 {
			r.add(0, "has no %s, which underlay renders in every relay file", k)
		}
	}
	return r.err()
}

// relayCheck checks each variable's words.
var relayCheck = map[string]func([]string) string{
	"SERVERS":  relayServers,
	"INTF_CMD": relayInterfaces,
	"OPTIONS":  relayOptions,
}

// relayAssignment splits KEY="w1 w2" into its key and words; the value may
// hold only what no shell expands inside double quotes.
func relayAssignment(line string) (string, []string, string) {
	key, val, ok := strings.Cut(line, "=")
	if _, known := relayCheck[key]; !ok || !known {
		return "", nil, quoteKeyword(strings.Fields(line)[0]) + " is not a line underlay renders (SERVERS=, INTF_CMD= or OPTIONS=)"
	}
	if len(val) < 2 || val[0] != '"' || val[len(val)-1] != '"' {
		return "", nil, key + "'s value is not one double-quoted list of words"
	}
	inner := val[1 : len(val)-1]
	for _, c := range inner {
		if !relayWordByte(c) {
			return "", nil, key + ": " + quoteKeyword(string(c)) + " is not in a word underlay renders"
		}
	}
	return key, strings.Fields(inner), ""
}

// relayWordByte: letters, digits, space and the ". - _ %" of names,
// addresses and "ADDR%lo"; nothing a shell expands in double quotes.
func relayWordByte(c rune) bool {
	switch {
	case c >= '0' && c <= '9', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		return true
	}
	return strings.ContainsRune(" .-_%", c)
}

func relayServers(words []string) string {
	if len(words) == 0 {
		return "SERVERS is empty"
	}
	for _, w := range words {
		if a, err := netip.ParseAddr(w); err != nil || !a.Is4() || a.String() != w {
			return "SERVERS: " + quoteKeyword(w) + " is not an IPv4 address"
		}
	}
	return ""
}

func relayInterfaces(words []string) string {
	if len(words)%2 != 0 {
		return "INTF_CMD is not -id/-iu and interface pairs"
	}
	count := map[string]int{}
	for i := 0; i < len(words); i += 2 {
		flag, name := words[i], words[i+1]
		if flag != "-id" && flag != "-iu" {
			return "INTF_CMD: " + quoteKeyword(flag) + " is not -id or -iu"
		}
		if memberName(name) != "" || len(name) > 14 {
			return "INTF_CMD: " + quoteKeyword(name) + " is not an interface name dhcrelay binds to"
		}
		count[flag]++
	}
	if count["-id"] == 0 || count["-iu"] == 0 {
		return "INTF_CMD needs -id (an SVI) and -iu (an uplink) interfaces"
	}
	return ""
}

func relayOptions(words []string) string {
	switch {
	case len(words) == 0:
		return ""
	case len(words) == 2 && words[0] == "-U" && strings.HasSuffix(words[1], "%lo"):
		if a, err := netip.ParseAddr(strings.TrimSuffix(words[1], "%lo")); err == nil && a.Is4() {
			return ""
		}
	}
	return `OPTIONS is not "" or "-U ADDR%lo" (RFC 3527 link selection from the loopback)`
}
