// Package cumulusl2 reads the L2 of a Cumulus Linux /etc/network/interfaces
// file (ifupdown2) and splits the file into what the lab's Open vSwitch
// stands in for and what this kernel's ifreload can apply. It follows
// Cumulus Linux's documented ifupdown2 contract, not any renderer:
//
//   - one VLAN-aware bridge (`bridge-vlan-aware yes`) with `bridge-ports`
//     (names, or `glob swp1-4`), `bridge-vids` (the VLANs of every port)
//     and `bridge-pvid` (the native VLAN, 1 when unset);
//   - per port: `bridge-access N` (an access port), or `bridge-vids` /
//     `bridge-pvid` (a trunk, overriding the bridge's), and
//     `bridge-allow-untagged no` (a trunk without a native VLAN);
//   - bonds: `bond-slaves`, `bond-mode` (802.3ad, Cumulus' default, runs
//     LACP), `bond-lacp-bypass-allow yes` (a member forwards before LACP
//     is up);
//   - SVIs: `iface vlan10` with `vlan-id 10` and `vlan-raw-device BRIDGE`,
//     or `iface BRIDGE.10`, with `address` and `vrf NAME`;
//   - VRFs: `iface NAME` with `vrf-table`; VXLAN devices (`vxlan-id`) are
//     recognised and left out (not emulated).
//
// The kernel file keeps every stanza ifreload can apply here: the
// loopback, routed ports, bond members and bridge ports without their
// bridge and bond keywords, and SVIs with only their addresses (the SVI
// itself is an OVS internal port, a real interface). Bridges, bonds, VRF
// and VXLAN devices are left out: this kernel cannot create them.
package cumulusl2

import (
	"bufio"
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// stanza is one interface's attributes, merged over every `iface NAME`
// stanza of the file (ifupdown2 merges them too), in file order.
type stanza struct {
	name  string
	line  int
	attrs map[string][]string // keyword → value of each line
}

func (s *stanza) first(key string) string {
	if v := s.attrs[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// words splits every value of key into fields.
func (s *stanza) words(key string) []string {
	var out []string
	for _, v := range s.attrs[key] {
		out = append(out, strings.Fields(v)...)
	}
	return out
}

// parsed is a file read into stanzas, with the lines kept to write the
// kernel file back.
type parsed struct {
	stanzas map[string]*stanza
	order   []string
	lines   []line
}

// line is one line of the file and the stanza it belongs to ("" outside
// any iface stanza).
type line struct {
	text, iface, key string
}

func parse(file []byte) (*parsed, error) {
	p := &parsed{stanzas: map[string]*stanza{}}
	sc := bufio.NewScanner(bytes.NewReader(file))
	cur := ""
	for n := 1; sc.Scan(); n++ {
		text := sc.Text()
		f := strings.Fields(text)
		l := line{text: text}
		switch {
		case len(f) == 0 || strings.HasPrefix(f[0], "#"):
		case f[0] == "iface":
			if len(f) < 2 {
				return nil, fmt.Errorf("interfaces line %d: iface without a name", n)
			}
			cur = f[1]
			if p.stanzas[cur] == nil {
				p.stanzas[cur] = &stanza{name: cur, line: n, attrs: map[string][]string{}}
				p.order = append(p.order, cur)
			}
			l.iface, l.key = cur, "iface"
		case f[0] == "auto" || f[0] == "allow-hotplug" || strings.HasPrefix(f[0], "allow-"):
			cur = ""
			l.key = f[0]
		case f[0] == "source" || f[0] == "source-directory":
			return nil, fmt.Errorf("interfaces line %d: %s: the lab reads one file", n, f[0])
		case cur == "":
			return nil, fmt.Errorf("interfaces line %d: %q outside an iface stanza", n, text)
		default:
			s := p.stanzas[cur]
			s.attrs[f[0]] = append(s.attrs[f[0]], strings.Join(f[1:], " "))
			l.iface, l.key = cur, f[0]
		}
		p.lines = append(p.lines, l)
	}
	return p, sc.Err()
}

// vlans reads a VLAN list: numbers and ranges ("10 20-22"), as
// bridge-vids takes them.
func vlans(words []string) ([]int, error) {
	var out []int
	for _, w := range words {
		lo, hi, isRange := strings.Cut(w, "-")
		a, err := vlanID(lo)
		if err != nil {
			return nil, err
		}
		b := a
		if isRange {
			if b, err = vlanID(hi); err != nil {
				return nil, err
			}
		}
		if b < a {
			return nil, fmt.Errorf("VLAN range %q runs backwards", w)
		}
		for v := a; v <= b; v++ {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

func vlanID(s string) (int, error) {
	v, err := strconv.Atoi(s)
	if err != nil || v < 1 || v > 4094 {
		return 0, fmt.Errorf("VLAN %q: want 1-4094", s)
	}
	return v, nil
}

// ports expands bridge-ports: names, and `glob swp1-4` (a numeric range
// at the end of a name).
func ports(words []string) ([]string, error) {
	var out []string
	for i := 0; i < len(words); i++ {
		w := words[i]
		switch w {
		case "glob":
			if i+1 == len(words) {
				return nil, fmt.Errorf("bridge-ports: glob without a pattern")
			}
			i++
			names, err := glob(words[i])
			if err != nil {
				return nil, err
			}
			out = append(out, names...)
		case "regex":
			return nil, fmt.Errorf("bridge-ports: regex is not supported by the lab: list the ports")
		default:
			out = append(out, w)
		}
	}
	return out, nil
}

func glob(pattern string) ([]string, error) {
	lo, hi, ok := strings.Cut(pattern, "-")
	end := len(lo)
	for end > 0 && lo[end-1] >= '0' && lo[end-1] <= '9' {
		end--
	}
	a, errA := strconv.Atoi(lo[end:])
	b, errB := strconv.Atoi(hi)
	if !ok || end == len(lo) || errA != nil || errB != nil || b < a {
		return nil, fmt.Errorf("bridge-ports: glob %q: want a range like swp1-4", pattern)
	}
	var out []string
	for n := a; n <= b; n++ {
		out = append(out, lo[:end]+strconv.Itoa(n))
	}
	return out, nil
}

func yes(v string) bool { return v == "yes" || v == "on" || v == "1" }
