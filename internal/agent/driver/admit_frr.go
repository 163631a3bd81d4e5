package driver

import (
	"net/netip"
	"regexp"
	"strings"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/platform"
)

// admitFRR accepts an frr.conf only if every command is one
// internal/render/frr emits, in the node it emits it in. The FRR driver
// owns the daemons' configuration as underlay renders it: the header
// (frr version/defaults, hostname, log syslog, service
// integrated-vtysh-config), interface addresses, blackhole routes, prefix
// lists, route maps, VRFs with their L3VNI and anchors, and one router
// bgp per routing instance, with the peer groups and listen ranges of
// groups and the EVPN family (sessions and advertise-all-vni in the
// default instance, advertise ipv4/ipv6 unicast in a VRF). frr-reload.py makes the running
// configuration equal to the file, so anything else in the file would be
// applied too (a vty password, an SNMP agent, a log file path the daemons
// write as their user), and a file with no commands, or no router bgp,
// would delete the running configuration, or every BGP session, at once.
func admitFRR(conf []byte) error {
	r := &lineRefusals{file: platform.FileFRR}
	path := []frrNode{frrTop} // the node stack, as vtysh keeps it
	commands := 0
	instances := map[string]bool{} // the VRF of each router bgp; "" the default one
	vrf := ""                      // the VRF of the router bgp the file is in
	for i, line := range admitLines(conf) {
		n := i + 1
		if why := unprintable(line); why != "" {
			r.add(n, "%s", why)
			continue
		}
		words := strings.Fields(line)
		if len(words) == 0 || strings.HasPrefix(words[0], "!") || strings.HasPrefix(words[0], "#") {
			continue
		}
		commands++
		cmd, depth := matchFRR(path, words)
		if cmd == nil {
			r.add(n, "%s", frrRefusal(path, words))
			continue
		}
		path = path[:depth+1]
		switch {
		case cmd.enter != frrNone:
			path = append(path, cmd.enter)
		case cmd.leave && len(path) > 1:
			path = path[:len(path)-1]
		}
		if cmd.enter == frrBGP {
			vrf = instanceVRF(words)
			if why := secondInstance(instances, vrf); why != "" {
				r.add(n, "%s", why)
			}
		}
		if why := cmd.in.refuses(vrf); why != "" {
			r.add(n, "%s %s", quoteKeyword(strings.Join(words, " ")), why)
		}
	}
	switch {
	case commands == 0:
		r.add(0, "has no commands: applying it would delete the running FRR configuration")
	case len(instances) == 0:
		r.add(0, `has no "router bgp", which underlay renders in every file: applying it would delete every BGP session`)
	case !instances[""]:
		r.add(0, `has no "router bgp" of the default instance, which underlay renders in every file: applying it would delete every session of the default instance`)
	}
	return r.err()
}

// instanceVRF is the VRF a "router bgp" opens, "" for the default
// instance ("vrf default" is the default instance).
func instanceVRF(words []string) string {
	if len(words) == 5 && words[4] != "default" {
		return words[4]
	}
	return ""
}

// secondInstance records the routing instance a "router bgp" opens and
// names the problem when the file opened it before: underlay renders one
// block per instance, and vtysh would add a second one's commands to the
// first (or refuse it, for another ASN), so the file would not say what it
// seems to.
func secondInstance(seen map[string]bool, vrf string) string {
	if seen[vrf] {
		if vrf == "" {
			return `a second "router bgp" of the default instance: underlay renders one block per instance`
		}
		return `a second "router bgp" of vrf ` + vrf + `: underlay renders one block per instance`
	}
	seen[vrf] = true
	return ""
}

// matchFRR finds words in the current node or, as vtysh does with a
// command its node lacks, in the nearest enclosing node, whose depth it
// returns.
func matchFRR(path []frrNode, words []string) (*frrCommand, int) {
	for depth := len(path) - 1; depth >= 0; depth-- {
		for i := range frrGrammar[path[depth]] {
			if c := &frrGrammar[path[depth]][i]; c.matches(words) {
				return c, depth
			}
		}
	}
	return nil, 0
}

