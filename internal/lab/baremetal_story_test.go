package lab_test

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"underlay.dev/underlay/internal/lab"
	"underlay.dev/underlay/internal/lab/baremetal"
	"underlay.dev/underlay/internal/lab/ovs"
	"underlay.dev/underlay/internal/model"
)

// bmFabric is the story's small fabric: a spine, two Cumulus leaves,
// Ironic's PXE server on leaf1, the bonded server bm1 on leaf2.
const (
	bmFabric = "testdata/baremetal/fabric.yaml"
	bmServer = "bm1"
	bmLine   = "  - {name: bm1, leaf: leaf2, ports: [swp1, swp2], untagged: provisioning}"
)

// bmStory is what the story's stages share.
type bmStory struct {
	t    *testing.T
	l    *lab.Lab
	f    *model.Fabric
	dir  string // the moved intents
	sw   ovs.Instance
	bond string
	pxe  netip.Addr
	// provGW is bm1's gateway on provisioning, which it leaves.
	provGW netip.Addr
	// sessions is every BGP session's counters after up.
	sessions map[string]lab.Peer
}

// TestBareMetalStory is issue #11's story with the product's own lab
// loop (what `underlay lab up/sync/down` run): up; bm1, its leaf's bond
// still in LACP fallback, PXE-boots with a lease through leaf2's dhcrelay
// from Ironic's dnsmasq with the boot options; its bond negotiates LACP;
// a one-line intent change moves it to a tenant network, the agent
// applies it with no BGP session reset, and bm1 has a tenant address and
// reaches neither the provisioning network nor the PXE server; moved to
// cleaning it gets a cleaning lease; down leaves nothing. Each stage has
// its own deadline and names itself when it fails.
func TestBareMetalStory(t *testing.T) {
	requireLab(t)
	if err := lab.ServerPrograms(); err != nil {
		if os.Getenv("UNDERLAY_REQUIRE_CHECKERS") == "1" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	binaries(t) // built before the stages: "lab up" times the lab alone
	ctx := testContext(t, 8*time.Minute)
	s := &bmStory{t: t, f: fabric(t, bmFabric), dir: t.TempDir()}
	s.stage(ctx, "lab up", 5*time.Minute, func(ctx context.Context) error {
		s.l = newLab(ctx, t, bmFabric, 15*time.Second)
		return s.findBond()
	})
	s.stage(ctx, "PXE boot: a lease through leaf2's relay in LACP fallback", 10*time.Second, s.pxeBooted)
	s.stage(ctx, "the OS's bond negotiates LACP with leaf2", 20*time.Second, s.lacp)
	s.sessions = peers(ctx, t, s.l)
	s.stage(ctx, "move bm1 to tenant-a (one line), applied on leaf2", 90*time.Second, func(ctx context.Context) error {
		return s.move(ctx, "tenant-a")
	})
	s.stage(ctx, "no BGP session reset anywhere", 30*time.Second, s.noReset)
	s.stage(ctx, "tenant: an address, its gateway yes, provisioning and the PXE server no", 30*time.Second, s.tenant)
	s.stage(ctx, "move bm1 to cleaning (one line): a cleaning lease through the relay", 90*time.Second, func(ctx context.Context) error {
		if err := s.move(ctx, "cleaning"); err != nil {
			return err
		}
		return s.cleaning(ctx)
	})
	s.stage(ctx, "no BGP session reset anywhere", 30*time.Second, s.noReset)
	s.stage(ctx, "lab down leaves nothing", 90*time.Second, s.down)
}

// stage runs one step of the story within its own deadline, naming it
// (and logging the agents' logs) when it fails.
func (s *bmStory) stage(parent context.Context, name string, within time.Duration, fn func(context.Context) error) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(parent, within)
	defer cancel()
	start := time.Now()
	if err := fn(ctx); err != nil {
		if s.l != nil {
			logs(s.t, s.l)
		}
		s.t.Fatalf("stage %q (deadline %s) failed after %s: %v", name, within, time.Since(start).Round(time.Millisecond), err)
	}
	s.t.Logf("stage %q: %s", name, time.Since(start).Round(time.Millisecond))
}

// findBond finds bm1's bond on leaf2 and leaf2's Open vSwitch, and the
// PXE server (the provisioning network's relay target).
func (s *bmStory) findBond() error {
	st, err := s.l.LoadState()
	if err != nil {
		return err
	}
	h, err := st.Host(bmServer)
	if err != nil {
		return err
	}
	d := st.Daemon("ovs", h.Leaf)
	if d == nil || h.Bond == "" {
		return fmt.Errorf("%s on %s: bond %q, Open vSwitch %v: want a bond on a leaf running Open vSwitch", h.Name, h.Leaf, h.Bond, d)
	}
	s.sw, s.bond = ovs.Instance{Netns: d.Netns, Dir: d.Dir}, h.Bond
	s.pxe = s.network("provisioning").Relay[0]
	s.provGW = s.subnet("provisioning").Gateway.Addr()
	return nil
}

