package ovs

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
)

// Realise makes the instance's bridges and ports match spec, changing
// only what differs: a port moved to another VLAN is one `set port` in one
// transaction, and a port that is already right is not touched. It
// returns the ovs-vsctl commands it ran (nil when nothing differed).
func (i Instance) Realise(ctx context.Context, spec Spec) ([][]string, error) {
	if err := spec.Check(); err != nil {
		return nil, err
	}
	cur, err := i.Current(ctx)
	if err != nil {
		return nil, err
	}
	cmds := Plan(cur, spec)
	if err := i.isolate(ctx, spec); err != nil {
		return nil, err
	}
	if len(cmds) == 0 {
		return nil, nil
	}
	var args []string
	for j, c := range cmds {
		if j > 0 {
			args = append(args, "--")
		}
		args = append(args, c...)
	}
	if _, err := i.Vsctl(ctx, args...); err != nil {
		return nil, fmt.Errorf("realising the L2 of %s: %w", i.Netns, err)
	}
	return cmds, nil
}

// Current is what an OVS instance holds, as Plan compares it.
type Current struct {
	// Bridges maps each bridge to its datapath type.
	Bridges map[string]string
	// Ports are the ports of every bridge but each bridge's own local
	// port, by name.
	Ports map[string]CurrentPort
}

// CurrentPort is one port as OVS holds it.
type CurrentPort struct {
	Bridge string
	// Settings are the port columns Port.settings names, OtherConfig
	// the other_config keys of otherConfigKeys.
	Settings, OtherConfig map[string]string
	// Interfaces are sorted; Internal and MTU describe the port's first
	// interface (internal ports have one).
	Interfaces []string
	Internal   bool
	MTU        int
}

// Plan lists the ovs-vsctl commands that turn cur into want: stale
// bridges and ports removed first (a member may move to another port),
// then ports added, then settings changed.
func Plan(cur Current, want Spec) [][]string {
	var cmds [][]string
	for _, b := range slices.Sorted(maps.Keys(cur.Bridges)) {
		if b != want.Bridge {
			cmds = append(cmds, []string{"del-br", b})
		}
	}
	if want.Bridge == "" {
		return cmds
	}
	dp, ok := cur.Bridges[want.Bridge]
	if !ok {
		cmds = append(cmds, []string{"add-br", want.Bridge}, []string{"set", "bridge", want.Bridge, "datapath_type=netdev"})
	} else if dp != "netdev" {
		cmds = append(cmds, []string{"set", "bridge", want.Bridge, "datapath_type=netdev"})
	}
	wanted := map[string]Port{}
	for _, p := range want.Ports {
		wanted[p.Name] = p
	}
	var adds, sets [][]string
	for _, name := range slices.Sorted(maps.Keys(cur.Ports)) {
		c := cur.Ports[name]
		if c.Bridge != want.Bridge {
			continue // removed with its bridge
		}
		if p, ok := wanted[name]; ok && sameShape(c, p) {
			sets = append(sets, changes(c, p)...)
			continue
		}
		cmds = append(cmds, []string{"del-port", c.Bridge, name})
	}
	for _, p := range want.Ports {
		if c, ok := cur.Ports[p.Name]; !ok || c.Bridge != want.Bridge || !sameShape(c, p) {
			adds = append(adds, add(want.Bridge, p)...)
		}
	}
	return append(append(cmds, adds...), sets...)
}

// sameShape: the same interfaces of the same type; anything else is a
// port removed and added again.
func sameShape(c CurrentPort, p Port) bool {
	return slices.Equal(c.Interfaces, p.interfaces()) && c.Internal == p.Internal
}

func add(bridge string, p Port) [][]string {
	var cmd []string
	if p.Bond() {
		cmd = append([]string{"add-bond", bridge, p.Name}, p.Members...)
	} else {
		cmd = []string{"add-port", bridge, p.Name}
	}
	s := p.settings()
	for _, k := range slices.Sorted(maps.Keys(s)) {
		if s[k] != "" {
			cmd = append(cmd, k+"="+s[k])
		}
	}
	cmds := [][]string{cmd}
	if oc := p.otherConfig(); len(oc) > 0 {
		set := []string{"set", "port", p.Name}
		for _, k := range slices.Sorted(maps.Keys(oc)) {
			set = append(set, "other_config:"+k+"="+oc[k])
		}
		cmds = append(cmds, set)
	}
	if p.Internal {
		set := []string{"set", "interface", p.Name, "type=internal"}
		if p.MTU > 0 {
			set = append(set, "mtu_request="+strconv.Itoa(p.MTU))
		}
		cmds = append(cmds, set)
	}
	return cmds
}

// changes are the settings of an existing port that differ from p.
func changes(c CurrentPort, p Port) [][]string {
	var cmds [][]string
	want := p.settings()
	var set []string
	for _, k := range slices.Sorted(maps.Keys(want)) {
		switch {
		case c.Settings[k] == want[k]:
		case want[k] == "":
			cmds = append(cmds, []string{"clear", "port", p.Name, k})
		default:
			set = append(set, k+"="+want[k])
		}
	}
	if len(set) > 0 {
		cmds = append([][]string{append([]string{"set", "port", p.Name}, set...)}, cmds...)
	}
	oc := p.otherConfig()
	for _, k := range otherConfigKeys {
		switch oc[k] {
		case c.OtherConfig[k]:
		case "":
			cmds = append(cmds, []string{"remove", "port", p.Name, "other_config", k})
		default:
			cmds = append(cmds, []string{"set", "port", p.Name, "other_config:" + k + "=" + oc[k]})
		}
	}
	if p.Internal && p.MTU != c.MTU {
		if p.MTU > 0 {
			cmds = append(cmds, []string{"set", "interface", p.Name, "mtu_request=" + strconv.Itoa(p.MTU)})
		} else {
			cmds = append(cmds, []string{"clear", "interface", p.Name, "mtu_request"})
		}
	}
	return cmds
}
