package driver

import (
	"fmt"
	"maps"
	"net/netip"
	"regexp"
	"slices"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"

	"underlay.dev/underlay/internal/checker/nvuedoc"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/platform"
)

// shape describes one value of a tree the agent accepts: an object with
// fixed members (Fields) and/or members of any name that Name accepts
// (Each), a scalar (Leaf), or the empty object NVUE uses as a set member
// (Empty). Unit marks an owned subtree: the driver applies it whole
// (replaced when the file holds it, removed when not) and compares it
// whole for drift; everything outside the units stays the operator's.
type shape struct {
	Fields map[string]*shape
	Each   *shape
	// Name accepts the member names of Each; NameDoc says which in errors.
	Name    func(string) bool
	NameDoc string
	// Claims, when set, says whether a member of Each that the switch
	// holds and the file does not is underlay's (to remove) or the
	// operator's (left alone): for members a name alone does not tell.
	Claims func(got any) bool
	Leaf   leafKind
	// Values, when set, are the only strings a Leaf may hold: the ones
	// underlay renders (an `enable: "off"` would switch BGP off).
	Values []string
	// Valid, when set, accepts a Leaf's string; ValidDoc says which.
	Valid    func(string) bool
	ValidDoc string
	Empty    bool
	Unit     bool
}

type leafKind int

const (
	notLeaf leafKind = iota
	leafString
	leafNumber
)

func shObj(fields map[string]*shape) *shape { return &shape{Fields: fields} }
func shEach(doc string, name func(string) bool, s *shape) *shape {
	return &shape{Each: s, Name: name, NameDoc: doc}
}
func shStr(values ...string) *shape { return &shape{Leaf: leafString, Values: values} }
func shNum() *shape                 { return &shape{Leaf: leafNumber} }

// shNumOr is a number, or one of the words given (remote-as external).
func shNumOr(words ...string) *shape { return &shape{Leaf: leafNumber, Values: words} }
func shUnit(s *shape) *shape         { s.Unit = true; return s }
func shSet(doc string, name func(string) bool) *shape {
	return shEach(doc, name, &shape{Empty: true})
}

func parsesAsPrefix(s string) bool { _, err := netip.ParsePrefix(s); return err == nil }
func parsesAsAddr(s string) bool   { _, err := netip.ParseAddr(s); return err == nil }
func shMatch(re string) func(string) bool {
	r := regexp.MustCompile(re)
	return r.MatchString
}

// underlayPolicy is the prefix of every route map and prefix list underlay
// renders (internal/resolve/policy.go); the operator's own keep theirs.
var underlayPolicy = shMatch(`^UNDERLAY-[A-Za-z0-9_-]+$`)

var (
	nvueSwp = platform.MustGet(model.PlatformNVUE).Ports.Pattern.MatchString
	nvueSeq = shMatch(`^[0-9]+$`)
)

