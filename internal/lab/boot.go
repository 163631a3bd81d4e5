package lab

import (
	"context"
	"fmt"
	"net/netip"
	"time"

	"underlay.dev/underlay/internal/lab/baremetal"
	"underlay.dev/underlay/internal/lab/ovs"
	"underlay.dev/underlay/internal/lab/pxe"
	"underlay.dev/underlay/internal/model"
)

// BootTimeout bounds each step of a server's boot: a DHCP exchange, LACP.
const BootTimeout = 45 * time.Second

// BootServers plays the servers' operating systems for the last synced
// intent, once every agent applied it: a server whose untagged network
// changed since its last boot boots on the new one. On a network with a
// DHCP relay it asks for a lease (the first time as its firmware does:
// PXE on its first port, the others down, so a bond is in LACP fallback;
// then the OS forms its bond and LACP negotiates); elsewhere it takes a
// static address of its leaf's subnet. It starts the PXE servers and
// relays first (and restarts a relay whose rendered file changed).
func (l *Lab) BootServers(ctx context.Context) error {
	st, err := l.LoadState()
	if err != nil || len(st.Hosts) == 0 {
		return err
	}
	f, err := LoadFabric(st.Fabric)
	if err != nil {
		return err
	}
	pxes, err := pxeServers(f)
	if err != nil {
		return err
	}
	fixed := map[string]netip.Addr{}
	for _, p := range pxes {
		if p.server != nil {
			fixed[p.server.Name] = p.addr
		}
	}
	// Static addresses first (the PXE servers among them), then the
	// DHCP side, then the servers that ask it.
	for _, dhcp := range []bool{false, true} {
		if dhcp {
			if err := l.ensureDHCP(ctx, f, st); err != nil {
				return err
			}
		}
		for i := range st.Hosts {
			h := &st.Hosts[i]
			s := server(f, h.Name)
			if s == nil || s.Untagged == nil || h.Netns == "" || h.Network == s.Untagged.Name || (len(s.Untagged.Relay) > 0) != dhcp {
				continue
			}
			if st.Daemon("ovs", h.Leaf) == nil {
				l.progress("  %s: not booted: %s's L2 is not emulated (the lab emulates a leaf's L2 for cumulus only)", h.Name, h.Leaf)
				h.Network = s.Untagged.Name
				continue
			}
			if err := l.boot(ctx, st, h, s, fixed[h.Name]); err != nil {
				return fmt.Errorf("server %s on network %s: %w", h.Name, s.Untagged.Name, err)
			}
		}
	}
	// The booted servers that are Kubernetes nodes run their CNI's
	// node agent (an emulation), configured from the API server.
	return l.startNodes(ctx, f, st)
}

// boot boots server s on its untagged network: with DHCP where the
// network has a relay, else at address fixed (a PXE server's: the relay
// target) or a static one.
func (l *Lab) boot(ctx context.Context, st *State, h *Host, s *model.Server, fixed netip.Addr) error {
	n := s.Untagged
	sub := n.SubnetOn(s.Leaf)
	if sub == nil {
		return fmt.Errorf("network %s has no subnet on %s", n.Name, s.Leaf.Name)
	}
	host := baremetal.Host{Netns: h.Netns, Dir: l.path("servers", h.Name), Ports: h.Ports}
	formed := st.Daemon("ovs", h.Name) != nil
	iface := h.Ports[0]
	if formed {
		iface = baremetal.Bond
	}
	var addr netip.Prefix
	h.Lease = nil
	if len(n.Relay) == 0 {
		addr = staticAddr(sub, s)
		if fixed.IsValid() {
			addr = netip.PrefixFrom(fixed, sub.Prefix.Bits())
		}
		if err := host.Configure(ctx, iface, addr, sub.Gateway.Addr()); err != nil {
			return err
		}
		l.progress("  %s: %s address %s on %s (static: %s has no DHCP relay)", h.Name, n.Name, addr, iface, n.Name)
	} else {
		lease, took, err := l.lease(ctx, st, h, host, iface, formed)
		if err != nil {
			return err
		}
		addr = lease.Addr
		if err := host.Configure(ctx, iface, addr, lease.Router); err != nil {
			return err
		}
		if h.Lease, err = l.leaseRecord(ctx, st, h, lease, took); err != nil {
			return err
		}
		l.progress("  %s: DHCP lease %s on %s through %s's relay from %s (filename %q, server %q, router %s): %s",
			h.Name, addr, iface, h.Leaf, lease.ServerID, lease.Filename, lease.ServerName, lease.Router, took.Round(100*time.Millisecond))
	}
	h.Network, h.Addr = n.Name, addr.String()
	if err := l.saveState(st); err != nil {
		return err
	}
	if h.Bond != "" && !formed {
		return l.formBond(ctx, st, h, host, addr, sub.Gateway.Addr())
	}
	return nil
}