func (s *bmStory) host() (*lab.Host, error) {
	st, err := s.l.LoadState()
	if err != nil {
		return nil, err
	}
	return st.Host(bmServer)
}

func (s *bmStory) network(name string) *model.Network {
	for _, n := range s.f.Networks {
		if n.Name == name {
			return n
		}
	}
	s.t.Fatalf("%s has no network %s", bmFabric, name)
	return nil
}

// subnet is network name's subnet on bm1's leaf, in the intent last
// synced.
func (s *bmStory) subnet(name string) *model.NetworkSubnet {
	for _, sv := range s.f.Servers {
		if sub := s.network(name).SubnetOn(sv.Leaf); sv.Name == bmServer && sub != nil {
			return sub
		}
	}
	s.t.Fatalf("%s's leaf has no subnet of %s", bmServer, name)
	return nil
}

// pxeBooted checks bm1's first lease: on the provisioning subnet of its
// leaf, from the PXE server through the relay, with the boot options,
// while the leaf's bond was in fallback.
func (s *bmStory) pxeBooted(context.Context) error {
	h, err := s.host()
	if err != nil {
		return err
	}
	if err := s.checkLease(h, "provisioning"); err != nil {
		return err
	}
	if h.Lease.LeafBond != "configured" {
		return fmt.Errorf("leaf2's %s was %q during the PXE boot, want configured (LACP fallback: no partner yet)", s.bond, h.Lease.LeafBond)
	}
	s.t.Logf("lease time (PXE boot on eth0, leaf in LACP fallback): %s — %s router %s, filename %s, server %s (%s)",
		h.Lease.Took.Round(time.Millisecond), h.Lease.Addr, h.Lease.Router, h.Lease.Filename, h.Lease.ServerName, h.Lease.ServerID)
	return nil
}

// checkLease checks that h's last lease is on network's subnet of its
// leaf, from the PXE server, with the PXE options the lab's dnsmasq gives.
func (s *bmStory) checkLease(h *lab.Host, network string) error {
	sub := s.subnet(network)
	if h.Network != network || h.Lease == nil {
		return fmt.Errorf("%s runs on %q with lease %+v, want a lease on %s", h.Name, h.Network, h.Lease, network)
	}
	addr, err := netip.ParsePrefix(h.Lease.Addr)
	if err != nil || addr.Masked() != sub.Prefix.Masked() {
		return fmt.Errorf("%s's lease %s is not in %s's %s on %s", h.Name, h.Lease.Addr, network, sub.Prefix, h.Leaf)
	}
	if h.Lease.Router != sub.Gateway.Addr().String() || h.Lease.ServerID != s.pxe.String() ||
		h.Lease.Filename != "pxelinux.0" || h.Lease.ServerName != "ironic-pxe" {
		return fmt.Errorf("%s's lease %+v: want router %s, from %s, filename pxelinux.0, server ironic-pxe",
			h.Name, *h.Lease, sub.Gateway.Addr(), s.pxe)
	}
	return nil
}

// lacp checks that the leaf's bond negotiated LACP with the server's.
func (s *bmStory) lacp(ctx context.Context) error {
	if err := baremetal.WaitLACP(ctx, s.sw, s.bond, "negotiated"); err != nil {
		return err
	}
	h, err := s.host()
	if err != nil {
		return err
	}
	s.t.Logf("LACP time (the OS formed its bond → leaf2's %s negotiated): %s", s.bond, h.LACP.Round(time.Millisecond))
	return reach(ctx, s.l, bmServer, s.pxe.String())
}

