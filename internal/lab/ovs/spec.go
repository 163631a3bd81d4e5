package ovs

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Spec is the L2 of one device: one bridge and its ports. A Spec without
// a bridge means no L2 (every bridge is removed).
type Spec struct {
	Bridge string
	Ports  []Port
}

// Mode is a port's VLAN mode, as OVS names it.
type Mode string

// The VLAN modes the lab uses.
const (
	// Access carries untagged frames of VLAN Tag only.
	Access Mode = "access"
	// Trunk carries tagged frames of Trunks only.
	Trunk Mode = "trunk"
	// NativeUntagged is a trunk whose untagged frames belong to VLAN Tag
	// (the native VLAN, Cumulus' PVID) and leave untagged.
	NativeUntagged Mode = "native-untagged"
)

// Port is one bridge port: a plain interface, a bond of interfaces, or an
// SVI (an internal port).
type Port struct {
	Name string
	// Members are a bond's interfaces (two or more); empty for one
	// interface named Name.
	Members []string
	// LACP runs LACP (active) on a bond; Fallback lets one member forward
	// while the partner does not speak LACP (other_config:
	// lacp-fallback-ab), what a PXE boot needs. OVS's fallback is
	// active-backup: one member forwards, where Cumulus' LACP bypass
	// makes every member active. SlowLACP asks for LACP every 30 s
	// instead of every second (lacp-time).
	LACP, Fallback, SlowLACP bool
	// Internal makes the port an internal interface: an SVI, a real
	// interface in the namespace.
	Internal bool
	Mode     Mode
	// Tag is the access VLAN, or the native VLAN of a NativeUntagged
	// trunk.
	Tag    int
	Trunks []int
	// MTU is an internal port's MTU (mtu_request), 0 for OVS's default.
	MTU int
}

// Bond reports whether the port is a bond.
func (p Port) Bond() bool { return len(p.Members) > 0 }

// interfaces are the port's interfaces, sorted.
func (p Port) interfaces() []string {
	if !p.Bond() {
		return []string{p.Name}
	}
	return slices.Sorted(slices.Values(p.Members))
}

// settings are the port's column values as ovs-vsctl sets them; an empty
// value is cleared.
func (p Port) settings() map[string]string {
	s := map[string]string{"tag": "", "trunks": "", "vlan_mode": string(p.Mode), "lacp": "", "bond_mode": ""}
	if p.Tag > 0 {
		s["tag"] = strconv.Itoa(p.Tag)
	}
	if len(p.Trunks) > 0 {
		s["trunks"] = vlanList(p.Trunks)
	}
	if p.Bond() {
		s["bond_mode"] = "balance-tcp"
		if p.LACP {
			s["lacp"] = "active"
		}
	}
	return s
}

// otherConfigKeys are the other_config keys the lab sets on ports.
var otherConfigKeys = []string{"lacp-fallback-ab", "lacp-time"}

// otherConfig is the port's other_config, of otherConfigKeys.
func (p Port) otherConfig() map[string]string {
	oc := map[string]string{}
	if p.Bond() && p.LACP {
		oc["lacp-time"] = "fast"
		if p.SlowLACP {
			oc["lacp-time"] = "slow"
		}
		if p.Fallback {
			oc["lacp-fallback-ab"] = "true"
		}
	}
	return oc
}

func vlanList(vlans []int) string {
	v := slices.Sorted(slices.Values(vlans))
	out := make([]string, len(v))
	for i, n := range v {
		out[i] = strconv.Itoa(n)
	}
	return strings.Join(out, ",")
}

// Check refuses a spec OVS would take but the lab never means: a port
// without a mode, a tag where the mode has none, a bond of one member.
func (s Spec) Check() error {
	seen := map[string]bool{}
	for _, p := range s.Ports {
		for _, n := range append([]string{p.Name}, p.Members...) {
			if seen[n] {
				return fmt.Errorf("ovs spec: %s used twice", n)
			}
			seen[n] = true
		}
		switch {
		case p.Mode != Access && p.Mode != Trunk && p.Mode != NativeUntagged:
			return fmt.Errorf("ovs spec: port %s: vlan mode %q, want access, trunk or native-untagged", p.Name, p.Mode)
		case p.Mode == Access && (p.Tag == 0 || len(p.Trunks) > 0):
			return fmt.Errorf("ovs spec: access port %s needs a tag and no trunks", p.Name)
		case p.Mode == Trunk && p.Tag != 0:
			return fmt.Errorf("ovs spec: trunk %s has a tag: use native-untagged for a native VLAN", p.Name)
		case p.Mode == NativeUntagged && p.Tag == 0:
			return fmt.Errorf("ovs spec: native-untagged port %s needs its native VLAN as tag", p.Name)
		case len(p.Members) == 1:
			return fmt.Errorf("ovs spec: bond %s has one member", p.Name)
		case p.Internal && p.Bond():
			return fmt.Errorf("ovs spec: internal port %s cannot be a bond", p.Name)
		}
	}
	return nil
}