// lease asks for a lease on iface; before the bond is formed, as the
// firmware does: once the leaf's bond is in fallback, on the first port
// alone. It returns how long the DHCP exchange took (the wait for the
// fallback not included).
func (l *Lab) lease(ctx context.Context, st *State, h *Host, host baremetal.Host, iface string, formed bool) (pxe.Lease, time.Duration, error) {
	w := startWait(ctx, BootTimeout)
	defer w.cancel()
	if formed {
		t := time.Now()
		lease, err := pxe.Client{Netns: h.Netns, Dir: host.Dir + "/dhcp"}.Ask(w.ctx, iface)
		if err != nil {
			return lease, 0, w.failed("a DHCP lease on "+iface, err.Error())
		}
		return lease, time.Since(t), nil
	}
	if h.Bond != "" {
		sw, err := l.leafOVS(st, h.Leaf)
		if err != nil {
			return pxe.Lease{}, 0, err
		}
		if err := baremetal.WaitLACP(w.ctx, sw, h.Bond, "configured"); err != nil {
			return pxe.Lease{}, 0, w.failed(fmt.Sprintf("%s's %s in LACP fallback before the PXE boot", h.Leaf, h.Bond), err.Error())
		}
	}
	t := time.Now()
	lease, err := host.PXE(w.ctx, iface)
	if err != nil {
		return lease, 0, w.failed("the PXE boot's DHCP lease on "+iface, err.Error())
	}
	return lease, time.Since(t), nil
}

// formBond is the installed OS forming its bond: its OVS instance
// (recorded before it starts), the bond with LACP active, the address
// moved onto it, and LACP negotiated with the leaf.
func (l *Lab) formBond(ctx context.Context, st *State, h *Host, host baremetal.Host, addr netip.Prefix, gw netip.Addr) error {
	t := time.Now()
	st.Daemons = append(st.Daemons, Daemon{Program: "ovs", Owner: h.Name, Netns: h.Netns, Dir: host.OVS().Dir})
	if err := l.saveState(st); err != nil {
		return err
	}
	if err := l.startOVS(ctx, st, &st.Daemons[len(st.Daemons)-1]); err != nil {
		return err
	}
	if err := host.FormBond(ctx); err != nil {
		return err
	}
	if err := host.Configure(ctx, baremetal.Bond, addr, gw); err != nil {
		return err
	}
	sw, err := l.leafOVS(st, h.Leaf)
	if err != nil {
		return err
	}
	w := startWait(ctx, BootTimeout)
	defer w.cancel()
	if err := baremetal.WaitLACP(w.ctx, sw, h.Bond, "negotiated"); err != nil {
		return w.failed(fmt.Sprintf("LACP between %s and %s's %s", h.Name, h.Leaf, h.Bond), err.Error())
	}
	h.LACP = time.Since(t)
	l.progress("  %s: the OS formed %s (LACP active); %s's %s negotiated LACP: %s", h.Name, baremetal.Bond, h.Leaf, h.Bond, h.LACP.Round(100*time.Millisecond))
	return l.saveState(st)
}

// leaseRecord is what the state keeps of a lease that took took: with,
// for a bonded server, its leaf bond's LACP status right after the
// exchange (fallback when the firmware PXE-booted on one port).
func (l *Lab) leaseRecord(ctx context.Context, st *State, h *Host, lease pxe.Lease, took time.Duration) (*HostLease, error) {
	r := &HostLease{Addr: lease.Addr.String(), Router: lease.Router.String(), Filename: lease.Filename,
		ServerName: lease.ServerName, ServerID: lease.ServerID.String(), Took: took}
	if h.Bond == "" {
		return r, nil
	}
	sw, err := l.leafOVS(st, h.Leaf)
	if err != nil {
		return nil, err
	}
	if r.LeafBond, err = baremetal.LACPStatus(ctx, sw, h.Bond); err != nil {
		return nil, fmt.Errorf("%s's %s after the lease: %w", h.Leaf, h.Bond, err)
	}
	return r, nil
}

func (l *Lab) leafOVS(st *State, leaf string) (ovs.Instance, error) {
	d := st.Daemon("ovs", leaf)
	if d == nil {
		return ovs.Instance{}, fmt.Errorf("%s runs no Open vSwitch", leaf)
	}
	return ovs.Instance{Netns: d.Netns, Dir: d.Dir}, nil
}

// staticAddr is a server's address on a network without DHCP: host
// 10 + its index among the leaf's servers, in its leaf's subnet.
func staticAddr(sub *model.NetworkSubnet, s *model.Server) netip.Prefix {
	n := 10
	for i, o := range s.Leaf.Servers {
		if o == s {
			n += i
		}
	}
	a := sub.Prefix.Masked().Addr()
	for range n {
		a = a.Next()
	}
	return netip.PrefixFrom(a, sub.Prefix.Bits())
}
