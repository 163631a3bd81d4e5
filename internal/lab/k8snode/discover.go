package k8snode

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os/exec"
	"slices"
	"time"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/osrg/gobgp/v3/pkg/config/oc"
	"github.com/osrg/gobgp/v3/pkg/server"
)

// DiscoverTimeout bounds the agent's wait for what a peer's discovery
// needs: the node's default route (on an unnumbered port it comes from
// the leaf's router advertisements) and, for an unnumbered session, the
// leaf's link-local address in the neighbour table.
const DiscoverTimeout = 90 * time.Second

// discover resolves a peer's autoDiscovery the way the Cilium agent does
// on its node: it follows the default route of the family with the lowest
// metric and peers with its gateway (DefaultGateway) or over its
// interface (Unnumbered, the address then found by GoBGP in the
// interface's IPv6 neighbours). It waits for the route until
// DiscoverTimeout.
func discover(ctx context.Context, p *Peer, log io.Writer) error {
	d := p.Discover
	if d == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, DiscoverTimeout)
	defer cancel()
	var last error
	for {
		r, err := defaultRoute(ctx, d.Family)
		if err == nil {
			if d.Mode == "Unnumbered" {
				p.Interface = r.Dev
			} else if p.Address, err = netip.ParseAddr(r.Gateway); err == nil && p.Address.IsLinkLocalUnicast() {
				p.Address = p.Address.WithZone(r.Dev)
			}
		}
		if err == nil {
			fmt.Fprintf(log, "peer %s: autoDiscovery %s found the %s default route via %s dev %s: peering with %s\n",
				p.Name, d.Mode, d.Family, r.Gateway, r.Dev, p.Describe())
			return nil
		}
		last = err
		select {
		case <-ctx.Done():
			return fmt.Errorf("autoDiscovery %s: no usable %s default route on the node within %s: %w", d.Mode, d.Family, DiscoverTimeout, last)
		case <-time.After(500 * time.Millisecond):
		}
	}
}

type route struct {
	Dst     string `json:"dst"`
	Gateway string `json:"gateway"`
	Dev     string `json:"dev"`
	Metric  int    `json:"metric"`
}

// defaultRoute is the node's default route of family with the lowest
// metric, read with `ip -j route show default`.
func defaultRoute(ctx context.Context, family string) (route, error) {
	flag := "-4"
	if family == "ipv6" {
		flag = "-6"
	}
	out, err := exec.CommandContext(ctx, "ip", "-j", flag, "route", "show", "default").Output()
	if err != nil {
		return route{}, fmt.Errorf("ip -j %s route show default: %w", flag, err)
	}
	var rs []route
	if err := json.Unmarshal(out, &rs); err != nil {
		return route{}, fmt.Errorf("ip -j %s route show default: %w", flag, err)
	}
	rs = slices.DeleteFunc(rs, func(r route) bool { return r.Dev == "" || r.Gateway == "" })
	if len(rs) == 0 {
		return route{}, errors.New("none yet")
	}
	slices.SortStableFunc(rs, func(a, b route) int { return a.Metric - b.Metric })
	return rs[0], nil
}

// addPeer adds p to the GoBGP server. An unnumbered peer is reached at
// the leaf's link-local address on its interface, which the agent finds
// among the interface's IPv6 neighbours (ND or the leaf's router
// advertisements put it there; it retries until then) and hands GoBGP
// zoned (fe80::…%eth0), as the Cilium agent does: GoBGP's AddPeer reads
// the neighbour address before it would resolve NeighborInterface, so an
// interface alone is refused ("NeighborAddress is not configured").
func addPeer(ctx context.Context, s *server.BgpServer, p *Peer) error {
	gp := goBGPPeer(*p)
	if p.Interface == "" {
		return s.AddPeer(ctx, &api.AddPeerRequest{Peer: gp})
	}
	ctx, cancel := context.WithTimeout(ctx, DiscoverTimeout)
	defer cancel()
	for {
		addr, err := oc.GetIPv6LinkLocalNeighborAddress(p.Interface)
		if err == nil {
			gp.Conf.NeighborAddress = addr
			return s.AddPeer(ctx, &api.AddPeerRequest{Peer: gp})
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("no IPv6 link-local neighbour on %s within %s: %w", p.Interface, DiscoverTimeout, err)
		case <-time.After(500 * time.Millisecond):
		}
	}
}