// NVUEOwned is the part of the NVUE tree the NVUE driver owns: exactly the
// subtrees internal/render/nvue renders, and within them only the members
// it renders. The units (applied and compared whole) are system hostname,
// each of the loopback, swp, bond and SVI (vlanN) interfaces, the global
// router bgp, each UNDERLAY-* prefix list and route map, vrf default's
// router bgp and static routes, and, for server networks, bridge domain
// br_default's VLANs, evpn enable, the VXLAN tunnel's enable and source,
// vrf default's DHCP relay, and each server network VRF (named as networks
// may be, never mgmt; one the file does not hold is underlay's only when
// it has an L3VNI, which only underlay's EVPN can carry: the operator's
// VRFs stay theirs). Precheck refuses a
// document with anything else; the apply and the drift check leave
// everything else on the switch alone: the management port (eth0) and
// VRF, users, NTP, syslog, SNMP, DNS, the operator's own route maps. Bonds
// and vlanN interfaces are underlay's as every swp port is.
var NVUEOwned = shObj(map[string]*shape{
	"system": shObj(map[string]*shape{"hostname": shUnit(shStr())}),
	"interface": shEach("lo, a swp port, a bond or an SVI (vlanN)", nvueInterface, shUnit(shObj(map[string]*shape{
		"type":   shStr("loopback", "swp", "bond", "svi"),
		"link":   shObj(map[string]*shape{"mtu": shNum()}),
		"ip":     shObj(map[string]*shape{"address": shSet("an address/length", parsesAsPrefix), "vrf": nvueVRFRef}),
		"bond":   nvueBond,
		"bridge": nvueBridgePort,
		"vlan":   shNum(),
	}))),
	"router": shObj(map[string]*shape{
		"bgp": shUnit(shObj(map[string]*shape{"enable": shStr("on"), "autonomous-system": shNum(), "router-id": shStr()})),
		"policy": shObj(map[string]*shape{
			"prefix-list": shEach("an UNDERLAY-* name", underlayPolicy, shUnit(shObj(map[string]*shape{
				"type": shStr("ipv4", "ipv6"),
				"rule": shEach("a sequence number", nvueSeq, shObj(map[string]*shape{
					"action": shStr("permit"),
					"match": shEach("a prefix", parsesAsPrefix, shObj(map[string]*shape{
						"min-prefix-len": shNum(), "max-prefix-len": shNum(),
					})),
				})),
			}))),
			"route-map": shEach("an UNDERLAY-* name", underlayPolicy, shUnit(shObj(map[string]*shape{
				"rule": shEach("a sequence number", nvueSeq, shObj(map[string]*shape{
					"match":  shObj(map[string]*shape{"type": shStr("ipv4", "ipv6"), "ip-prefix-list": shStr()}),
					"action": shSet("permit or deny", shMatch(`^(permit|deny)$`)),
				})),
			}))),
		}),
	}),
	"bridge":  nvueBridge,
	"evpn":    shObj(map[string]*shape{"enable": shUnit(shStr("on"))}),
	"nve":     nvueNVE,
	"service": nvueService,
	"vrf": {
		Fields: map[string]*shape{"default": shObj(map[string]*shape{"router": shObj(map[string]*shape{
			"bgp": shUnit(nvueVRFBGP),
			"static": shUnit(shEach("a prefix", parsesAsPrefix, shObj(map[string]*shape{
				"via": shObj(map[string]*shape{"blackhole": shObj(map[string]*shape{"type": shStr("blackhole")})}),
			}))),
		})})},
		Each: shUnit(nvueTenantVRF), Name: nvueVRFName, NameDoc: "default or a server network's VRF", Claims: hasL3VNI,
	},
})

var nvueVRFBGP = shObj(map[string]*shape{
	"enable": shStr("on"),
	"path-selection": shObj(map[string]*shape{
		"routerid-compare": shStr("on"),
		"multipath":        shObj(map[string]*shape{"aspath-ignore": shStr("on")}),
	}),
	"address-family": shObj(map[string]*shape{
		"ipv4-unicast": nvueDefaultFamily, "ipv6-unicast": nvueDefaultFamily,
		"l2vpn-evpn": shObj(map[string]*shape{"enable": shStr("on")}),
	}),
	// remote-as internal, bfd and graceful-restart: a Kubernetes
	// cluster's sessions (model.SessionOptions).
	"neighbor": shEach("an address or a swp port", func(s string) bool { return parsesAsAddr(s) || nvueSwp(s) }, shObj(map[string]*shape{
		"type":             shStr("numbered", "unnumbered"),
		"remote-as":        shNumOr("internal"),
		"description":      shStr(),
		"timers":           nvueTimers,
		"bfd":              nvueBFD,
		"graceful-restart": nvueGracefulRestart,
		"address-family":   nvuePeerFamilies,
	})),
	// A group: its peer group and the listen ranges its members open
	// sessions from.
	"peer-group": shEach("a group name", nvueGroup, shObj(map[string]*shape{
		"remote-as":        shNumOr("external", "internal"),
		"description":      shStr(),
		"timers":           nvueTimers,
		"bfd":              nvueBFD,
		"graceful-restart": nvueGracefulRestart,
		"address-family":   nvuePeerFamilies,
	})),
	"dynamic-neighbor": shObj(map[string]*shape{
		"limit":        shNum(),
		"listen-range": shEach("a prefix", parsesAsPrefix, shObj(map[string]*shape{"peer-group": shStr()})),
	}),
})

