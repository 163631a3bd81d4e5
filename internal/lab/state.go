package lab

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"underlay.dev/underlay/internal/atomicfile"
)

// StateFile is the lab's record of what it created, written before each
// thing is created so that `down` can remove it after any crash.
const StateFile = "state.json"

// State is the content of the state file.
type State struct {
	ID     string `json:"id"`
	Fabric string `json:"fabric"`
	// Namespace is the Kubernetes namespace of the fabric's objects.
	Namespace string   `json:"namespace"`
	Devices   []Device `json:"devices"`
	// Links are the lab's cables, "a:port -- b:port".
	Links []string `json:"links"`
	// Supervisor is the process holding the API server, emulators and
	// agents.
	Supervisor *Process `json:"supervisor,omitempty"`
	// HealthTimeout is the agents' --health-timeout.
	HealthTimeout string `json:"healthTimeout,omitempty"`
	// Hosts are the intent's bare-metal servers, a namespace each.
	Hosts []Host `json:"hosts,omitempty"`
	// Daemons are the daemons the lab runs in namespaces (Open vSwitch,
	// dnsmasq, dhcrelay), each recorded before it starts.
	Daemons []Daemon `json:"daemons,omitempty"`
	// Nodes are the servers that are Kubernetes nodes: each runs an
	// emulation of its CNI's node agent (clusternodes.go).
	Nodes []ClusterNode `json:"nodes,omitempty"`
}

// Host is one bare-metal server of the lab.
type Host struct {
	Name string `json:"name"`
	Leaf string `json:"leaf"`
	// Netns is the server's namespace; empty when it was found to belong
	// to someone else.
	Netns string `json:"netns"`
	// Ports are the server's NICs (eth0, eth1, …), cabled in order to
	// LeafPorts.
	Ports     []string `json:"ports"`
	LeafPorts []string `json:"leafPorts"`
	// Bond is the leaf's bond of LeafPorts ("" for one port).
	Bond string `json:"bond,omitempty"`
	// Network and Addr are what the server's OS runs now: the network
	// its untagged port is on and its address there (empty before its
	// first boot).
	Network string `json:"network,omitempty"`
	Addr    string `json:"addr,omitempty"`
	// Lease is the DHCP lease of its last boot (nil on a network without
	// a relay) and LACP how long its bond took to negotiate once the OS
	// formed it: what a person (and the story test) reads of the boot.
	Lease *HostLease    `json:"lease,omitempty"`
	LACP  time.Duration `json:"lacpNanoseconds,omitempty"`
	// PXE marks the PXE/DHCP server the lab attaches where a relay
	// target lies in a leaf's subnet: its address (the relay target, with
	// the subnet's length) and gateway.
	PXE     string `json:"pxe,omitempty"`
	Gateway string `json:"gateway,omitempty"`
}

// HostLease is a lease a server got, with what its PXE boot reads.
type HostLease struct {
	Addr     string `json:"addr"`
	Router   string `json:"router"`
	Filename string `json:"filename"`
	// ServerName is the boot server's name (DHCP sname); ServerID the
	// address of the DHCP server that answered.
	ServerName string `json:"serverName"`
	ServerID   string `json:"serverID"`
	// LeafBond is the leaf's bond's LACP status once the lease came:
	// "configured" (no partner: fallback) for a PXE boot; empty for a
	// single port.
	LeafBond string `json:"leafBond,omitempty"`
	// Took is the DHCP exchange's time.
	Took time.Duration `json:"tookNanoseconds"`
}

// Daemon is one daemon the lab started in a namespace.
type Daemon struct {
	// Program is "ovs" (ovsdb-server and ovs-vswitchd), "dnsmasq" or
	// "dhcrelay".
	Program string `json:"program"`
	// Owner is the device or server it serves.
	Owner string `json:"owner"`
	Netns string `json:"netns"`
	// Dir holds its pid files, sockets, leases and logs.
	Dir string `json:"dir"`
	// Processes are its pids once started.
	Processes []*Process `json:"processes,omitempty"`
}

// Device is one device of the lab.
type Device struct {
	Name     string `json:"name"`
	Platform string `json:"platform"`
	// Netns is the device's network namespace and FRR pathspace; empty
	// when it was found to belong to someone else (see disown).
	Netns string `json:"netns"`
}

// Process identifies a process by pid and start time, so a recycled pid
// is never signalled.
type Process struct {
	PID   int    `json:"pid"`
	Start uint64 `json:"start"`
}

// LoadState reads the state file; a missing file is os.ErrNotExist.
func (l *Lab) LoadState() (*State, error) {
	b, err := os.ReadFile(l.path(StateFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("no lab in %s (start one with: underlay lab up FABRIC): %w", l.Dir, err)
	}
	if err != nil {
		return nil, err
	}
	var s State
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("lab state %s: %w", l.path(StateFile), err)
	}
	return &s, nil
}

func (l *Lab) saveState(s *State) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(l.path(StateFile), append(b, '\n'), 0o600)
}

// Exists reports whether a lab is recorded in Dir.
func (l *Lab) Exists() bool {
	_, err := os.Stat(l.path(StateFile))
	return !errors.Is(err, os.ErrNotExist)
}

// Namespaces are the network namespaces of the devices; each is also the
// name of the device's FRR pathspace (under /etc/frr and /var/run/frr).
// A device whose namespace turned out to be someone else's has none.
func (s *State) Namespaces() []string {
	var out []string
	for _, d := range s.Devices {
		if d.Netns != "" {
			out = append(out, d.Netns)
		}
	}
	for _, h := range s.Hosts {
		if h.Netns != "" {
			out = append(out, h.Netns)
		}
	}
	for _, n := range s.Nodes {
		if n.PodNetns != "" {
			out = append(out, n.PodNetns)
		}
	}
	return out
}

// Daemon returns the recorded daemon of program serving owner, or nil.
func (s *State) Daemon(program, owner string) *Daemon {
	for i := range s.Daemons {
		if s.Daemons[i].Program == program && s.Daemons[i].Owner == owner {
			return &s.Daemons[i]
		}
	}
	return nil
}

// Host returns the named server of the lab.
func (s *State) Host(name string) (*Host, error) {
	for i := range s.Hosts {
		if s.Hosts[i].Name == name {
			return &s.Hosts[i], nil
		}
	}
	names := make([]string, len(s.Hosts))
	for i, h := range s.Hosts {
		names[i] = h.Name
	}
	return nil, fmt.Errorf("no server %q in the lab; servers: %v", name, names)
}

// Device returns the named device of the lab.
func (s *State) Device(name string) (Device, error) {
	for _, d := range s.Devices {
		if d.Name == name {
			return d, nil
		}
	}
	names := make([]string, len(s.Devices))
	for i, d := range s.Devices {
		names[i] = d.Name
	}
	return Device{}, fmt.Errorf("no device %q in the lab; devices: %v", name, names)
}
