package lab

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"underlay.dev/underlay/internal/lab/node"
	"underlay.dev/underlay/internal/lab/pxe"
	"underlay.dev/underlay/internal/model"
)

// RelayFile is the name of the DHCP relay's file Cumulus reads
// (/etc/default/isc-dhcp-relay), the key the lab reads from a leaf's
// rendered files.
const RelayFile = "isc-dhcp-relay"

// pxeServer is where a relay target is: a device's own address, or a
// host in a subnet a leaf routes on a port no link uses (the lab attaches
// a PXE namespace there).
type pxeServer struct {
	addr netip.Addr
	// device holds addr, or server is on a network whose subnet holds it,
	// or device routes the subnet holding it on port.
	device *model.Device
	server *model.Server
	port   string
	// gateway is the leaf's address on the port, with the subnet's length.
	gateway netip.Prefix
	nets    []*model.Network
}

// pxeServers finds every relay target of f with the networks relayed to
// it, in the order the networks name them.
func pxeServers(f *model.Fabric) ([]*pxeServer, error) {
	var out []*pxeServer
	byAddr := map[netip.Addr]*pxeServer{}
	for _, n := range f.Networks {
		for _, a := range n.Relay {
			p := byAddr[a]
			if p == nil {
				var err error
				if p, err = findPXE(f, a); err != nil {
					return nil, fmt.Errorf("network %s relays DHCP to %s: %w", n.Name, a, err)
				}
				byAddr[a] = p
				out = append(out, p)
			}
			p.nets = append(p.nets, n)
		}
	}
	return out, nil
}

func findPXE(f *model.Fabric, a netip.Addr) (*pxeServer, error) {
	for _, d := range f.Devices {
		for _, i := range d.Interfaces {
			for _, p := range i.Addrs {
				if p.Addr() == a {
					return &pxeServer{addr: a, device: d}, nil
				}
			}
		}
	}
	for _, s := range f.Servers {
		if s.Untagged == nil {
			continue
		}
		if sub := s.Untagged.SubnetOn(s.Leaf); sub != nil && sub.Prefix.Contains(a) {
			return &pxeServer{addr: a, server: s, gateway: sub.Gateway}, nil
		}
	}
	for _, d := range f.Devices {
		for _, i := range d.Interfaces {
			for _, p := range i.Addrs {
				if i.Kind == model.KindRouted && i.Link() == nil && p.Bits() < p.Addr().BitLen() && p.Masked().Contains(a) {
					return &pxeServer{addr: a, device: d, port: i.Name, gateway: p}, nil
				}
			}
		}
	}
	return nil, fmt.Errorf("no device holds it, no server's network and no leaf subnet on a port without a link contains it: the lab runs the PXE server (dnsmasq) in the device with that address, in that server, or in a namespace it attaches to that port")
}

// pxeHostName is the lab's name of the PXE namespace of server index i
// of those the lab attaches.
func pxeHostName(i int) string {
	if i == 0 {
		return "pxe"
	}
	return "pxe" + strconv.Itoa(i+1)
}

// ensureDHCP starts the PXE servers that are not running yet (or whose
// ranges changed): dnsmasq where each relay target is. The relays are the
// leaves' agents' (RelayCommand).
func (l *Lab) ensureDHCP(ctx context.Context, f *model.Fabric, st *State) error {
	servers, err := pxeServers(f)
	if err != nil {
		return err
	}
	attached := 0
	for _, p := range servers {
		var owner string
		switch {
		case p.server != nil:
			owner = p.server.Name
		case p.port != "":
			owner = pxeHostName(attached)
			attached++
		default:
			owner = p.device.Name
		}
		if err := l.ensureDnsmasq(ctx, st, owner, p); err != nil {
			return err
		}
	}
	return nil
}

// daemon returns the recorded daemon, recording it (and saving the state)
// when it is new, and whether it still runs with config (kept in its
// directory as config).
func (l *Lab) daemon(st *State, program, owner, netns string, config []byte) (*Daemon, bool, error) {
	d := st.Daemon(program, owner)
	if d == nil {
		st.Daemons = append(st.Daemons, Daemon{Program: program, Owner: owner, Netns: netns, Dir: l.path("devices", owner, program)})
		d = &st.Daemons[len(st.Daemons)-1]
		if err := l.saveState(st); err != nil {
			return nil, false, err
		}
	}
	old, _ := os.ReadFile(filepath.Join(d.Dir, "config"))
	running := len(d.Processes) > 0 && d.Processes[len(d.Processes)-1].Alive()
	if running && bytes.Equal(old, config) {
		return d, true, nil
	}
	if running {
		d.Processes[len(d.Processes)-1].Stop(5 * time.Second)
	}
	if err := os.MkdirAll(d.Dir, 0o755); err != nil {
		return nil, false, err
	}
	return d, false, os.WriteFile(filepath.Join(d.Dir, "config"), config, 0o644)
}

func (l *Lab) started(st *State, d *Daemon, pid int, err error) error {
	if pid > 0 {
		d.Processes = append(d.Processes, record(pid))
	}
	return errors.Join(err, l.saveState(st))
}