var (
	// nvueGroup is the intent's group name rule (resolve checks it).
	nvueGroup  = model.PeerName.MatchString
	nvueTimers = shObj(map[string]*shape{"keepalive": shNum(), "hold": shNum()})
	// "off": an IPv6-only neighbor says so, or NVUE enables IPv4 on it.
	nvuePeerFamily = shObj(map[string]*shape{
		"enable": shStr("on", "off"),
		"policy": shObj(map[string]*shape{
			"inbound":  shObj(map[string]*shape{"route-map": shStr()}),
			"outbound": shObj(map[string]*shape{"route-map": shStr()}),
		}),
		"prefix-limits": shObj(map[string]*shape{"inbound": shObj(map[string]*shape{"maximum": shNum()})}),
		// A cluster's: iBGP members reflected with the leaf as next hop,
		// a shared AS overridden, a default route.
		"route-reflector-client":    shStr("on"),
		"nexthop-setting":           shStr("self"),
		"aspath":                    shObj(map[string]*shape{"replace-peer-as": shStr("on")}),
		"default-route-origination": shObj(map[string]*shape{"enable": shStr("on")}),
	})
	nvueBFD             = shObj(map[string]*shape{"enable": shStr("on")})
	nvueGracefulRestart = shObj(map[string]*shape{"mode": shStr("helper-only")})
	// nvueDefaultFamily is vrf default's: a cluster's iBGP members spread
	// their paths (multipaths ibgp) too.
	nvueDefaultFamily = shObj(map[string]*shape{
		"enable":     shStr("on"),
		"network":    shSet("a prefix", parsesAsPrefix),
		"multipaths": shObj(map[string]*shape{"ebgp": shNum(), "ibgp": shNum()}),
	})
	// l2vpn-evpn: an EVPN session (both ends carry EVPN).
	nvuePeerFamilies = shObj(map[string]*shape{"ipv4-unicast": nvuePeerFamily, "ipv6-unicast": nvuePeerFamily,
		"l2vpn-evpn": shObj(map[string]*shape{"enable": shStr("on")})})
)

// admitNVUE refuses an nvue.yaml that is not one `set` item inside
// NVUEOwned, naming every path that is not, and returns the document as
// decoded (strictly: a key twice is refused), for Precheck's validation
// without a second decode.
func admitNVUE(doc []byte) (nvuedoc.Document, error) {
	items, err := nvuedoc.Parse(doc)
	if err != nil {
		return nil, refusedPaths("nvue.yaml", []string{err.Error()})
	}
	tree, errs := nvueSet(items)
	if tree != nil {
		NVUEOwned.admit("set", tree, &errs)
	}
	if len(errs) > 0 {
		return nil, refusedPaths(platform.FileNVUE, errs)
	}
	return items, nil
}

// parseNVUE returns the set tree of a document of one `set` item without
// admitting it: Apply and Drift also take the baseline captured from the
// switch (driver.Capturer), which holds the operator's configuration and
// is never admitted. What they do stays inside NVUEOwned all the same.
func parseNVUE(doc []byte) (map[string]any, error) {
	var items []map[string]any
	if err := yaml.Unmarshal(doc, &items); err != nil {
		return nil, fmt.Errorf("nvue.yaml: %w", err)
	}
	tree, errs := nvueSet(items)
	if len(errs) > 0 {
		return nil, fmt.Errorf("nvue.yaml: %s", strings.Join(errs, "; "))
	}
	return tree, nil
}

