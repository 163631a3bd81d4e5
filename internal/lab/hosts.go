package lab

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"underlay.dev/underlay/internal/lab/node"
	"underlay.dev/underlay/internal/lab/ovs"
	"underlay.dev/underlay/internal/lab/pxe"
	"underlay.dev/underlay/internal/lab/vrfemu"
	"underlay.dev/underlay/internal/model"
)

// The lab's bare-metal servers: a namespace per server with veths to its
// leaf's ports, and on each leaf with server networks an Open vSwitch
// instance that the leaf's agent realises the bridge, bonds and SVIs in
// (ovs.Emulation).

// bridged reports whether d has server networks: a VLAN-aware bridge.
func bridged(d *model.Device) bool {
	for _, i := range d.Interfaces {
		if i.Kind == model.KindBridge {
			return true
		}
	}
	return false
}

// planHosts names every server's namespace and every leaf's OVS instance
// before anything is created.
func (l *Lab) planHosts(f *model.Fabric, st *State) error {
	if len(f.Servers) > 0 {
		if err := ServerPrograms(); err != nil {
			return err
		}
	}
	taken := map[string]string{}
	for _, d := range st.Devices {
		taken[d.Netns] = "device " + d.Name
	}
	for _, d := range f.Devices {
		if !bridged(d) {
			continue
		}
		if d.Platform != model.PlatformCumulus {
			// Its servers are cabled but not booted (BootServers says so).
			continue
		}
		ns := "ul-" + st.ID + "-" + d.Name
		st.Daemons = append(st.Daemons, Daemon{Program: "ovs", Owner: d.Name, Netns: ns, Dir: l.path("devices", d.Name, "ovs")})
		if len(d.Relays) > 0 {
			// Its agent starts it (RelayCommand), stopped by pid file.
			st.Daemons = append(st.Daemons, Daemon{Program: "dhcrelay", Owner: d.Name, Netns: ns, Dir: l.path("devices", d.Name, "dhcrelay")})
		}
	}
	pxes, err := pxeServers(f)
	if err != nil {
		return err
	}
	for _, p := range pxes {
		if p.port == "" {
			continue
		}
		name := pxeHostName(len(hostsOf(st, true)))
		ns := "ul-" + st.ID + "-" + name
		if who, ok := taken[ns]; ok || node.Exists(ns) {
			return fmt.Errorf("the PXE server's namespace %s is taken (%s): rename it or pick another --id", ns, who)
		}
		taken[ns] = "the PXE server"
		st.Hosts = append(st.Hosts, Host{Name: name, Leaf: p.device.Name, Netns: ns, LeafPorts: []string{p.port}, Ports: []string{"eth0"},
			PXE: netip.PrefixFrom(p.addr, p.gateway.Bits()).String(), Gateway: p.gateway.Addr().String()})
	}
	for _, s := range f.Servers {
		ns := "ul-" + st.ID + "-" + s.Name
		if who, ok := taken[ns]; ok {
			return fmt.Errorf("server %s and %s would share namespace %s: rename one", s.Name, who, ns)
		}
		if node.Exists(ns) {
			return fmt.Errorf("network namespace %s already exists (another lab?): remove it or pick another --id", ns)
		}
		taken[ns] = "server " + s.Name
		h := Host{Name: s.Name, Leaf: s.Leaf.Name, Netns: ns, LeafPorts: s.Ports, Bond: s.Bond}
		for i := range s.Ports {
			h.Ports = append(h.Ports, "eth"+strconv.Itoa(i))
		}
		st.Hosts = append(st.Hosts, h)
	}
	return nil
}

// buildHosts starts the leaves' OVS instances and cables the servers:
// each server port a veth to its leaf port, with the server's MTU.
func (l *Lab) buildHosts(ctx context.Context, f *model.Fabric, st *State) error {
	if len(st.Hosts) == 0 && len(st.Daemons) == 0 {
		return nil
	}
	t := time.Now()
	for i := range st.Daemons {
		if d := &st.Daemons[i]; d.Program == "ovs" {
			if err := l.startOVS(ctx, st, d); err != nil {
				return err
			}
		}
	}
	leafNS := map[string]string{}
	for _, d := range st.Devices {
		leafNS[d.Name] = d.Netns
	}
	for i := range st.Hosts {
		h := &st.Hosts[i]
		if err := node.AddNetns(ctx, h.Netns); err != nil {
			if errors.Is(err, node.ErrExists) {
				h.Netns = ""
				err = errors.Join(err, l.saveState(st))
			}
			return err
		}
		s := server(f, h.Name)
		if h.PXE != "" {
			s = nil
		}
		for j, p := range h.Ports {
			if err := node.AddVeth(ctx, leafNS[h.Leaf], h.LeafPorts[j], h.Netns, p); err != nil {
				return err
			}
			if err := noChecksumOffload(ctx, h.Netns, p); err != nil {
				return err
			}
			if s != nil && s.MTU > 0 {
				if err := node.Run(ctx, "ip", "-n", h.Netns, "link", "set", p, "mtu", strconv.Itoa(s.MTU)); err != nil {
					return err
				}
			}
		}
	}
	for _, h := range hostsOf(st, true) {
		if err := node.Run(ctx, "ip", "-n", h.Netns, "addr", "add", h.PXE, "dev", h.Ports[0]); err != nil {
			return err
		}
		if err := node.Run(ctx, "ip", "-n", h.Netns, "route", "add", "default", "via", h.Gateway); err != nil {
			return err
		}
		l.progress("  %s: the PXE server's namespace, %s on %s:%s", h.Name, h.PXE, h.Leaf, h.LeafPorts[0])
	}
	l.progress("  %d servers cabled to their leaves, Open vSwitch on %d leaves (%s): %s", len(hostsOf(st, false)), len(ovsLeaves(st)), ovs.Emulation, time.Since(t).Round(100*time.Millisecond))
	return nil
}