// move syncs the intent with bm1's untagged network changed (one line),
// waits until leaf2's bond carries the new VLAN and the agents report it
// applied, and boots the servers on it, as `underlay lab sync` does.
func (s *bmStory) move(ctx context.Context, network string) error {
	src, err := os.ReadFile(bmFabric)
	if err != nil {
		return err
	}
	moved := strings.Replace(string(src), bmLine, strings.Replace(bmLine, "provisioning", network, 1), 1)
	if strings.Count(string(src), bmLine) != 1 || moved == string(src) {
		return fmt.Errorf("%s has no line %q to change", bmFabric, bmLine)
	}
	path := filepath.Join(s.dir, network, "fabric.yaml")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(path, []byte(moved), 0o644); err != nil {
		return err
	}
	if err := s.l.Sync(ctx, path); err != nil {
		return err
	}
	s.f = fabric(s.t, path)
	changed := time.Now() // the ConfigMap is applied when Sync returns
	if err := s.waitTag(ctx, s.network(network).VLAN); err != nil {
		return err
	}
	onLeaf := time.Since(changed)
	if err := s.l.WaitApplied(ctx, time.Minute); err != nil {
		return err
	}
	s.t.Logf("ConfigMap change → leaf2's %s on VLAN %d (%s): %s; → every agent reported it applied: %s",
		s.bond, s.network(network).VLAN, network, onLeaf.Round(time.Millisecond), time.Since(changed).Round(time.Millisecond))
	return s.l.BootServers(ctx)
}

// waitTag waits until the leaf's bond is an access port of vlan.
func (s *bmStory) waitTag(ctx context.Context, vlan int) error {
	last := ""
	for {
		out, err := s.sw.Vsctl(ctx, "get", "port", s.bond, "tag")
		if last = strings.TrimSpace(out); err != nil {
			last = err.Error()
		}
		if last == strconv.Itoa(vlan) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("leaf2's %s never got VLAN %d: %w (last: %s)", s.bond, vlan, ctx.Err(), last)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// noReset compares every session's counters with those after up, the way
// TestSeedLabStory does (connections established and dropped).
func (s *bmStory) noReset(ctx context.Context) error {
	if after := peers(ctx, s.t, s.l); !sameSessions(s.sessions, after) {
		return fmt.Errorf("a BGP session reset:\nbefore %v\nafter  %v", s.sessions, after)
	}
	return nil
}

// tenant checks bm1 on tenant-a: its address there, its gateway
// reachable, the provisioning subnet and the PXE server not.
func (s *bmStory) tenant(ctx context.Context) error {
	h, err := s.host()
	if err != nil {
		return err
	}
	sub := s.subnet("tenant-a")
	if addr, err := netip.ParsePrefix(h.Addr); h.Network != "tenant-a" || err != nil || addr.Masked() != sub.Prefix.Masked() {
		return fmt.Errorf("%s runs %q at %q, want an address of tenant-a's %s", h.Name, h.Network, h.Addr, sub.Prefix)
	}
	if err := reach(ctx, s.l, bmServer, sub.Gateway.Addr().String()); err != nil {
		return err
	}
	return unreachableFrom(ctx, s.l, bmServer, s.provGW.String(), s.pxe.String())
}

// cleaning checks bm1's lease on cleaning, and that it reaches the PXE
// server again (cleaning boots Ironic's ramdisk).
func (s *bmStory) cleaning(ctx context.Context) error {
	h, err := s.host()
	if err != nil {
		return err
	}
	if err := s.checkLease(h, "cleaning"); err != nil {
		return err
	}
	s.t.Logf("lease time (cleaning, on the formed bond): %s — %s", h.Lease.Took.Round(time.Millisecond), h.Lease.Addr)
	return reach(ctx, s.l, bmServer, s.pxe.String())
}

// down takes the lab down and checks that nothing of it remains: no
// namespace, FRR directory, file or process.
func (s *bmStory) down(context.Context) error {
	st, err := s.l.LoadState()
	if err != nil {
		return err
	}
	if err := s.l.Down(); err != nil {
		return err
	}
	if left := leftovers(s.l.Dir, st.Namespaces()); len(left) > 0 {
		return fmt.Errorf("left behind: %s", strings.Join(left, ", "))
	}
	return nil
}

// reach waits until server reaches every address (ARP and routes settle).
func reach(ctx context.Context, l *lab.Lab, server string, addrs ...string) error {
	for _, a := range addrs {
		for l.Exec(ctx, server, []string{"ping", "-c1", "-W1", a}, nil, io.Discard, io.Discard) != nil {
			select {
			case <-ctx.Done():
				return fmt.Errorf("%s never reached %s: %w", server, a, ctx.Err())
			case <-time.After(200 * time.Millisecond):
			}
		}
	}
	return nil
}

// unreachableFrom checks that server reaches none of addrs (three tries
// each).
func unreachableFrom(ctx context.Context, l *lab.Lab, server string, addrs ...string) error {
	for _, a := range addrs {
		if l.Exec(ctx, server, []string{"ping", "-c3", "-i0.2", "-W1", a}, nil, io.Discard, io.Discard) == nil {
			return fmt.Errorf("%s still reaches %s", server, a)
		}
	}
	return nil
}
