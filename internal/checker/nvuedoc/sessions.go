package nvuedoc

import (
	"fmt"
	"slices"
)

// The settings of a neighbor or peer group beyond its remote-as and
// policies, as NVIDIA's NVUE reference (Cumulus Linux 5.x) gives them:
// bfd enable, graceful-restart mode, timers keepalive and hold, and per
// address family route-reflector-client, nexthop-setting, aspath
// replace-peer-as and default-route-origination enable; and the VRF's
// multipaths. FRR refuses a route reflector client that is not an iBGP
// neighbor, so NVUE's apply of one fails.

var (
	onOff       = []string{"on", "off"}
	grModes     = []string{"auto", "off", "helper-only", "full"}
	nexthopSets = []string{"auto", "self", "force"}
)

// sessionSettings checks a neighbor's or peer group's settings; internal
// says whether it is an iBGP neighbor (remote-as internal or the VRF's
// own AS).
func (v *validator) sessionSettings(path string, m map[string]any, internal bool) {
	v.word(path+".bfd.enable", obj(m, "bfd"), "enable", onOff)
	v.word(path+".graceful-restart.mode", obj(m, "graceful-restart"), "mode", grModes)
	t := obj(m, "timers")
	v.number(path+".timers.keepalive", t, "keepalive", 1, 65535)
	v.number(path+".timers.hold", t, "hold", 3, 65535)
	for af, raw := range obj(m, "address-family") {
		a := obj(map[string]any{"x": raw}, "x")
		p := path + ".address-family." + af
		v.word(p+".route-reflector-client", a, "route-reflector-client", onOff)
		v.word(p+".nexthop-setting", a, "nexthop-setting", nexthopSets)
		v.word(p+".aspath.replace-peer-as", obj(a, "aspath"), "replace-peer-as", onOff)
		v.word(p+".default-route-origination.enable", obj(a, "default-route-origination"), "enable", onOff)
		if a["route-reflector-client"] == "on" && !internal {
			v.fail("%s.route-reflector-client: a route reflector client is an iBGP neighbor (remote-as internal or the VRF's own AS)", p)
		}
	}
}

// word checks that m[key], when present, is one of words.
func (v *validator) word(path string, m map[string]any, key string, words []string) {
	if x, ok := m[key]; ok && !slices.Contains(words, fmt.Sprint(x)) {
		v.fail("%s: want one of %v, got %v", path, words, x)
	}
}

// number checks that m[key], when present, is a whole number in lo..hi.
func (v *validator) number(path string, m map[string]any, key string, lo, hi float64) {
	x, ok := m[key]
	if !ok {
		return
	}
	if n, isNum := x.(float64); !isNum || n < lo || n > hi || n != float64(int64(n)) {
		v.fail("%s: want %v-%v, got %v", path, lo, hi, x)
	}
}

// internalPeer reports whether a remote-as names an iBGP neighbor of a VRF
// whose AS is asn.
func internalPeer(as, asn any) bool {
	return as == "internal" || (asn != nil && as == asn)
}