// nvueSet returns the tree of the one `set` item of items.
func nvueSet(items []map[string]any) (map[string]any, []string) {
	var errs []string
	var tree map[string]any
	for i, it := range items {
		for k, v := range it {
			m, ok := v.(map[string]any)
			switch {
			case k != "set":
				errs = append(errs, fmt.Sprintf("[%d].%s: only one `set` item is rendered", i, k))
			case tree != nil:
				errs = append(errs, fmt.Sprintf("[%d].set: a second `set` item is not rendered", i))
			case !ok:
				errs = append(errs, fmt.Sprintf("[%d].set: want an object", i))
			default:
				tree = m
			}
		}
	}
	if tree == nil && len(errs) == 0 {
		errs = append(errs, "no `set` item")
	}
	return tree, errs
}

// refusedPaths is the Precheck error of a file with paths outside what the
// driver owns, every path named, at most 20 of them.
func refusedPaths(file string, errs []string) error {
	sort.Strings(errs)
	if n := len(errs); n > 20 {
		errs = append(errs[:20], fmt.Sprintf("… and %d more", n-20))
	}
	return fmt.Errorf("%w: %s: %s", ErrRejected, file, strings.Join(errs, "; "))
}

// admit appends a line to errs for every member of v that s does not
// describe.
func (s *shape) admit(path string, v any, errs *[]string) {
	switch {
	case s.Empty:
		if m, ok := v.(map[string]any); !ok || len(m) > 0 {
			*errs = append(*errs, fmt.Sprintf("%s: want {}, as underlay renders set members", path))
		}
	case s.Leaf != notLeaf:
		s.admitLeaf(path, v, errs)
	default:
		m, ok := v.(map[string]any)
		if !ok {
			*errs = append(*errs, fmt.Sprintf("%s: want an object, got %v", path, v))
			return
		}
		for _, k := range slices.Sorted(maps.Keys(m)) {
			p := path + "." + k
			switch f := s.Fields[k]; {
			case f != nil:
				f.admit(p, m[k], errs)
			case s.Each != nil && s.Name(k):
				s.Each.admit(p, m[k], errs)
			case s.Each != nil && len(s.Fields) == 0:
				*errs = append(*errs, fmt.Sprintf("%s is not one underlay renders (want %s); refused", p, s.NameDoc))
			default:
				*errs = append(*errs, fmt.Sprintf("%s is not a subtree underlay renders; refused", p))
			}
		}
	}
}

func (s *shape) admitLeaf(path string, v any, errs *[]string) {
	switch x := v.(type) {
	case string:
		switch {
		case s.Leaf != leafString && !slices.Contains(s.Values, x):
			*errs = append(*errs, fmt.Sprintf("%s: want a number%s, got %q", path, orWords(s.Values), x))
		case s.Leaf == leafString && len(s.Values) > 0 && !slices.Contains(s.Values, x):
			*errs = append(*errs, fmt.Sprintf("%s: %q is not a value underlay renders (%s); refused", path, x, strings.Join(s.Values, ", ")))
		case s.Leaf == leafString && s.Valid != nil && !s.Valid(x):
			*errs = append(*errs, fmt.Sprintf("%s: %q is not a value underlay renders (%s); refused", path, x, s.ValidDoc))
		}
	case float64:
		if s.Leaf != leafNumber {
			*errs = append(*errs, fmt.Sprintf("%s: want a string, got %v", path, x))
		}
	default:
		*errs = append(*errs, fmt.Sprintf("%s: want a scalar underlay renders, got %v", path, v))
	}
}

// orWords is " or w1, w2" for a number that may also be one of words.
func orWords(words []string) string {
	if len(words) == 0 {
		return ""
	}
	return " or " + strings.Join(words, ", ")
}