// frrRefusal names what is wrong with words: a command underlay never
// renders, or one it renders only in another shape or node, the closest
// of which (the most leading words in common) it names. It quotes the
// words up to the first one that differs, never the rest of the line.
func frrRefusal(path []frrNode, words []string) string {
	best, bestNode, bestLen := []string(nil), frrNone, 0
	for node := frrTop; node < frrNodes; node++ {
		for _, c := range frrGrammar[node] {
			n := 0
			for n < len(c.pattern) && n < len(words) && frrWordMatches(c.pattern[n], words[n]) {
				n++
			}
			if n > bestLen {
				best, bestNode, bestLen = c.pattern, node, n
			}
		}
	}
	kw := quoteKeyword(strings.Join(words[:min(bestLen+1, len(words))], " "))
	if best == nil {
		return kw + " is not something underlay renders"
	}
	return kw + " in " + path[len(path)-1].String() + " is not something underlay renders: " +
		"it renders " + quoteKeyword(strings.Join(best, " ")) + " in " + bestNode.String()
}

// frrNode is a vtysh configuration node.
type frrNode int

const (
	frrNone frrNode = iota
	frrTop
	frrInterface
	frrRouteMap
	frrBGP
	frrAddressFamily
	frrVRF
	frrEVPN
	frrNodes // the number of nodes
)

func (n frrNode) String() string {
	return [...]string{"", "the top level", "an interface", "a route-map", "router bgp", "an address-family",
		"a vrf", "address-family l2vpn evpn"}[n]
}

// frrCommand is one command shape: literal words, placeholders in <>,
// alternatives separated by |.
type frrCommand struct {
	pattern []string
	enter   frrNode // the node the command opens, if any
	leave   bool    // exit, exit-address-family
	in      frrInstanceKind
}

// frrInstanceKind limits a command to the router bgp blocks underlay
// renders it in: the EVPN family means different things in the default
// instance (sessions, VNIs) and in a VRF (type-5 export).
type frrInstanceKind int

const (
	frrAnyInstance frrInstanceKind = iota
	frrDefaultInstance
	frrVRFInstance
)

// refuses names the problem of a command of kind k in the router bgp of
// vrf ("" the default instance), or returns "".
func (k frrInstanceKind) refuses(vrf string) string {
	switch {
	case k == frrDefaultInstance && vrf != "":
		return "in vrf " + vrf + " is not something underlay renders: it renders it in the default instance"
	case k == frrVRFInstance && vrf == "":
		return "in the default instance is not something underlay renders: it renders it in a vrf"
	}
	return ""
}

func (c *frrCommand) matches(words []string) bool {
	if len(words) != len(c.pattern) {
		return false
	}
	for i, p := range c.pattern {
		if !frrWordMatches(p, words[i]) {
			return false
		}
	}
	return true
}

var (
	frrName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$`)
	frrText = regexp.MustCompile(`^[A-Za-z0-9_.:/@+-]{1,80}$`)
	// frrGroup is what the intent lets a group (an FRR peer group) be
	// called.
	frrGroup = model.PeerName
	frrLevel = regexp.MustCompile(`^(emergencies|alerts|critical|errors|warnings|notifications|informational|debugging)$`)
)

// frrWordMatches matches one word against one pattern word.
func frrWordMatches(p, w string) bool {
	switch p {
	case "<name>":
		return frrName.MatchString(w)
	case "<ifname>":
		return ifaceName.MatchString(w)
	case "<text>":
		return frrText.MatchString(w)
	case "<level>":
		return frrLevel.MatchString(w)
	case "<n>":
		return isDigits(w, 10)
	case "<ipv4>":
		a, err := netip.ParseAddr(w)
		return err == nil && a.Is4()
	case "<prefix>", "<prefix4>", "<prefix6>":
		pf, err := netip.ParsePrefix(w)
		return err == nil && (p == "<prefix>" || pf.Addr().Is4() == (p == "<prefix4>"))
	case "<peer>": // an address, an interface for unnumbered BGP, or a group
		_, err := netip.ParseAddr(w)
		return err == nil || ifaceName.MatchString(w) || frrGroup.MatchString(w)
	case "<group>":
		return frrGroup.MatchString(w)
	}
	for _, alt := range strings.Split(p, "|") {
		if w == alt {
			return true
		}
	}
	return false
}