// startOVS starts a recorded OVS instance and records its pids.
func (l *Lab) startOVS(ctx context.Context, st *State, d *Daemon) error {
	pids, err := ovs.Instance{Netns: d.Netns, Dir: d.Dir}.Start(ctx)
	for _, p := range ovs.Programs {
		if pid, ok := pids[p]; ok {
			d.Processes = append(d.Processes, record(pid))
		}
	}
	if serr := l.saveState(st); serr != nil {
		return errors.Join(err, serr)
	}
	if err != nil {
		return fmt.Errorf("the Open vSwitch of %s: %w", d.Owner, err)
	}
	return nil
}

// stopDaemons stops every recorded daemon, newest first: by recorded pid
// (pid and start time), then by pid file for one that started after the
// last record (a crash in between).
func stopDaemons(st *State) {
	for i := len(st.Daemons) - 1; i >= 0; i-- {
		d := st.Daemons[i]
		for _, p := range d.Processes {
			p.Stop(5 * time.Second)
		}
		switch d.Program {
		case "ovs":
			ovs.Instance{Netns: d.Netns, Dir: d.Dir}.Stop(5 * time.Second)
		default:
			pxe.Stop(filepath.Join(d.Dir, d.Program+".pid"), d.Program, d.Dir, 5*time.Second)
		}
	}
}

// server returns the intent's named server, or nil.
func server(f *model.Fabric, name string) *model.Server {
	for _, s := range f.Servers {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// progressEmulatedL2 says what stands in for the leaves' L2 and VRFs.
func (l *Lab) progressEmulatedL2(f *model.Fabric, st *State) {
	for _, d := range st.Daemons {
		if d.Program == "ovs" {
			l.progress("  %s: %s", d.Owner, ovs.Emulation)
		}
	}
	if len(f.VRFs) > 0 {
		l.progress("  VRFs %s: %s", vrfNames(f), vrfemu.Emulation)
	}
}

func vrfNames(f *model.Fabric) string {
	names := make([]string, len(f.VRFs))
	for i, v := range f.VRFs {
		names[i] = v.Name
	}
	return strings.Join(names, ", ")
}

// hostsOf returns the PXE hosts (pxe) or the servers (!pxe).
func hostsOf(st *State, pxe bool) []Host {
	var out []Host
	for _, h := range st.Hosts {
		if (h.PXE != "") == pxe {
			out = append(out, h)
		}
	}
	return out
}

// hostPorts are the "device:port" ends of the lab's hosts' cables: no
// other veth takes them.
func hostPorts(st *State) map[string]bool {
	out := map[string]bool{}
	for _, h := range st.Hosts {
		for _, p := range h.LeafPorts {
			out[h.Leaf+":"+p] = true
		}
	}
	return out
}

// noChecksumOffload makes a server's port send complete UDP and TCP
// checksums. A veth leaves them to the receiver (checksum offload); OVS's
// userspace datapath reads the frame from the leaf's end with a packet
// socket and forwards it without completing it, and dhcrelay, reading
// frames with its own packet sockets, silently drops a DHCP reply whose
// checksum is not there (measured: dnsmasq's offers reached the leaf's SVI
// and went no further).
func noChecksumOffload(ctx context.Context, netns, port string) error {
	return node.Run(ctx, "ip", "netns", "exec", netns, "ethtool", "-K", port, "tx", "off")
}

// ovsLeaves are the devices running Open vSwitch.
func ovsLeaves(st *State) []string {
	var out []string
	for _, d := range st.Daemons {
		if d.Program == "ovs" {
			out = append(out, d.Owner)
		}
	}
	return out
}

// ServerPrograms checks, before anything is created, for what the lab's
// servers need, naming the Debian packages (a test skips on it).
func ServerPrograms() error {
	var missing []string
	for prog, pkg := range map[string]string{"ovs-vswitchd": "openvswitch-switch", "ovs-vsctl": "openvswitch-switch", "ovsdb-tool": "openvswitch-switch",
		"nft": "nftables", "ethtool": "ethtool", "dnsmasq": "dnsmasq-base", "dhcrelay": "isc-dhcp-relay", "dhclient": "isc-dhcp-client"} {
		if _, err := exec.LookPath(prog); err != nil {
			missing = append(missing, prog+" ("+pkg+")")
		}
	}
	if len(missing) == 0 {
		return nil
	}
	slices.Sort(missing)
	return fmt.Errorf("the lab's bare-metal servers need %s: apt install them (with a policy-rc.d that keeps their services from starting on the host)", strings.Join(missing, ", "))
}
