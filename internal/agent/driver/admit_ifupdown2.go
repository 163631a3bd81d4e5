package driver

import (
	"regexp"
	"strings"

	"underlay.dev/underlay/internal/platform"
)

// admitInterfaces accepts an interfaces file only if every line is one
// internal/render/ifupdown2 emits: "# comment", "auto NAME", "iface NAME",
// "iface lo inet loopback", and inside an iface stanza one of the options
// of ifaceOptions with the values underlay renders ("address PREFIX",
// "mtu N", a bridge's, bond's, SVI's, VRF's or VXLAN device's keywords).
// It runs before ifup sees the file, because ifupdown2 does
// more than configure interfaces with what it reads: it runs the values of
// pre-up/up/post-up/pre-down/down/post-down as root shell commands, reads
// other files through source/source-directory, and, with the
// template_enable=1 Cumulus ships, evaluates mako code anywhere in the
// file (comments included) as Python, as root, before it parses a line.
//
// An allow-list, not a deny-list: a keyword ifupdown2 learns tomorrow is
// refused too. The file must also hold the loopback stanza underlay always
// renders: ifreload deconfigures whatever the file leaves out.
func admitInterfaces(file []byte) error {
	r := &lineRefusals{file: platform.FileInterfaces}
	inIface, loopback := false, false
	for i, line := range admitLines(file) {
		n := i + 1
		if why := unprintable(line); why != "" {
			r.add(n, "%s", why)
			continue
		}
		if why := templateSyntax(line); why != "" {
			r.add(n, "%s", why)
			continue
		}
		words := strings.Fields(line)
		if len(words) == 0 || strings.HasPrefix(words[0], "#") {
			continue
		}
		why := ""
		switch words[0] {
		case "auto":
			inIface = false
			why = ifaceNameArgs(words)
		case "iface":
			inIface = true
			why = ifaceArgs(words)
			loopback = loopback || strings.Join(words, " ") == "iface lo inet loopback"
		default:
			if _, ok := ifaceOptions[words[0]]; ok {
				why = ifaceOption(words, inIface)
				break
			}
			why = quoteKeyword(words[0]) + " is not something underlay renders" + ifupdown2Danger[words[0]]
		}
		if why != "" {
			r.add(n, "%s", why)
		}
	}
	if !loopback {
		r.add(0, `has no "iface lo inet loopback" stanza, which underlay renders in every file `+
			"(ifreload would deconfigure every interface the file leaves out)")
	}
	return r.err()
}

// ifupdown2Danger says what ifupdown2 would do with a keyword underlay
// never renders, for the ones worth a warning.
var ifupdown2Danger = func() map[string]string {
	m := map[string]string{
		"source":           " (it makes ifupdown2 read another file)",
		"source-directory": " (it makes ifupdown2 read other files)",
	}
	for _, hook := range []string{"pre-up", "up", "post-up", "pre-down", "down", "post-down"} {
		m[hook] = " (ifupdown2 runs its value as a shell command, as root)"
	}
	return m
}()

// makoMarks is the template syntax ifupdown2's mako engine acts on, most
// specific first. Underlay renders no '$', '%' or '\' at all, so any of
// them is refused wherever it stands, comments included: mako reads the
// whole file.
var makoMarks = []struct{ mark, what string }{
	{"${", "a mako expression"},
	{"<%", "a mako tag"},
	{"%>", "a mako tag"},
	{"##", "a mako comment"},
	{"%", "a mako control line or template text"},
	{"$", "template or shell syntax"},
	{`\`, "a mako line continuation"},
}

// templateSyntax describes the first template syntax on line, or "".
func templateSyntax(line string) string {
	for _, m := range makoMarks {
		if strings.Contains(line, m.mark) {
			return quoteKeyword(m.mark) + " is template syntax (" + m.what + "), which ifupdown2 evaluates " +
				"as Python when templates are on; underlay renders none"
		}
	}
	return ""
}

// ifaceName is an interface name as underlay renders it (IFNAMSIZ allows
// 15 bytes): no ifupdown2 glob or range syntax ("swp[1-4]", "glob").
var ifaceName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]{0,14}$`)

func ifaceNameArgs(words []string) string {
	if len(words) != 2 {
		return quoteKeyword(words[0]) + " takes one interface name in what underlay renders"
	}
	if !ifaceName.MatchString(words[1]) {
		return quoteKeyword(words[1]) + " is not an interface name underlay renders"
	}
	return ""
}

func ifaceArgs(words []string) string {
	switch {
	case len(words) == 2:
		return ifaceNameArgs(words)
	case strings.Join(words, " ") == "iface lo inet loopback":
		return ""
	}
	return `"iface" takes only a name ("iface lo inet loopback" for the loopback) in what underlay renders`
}

func ifaceOption(words []string, inIface bool) string {
	if !inIface {
		return quoteKeyword(words[0]) + " is outside an iface stanza"
	}
	return ifaceOptions[words[0]](words)
}

// isDigits reports whether s is 1 to max decimal digits.
func isDigits(s string, max int) bool {
	if s == "" || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
