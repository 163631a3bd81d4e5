// Package platform describes each platform underlay supports, once: the
// roles a device of it may take, what its ports are called, the files its
// renderer emits and its agent driver consumes, what the agent needs from
// its host, and how the lab stands in for it. Resolve, gen, the renderers,
// gitops, the agent's drivers and the lab all read these descriptors, so
// the package is a leaf: it imports only the model and the standard
// library.
//
// Adding a platform is one descriptor here (a file and a line in all),
// one renderer package and one driver.
package platform

import (
	"fmt"
	"regexp"

	"underlay.dev/underlay/internal/model"
)

// ConfigMap keys (file names) the renderers emit and the drivers consume.
const (
	FileFRR        = "frr.conf"
	FileInterfaces = "interfaces"
	FileNVUE       = "nvue.yaml"
	FileConfigDB   = "config_db.json"
	// FileDHCPRelay is Cumulus' /etc/default/isc-dhcp-relay, rendered
	// only for a leaf that relays DHCP: the one optional key.
	FileDHCPRelay = "isc-dhcp-relay"
)

// Descriptor is everything underlay knows about one platform.
type Descriptor struct {
	Name model.Platform
	// Roles are the roles a device of the platform may take.
	Roles []model.Role
	Ports PortRule
	// Files are the ConfigMap keys the renderer may emit and the driver
	// consumes, sorted.
	Files []string
	Agent Agent
	// Emulation says what the lab runs in the platform's place, or ""
	// when the lab runs the real software (FRR, ifupdown2).
	Emulation string
	// Servers is how its leaves attach bare-metal servers; nil when they
	// cannot.
	Servers *Servers
}

// PortRule is what a port may be called on a platform: resolve checks the
// intent's ports with it and the agent's admission the ports of the files
// it is given, so the two cannot drift apart; gen names ports with Nth.
type PortRule struct {
	Pattern *regexp.Regexp
	Example string
	// Nth names the n-th (1-based) port as the platform numbers them.
	Nth func(n int) string
}

// Valid reports whether name may be a port of the platform ("lo" never is:
// the loopback is not a fabric port).
func (r PortRule) Valid(name string) bool { return name != "lo" && r.Pattern.MatchString(name) }

var descriptors = []*Descriptor{&cumulus, &linuxFRR, &nvue, &sonic}

// All returns the descriptors in the order of model.Platforms.
func All() []*Descriptor { return descriptors }

// Get returns the descriptor of p, or an error naming the supported
// platforms.
func Get(p model.Platform) (*Descriptor, error) {
	for _, d := range descriptors {
		if d.Name == p {
			return d, nil
		}
	}
	return nil, fmt.Errorf("platform %q is not supported; supported platforms are %q", p, model.Platforms)
}

// MayTake reports whether a device of the platform may take role r.
func (d *Descriptor) MayTake(r model.Role) bool {
	for _, x := range d.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// switchRoles are the roles of a fabric switch.
var switchRoles = []model.Role{model.RoleSuperspine, model.RoleSpine, model.RoleLeaf}

// swp is the port rule of Cumulus Linux, with or without NVUE: swp1, and
// swp1s0 for a breakout.
var swp = PortRule{regexp.MustCompile(`^swp[0-9]+(s[0-9]+)?$`), "swp1 or swp1s0",
	func(n int) string { return fmt.Sprintf("swp%d", n) }}

var regexpEthernet = regexp.MustCompile(`^Ethernet[0-9]+$`)

func itoa(n int) string { return fmt.Sprint(n) }

func prefixEach(prefix string, vs []string) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = prefix + v
	}
	return out
}

// MustGet returns the descriptor of p, one of model's platform constants.
func MustGet(p model.Platform) *Descriptor {
	d, err := Get(p)
	if err != nil {
		panic(err)
	}
	return d
}