func (l *Lab) ensureDnsmasq(ctx context.Context, st *State, owner string, p *pxeServer) error {
	netns := ""
	if d, err := st.Device(owner); err == nil {
		netns = d.Netns
	} else if h, err := st.Host(owner); err == nil {
		netns = h.Netns
	}
	if netns == "" {
		return fmt.Errorf("the PXE server %s has no namespace in the lab", owner)
	}
	s := pxe.Server{Netns: netns, BootFile: "pxelinux.0", Name: owner, TFTP: p.addr}
	for _, n := range p.nets {
		for _, sub := range n.Subnets {
			s.Ranges = append(s.Ranges, pxe.Range{Subnet: sub.Prefix, Gateway: sub.Gateway.Addr()})
		}
	}
	args, err := s.Args()
	if err != nil {
		return err
	}
	d, running, err := l.daemon(st, "dnsmasq", owner, netns, []byte(fmt.Sprint(args)))
	if err != nil || running {
		return err
	}
	s.Dir = d.Dir
	pid, err := s.Start(ctx)
	if err := l.started(st, d, pid, err); err != nil {
		return fmt.Errorf("the PXE server %s: %w", owner, err)
	}
	l.progress("  %s: PXE server (dnsmasq %s: boot file %s, next server %s) for %d subnets", owner, p.addr, s.BootFile, p.addr, len(s.Ranges))
	return nil
}

// RelayFile is the file a leaf's agent writes isc-dhcp-relay to in the
// lab (--dhcp-relay-file maps there).
func (l *Lab) RelayFile(device string) string { return l.path("devices", device, RelayFile) }

// RelayCommand is what the lab runs for a leaf's agent in place of
// systemctl restart or stop of dhcrelay.service: dhcrelay in the leaf's
// namespace from the file the agent wrote, as the service runs it
// (restart), or none (stop). The daemon was recorded in the state at up;
// it is stopped by its pid file. Debian's dhcrelay takes -U with an
// interface name only and cannot use a loopback, so -U ADDR%lo marks a
// stand-in interface holding ADDR.
func (l *Lab) RelayCommand(ctx context.Context, device, verb string) error {
	st, err := l.LoadState()
	if err != nil {
		return err
	}
	d := st.Daemon("dhcrelay", device)
	if d == nil {
		return fmt.Errorf("%s relays no DHCP in this lab", device)
	}
	pidFile := filepath.Join(d.Dir, "dhcrelay.pid")
	pxe.Stop(pidFile, "dhcrelay", d.Dir, 5*time.Second)
	switch verb {
	case "stop":
		return nil
	case "restart":
	default:
		return fmt.Errorf("lab dhcrelay: %q: want restart or stop", verb)
	}
	file, err := os.ReadFile(l.RelayFile(device))
	if err != nil {
		return err
	}
	rf, err := pxe.ParseRelayFile(file)
	if err != nil {
		return err
	}
	r := pxe.Relay{Netns: d.Netns, Dir: d.Dir, File: rf}
	if addr, ifname := rf.LinkSelectionParts(); ifname == model.LoopbackName {
		f, err := LoadFabric(st.Fabric)
		if err != nil {
			return err
		}
		if r.LoopbackStandIn, err = l.loopbackStandIn(ctx, deviceOf(f, device), d.Netns, addr); err != nil {
			return err
		}
	}
	if err := numberUplinks(ctx, d.Netns, rf); err != nil {
		return err
	}
	w := startWait(ctx, 15*time.Second)
	defer w.cancel()
	if _, err := r.Start(w.ctx); err != nil {
		return w.failed("dhcrelay in "+device, err.Error())
	}
	return nil
}

// loopbackStandIn gives the stand-in for lo the address -U names, or the
// leaf's IPv4 loopback when it names none.
func (l *Lab) loopbackStandIn(ctx context.Context, dev *model.Device, netns string, addr netip.Addr) (string, error) {
	if !addr.IsValid() && dev != nil {
		for _, a := range dev.Interface(model.LoopbackName).Addrs {
			if a.Addr().Is4() {
				addr = a.Addr()
				break
			}
		}
	}
	if !addr.IsValid() {
		return "", fmt.Errorf("the relay's -U lo names no address and the leaf has no IPv4 loopback")
	}
	name, err := pxe.AddLoopbackStandIn(ctx, netns, netip.PrefixFrom(addr, 32))
	if err != nil && strings.Contains(err.Error(), "File exists") {
		return pxe.StandInName, nil // made by an earlier start
	}
	return name, err
}

func deviceOf(f *model.Fabric, name string) *model.Device {
	for _, d := range f.Devices {
		if d.Name == name {
			return d
		}
	}
	return nil
}

// numberUplinks gives each upstream interface (-iu) that has no IPv4
// address the relay's giaddr as a /32. Debian's dhcrelay discards every
// packet received on an interface without an IPv4 address ("Discarding
// packet received on swp49 interface that has no IPv4 address
// assigned"), and on an unnumbered fabric (BGP over IPv6 link-local)
// the uplinks have none, so the replies would never reach the server;
// Cumulus' unnumbered configurations give the fabric ports the
// loopback's address, which is what this does, in the lab only.
func numberUplinks(ctx context.Context, netns string, rf pxe.RelayFile) error {
	giaddr, _ := rf.LinkSelectionParts()
	if !giaddr.IsValid() {
		return nil
	}
	for _, i := range rf.Interfaces {
		if i[0] != "-iu" {
			continue
		}
		out, err := exec.CommandContext(ctx, "ip", "-n", netns, "-4", "-o", "addr", "show", "dev", i[1]).Output()
		if err != nil || len(bytes.TrimSpace(out)) > 0 {
			continue
		}
		if err := node.Run(ctx, "ip", "-n", netns, "addr", "add", giaddr.String()+"/32", "dev", i[1], "noprefixroute"); err != nil {
			return err
		}
	}
	return nil
}
