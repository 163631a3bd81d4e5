package k8snode

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os/exec"
	"slices"
	"strings"
	"time"

	api "github.com/osrg/gobgp/v3/api"
	"github.com/osrg/gobgp/v3/pkg/server"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
)

// ServeGoBGP runs the node's BGP speaker as the Cilium agent embeds it: a
// GoBGP server in this process, in the network namespace the process runs
// in, with the node's peers and its announcements as local paths; the
// best paths it learns go into the kernel's main table (the agent leaves
// that to the node's routing; the lab has no other routing on the node).
// It returns when ctx ends, after stopping the server.
func ServeGoBGP(ctx context.Context, c *Config, log io.Writer) error {
	if err := goBGPSupported(c); err != nil {
		return err
	}
	s := server.NewBgpServer()
	go s.Serve()
	defer s.Stop()
	// ListenPort -1: the node dials its leaf, which listens on the node
	// subnet; nothing dials a node.
	if err := s.StartBgp(ctx, &api.StartBgpRequest{Global: &api.Global{
		Asn: c.ASN, RouterId: c.RouterID.String(), ListenPort: -1}}); err != nil {
		return fmt.Errorf("node %s: gobgp start: %w", c.Node, err)
	}
	k := &kernelRoutes{log: log, installed: map[netip.Prefix]string{}}
	nh, err := addPeers(ctx, s, c, k, log)
	if err != nil {
		return err
	}
	k.own = nh
	for _, p := range c.Announce() {
		if _, err := s.AddPath(ctx, &api.AddPathRequest{Path: localPath(p, nh)}); err != nil {
			return fmt.Errorf("node %s: gobgp path %s: %w", c.Node, p, err)
		}
	}
	fmt.Fprintf(log, "%s: node %s AS %d router-id %s, %d peers, announcing %v\n", c.Agent, c.Node, c.ASN, c.RouterID, len(c.Peers), c.Announce())
	err = s.WatchEvent(ctx, &api.WatchEventRequest{Table: &api.WatchEventRequest_Table{
		Filters: []*api.WatchEventRequest_Table_Filter{{Type: api.WatchEventRequest_Table_Filter_BEST, Init: true}},
	}}, func(r *api.WatchEventResponse) {
		for _, p := range r.GetTable().GetPaths() {
			k.apply(ctx, p)
		}
	})
	if err != nil {
		return fmt.Errorf("node %s: gobgp watch: %w", c.Node, err)
	}
	<-ctx.Done()
	return nil
}

// addPeers resolves and adds every peer of c (see discover, addPeer) and
// returns the next hop of the node's own paths: 0.0.0.0, which GoBGP
// replaces with the session's local address; over unnumbered sessions the
// port's link-local address, set here because GoBGP v3.37 loses a zoned
// local address (its peer info parses "fe80::…%eth0" with net.ParseIP,
// which yields nothing) and would send the leaf a next hop of "::", which
// FRR denies as martian. Unnumbered and numbered peers on one node are
// not emulated: one set of local paths goes to every peer.
func addPeers(ctx context.Context, s *server.BgpServer, c *Config, k *kernelRoutes, log io.Writer) (string, error) {
	nh := "0.0.0.0"
	numbered := false
	for i := range c.Peers {
		p := &c.Peers[i]
		if err := discover(ctx, p, log); err != nil {
			return "", fmt.Errorf("node %s: peer %s: %w", c.Node, p.Name, err)
		}
		if p.Interface == "" {
			numbered = true
		} else {
			ll, err := linkLocal(p.Interface)
			if err != nil {
				return "", fmt.Errorf("node %s: peer %s: %w", c.Node, p.Describe(), err)
			}
			nh, k.dev = ll.String(), p.Interface
			go func(iface string) {
				if err := AdvertiseHost(ctx, iface, log); err != nil {
					fmt.Fprintln(log, err)
				}
			}(p.Interface)
		}
		if err := addPeer(ctx, s, p); err != nil {
			return "", fmt.Errorf("node %s: gobgp peer %s: %w", c.Node, p.Describe(), err)
		}
	}
	if numbered && k.dev != "" {
		return "", fmt.Errorf("node %s: unnumbered and numbered peers on one node are not emulated", c.Node)
	}
	return nh, nil
}

// linkLocal is iface's IPv6 link-local address.
func linkLocal(iface string) (netip.Addr, error) {
	ifi, err := net.InterfaceByName(iface)
	if err != nil {
		return netip.Addr{}, err
	}
	addrs, err := ifi.Addrs()
	if err != nil {
		return netip.Addr{}, err
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok {
			if ip, ok := netip.AddrFromSlice(n.IP); ok && ip.Is6() && ip.IsLinkLocalUnicast() {
				return ip, nil
			}
		}
	}
	return netip.Addr{}, fmt.Errorf("%s has no IPv6 link-local address", iface)
}

// goBGPSupported refuses what this emulation does not run: IPv6 and
// per-peer advertisements (one set of local paths goes to every peer).
func goBGPSupported(c *Config) error {
	for _, p := range c.Announce() {
		if p.Addr().Is6() {
			return fmt.Errorf("node %s: %s: IPv6 announcements are not emulated on GoBGP", c.Node, p)
		}
	}
	for _, p := range c.Peers {
		if p.Advertise != nil && !slices.Equal(sortPrefixes(slices.Clone(p.Advertise)), sortPrefixes(c.Announce())) {
			return fmt.Errorf("node %s: peer %s is sent %v, not every announcement %v: per-peer advertisements are not emulated", c.Node, p.Describe(), p.Advertise, c.Announce())
		}
	}
	return nil
}

func goBGPPeer(p Peer) *api.Peer {
	gp := &api.Peer{
		Conf: &api.PeerConf{NeighborAddress: p.Address.String(), NeighborInterface: p.Interface, PeerAsn: p.ASN},
		Timers: &api.Timers{Config: &api.TimersConfig{
			ConnectRetry: 5, HoldTime: uint64(p.Hold.Seconds()), KeepaliveInterval: uint64(p.Keepalive.Seconds()),
		}},
		AfiSafis: []*api.AfiSafi{{Config: &api.AfiSafiConfig{Family: ipv4Unicast, Enabled: true}}},
	}
	if p.Interface != "" {
		gp.Conf.NeighborAddress = ""
	}
	if p.Port != 0 {
		gp.Transport = &api.Transport{RemotePort: uint32(p.Port)}
	}
	if p.GracefulRestart {
		gp.GracefulRestart = &api.GracefulRestart{Enabled: true, RestartTime: 120}
	}
	return gp
}

var ipv4Unicast = &api.Family{Afi: api.Family_AFI_IP, Safi: api.Family_SAFI_UNICAST}

func mustAny(m proto.Message) *anypb.Any {
	a, err := anypb.New(m)
	if err != nil {
		panic(err) // only for messages of the api package, which always marshal
	}
	return a
}

func localPath(p netip.Prefix, nh string) *api.Path {
	return &api.Path{
		Family: ipv4Unicast,
		Nlri:   mustAny(&api.IPAddressPrefix{Prefix: p.Addr().String(), PrefixLen: uint32(p.Bits())}),
		Pattrs: []*anypb.Any{
			mustAny(&api.OriginAttribute{Origin: 0}),
			mustAny(&api.NextHopAttribute{NextHop: nh}),
		},
	}
}

// kernelRoutes installs learned best paths with `ip route replace ...
// proto bgp` and removes withdrawn ones. An IPv4 route learned over an
// unnumbered session has an IPv6 link-local next hop (RFC 8950): it goes
// in as `via inet6 NH dev DEV`, DEV the session's interface.
type kernelRoutes struct {
	log io.Writer
	// dev is the unnumbered session's interface; own the next hop of
	// the node's own paths, which are not installed.
	dev, own  string
	installed map[netip.Prefix]string // prefix → next hop
}

func (k *kernelRoutes) apply(ctx context.Context, p *api.Path) {
	var nlri api.IPAddressPrefix
	if err := p.GetNlri().UnmarshalTo(&nlri); err != nil {
		return
	}
	prefix, err := netip.ParsePrefix(fmt.Sprintf("%s/%d", nlri.Prefix, nlri.PrefixLen))
	if err != nil {
		return
	}
	nh := nextHop(p)
	if nh == "" || nh == "0.0.0.0" || nh == k.own {
		return // the node's own announcement
	}
	via := []string{"via", nh}
	if a, err := netip.ParseAddr(nh); err == nil && a.Is6() && prefix.Addr().Is4() {
		via = []string{"via", "inet6", nh}
	}
	if a, err := netip.ParseAddr(nh); err == nil && a.IsLinkLocalUnicast() && k.dev != "" {
		via = append(via, "dev", k.dev)
	}
	args := append(append([]string{"route", "replace", prefix.String()}, via...), "proto", "bgp")
	if p.GetIsWithdraw() {
		if k.installed[prefix] != nh {
			return // a withdrawn path that is not the installed one
		}
		args = []string{"route", "del", prefix.String(), "proto", "bgp"}
		delete(k.installed, prefix)
	} else {
		k.installed[prefix] = nh
	}
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(cctx, "ip", args...).CombinedOutput()
	fmt.Fprintf(k.log, "ip %s: %v %s\n", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
}

// nextHop is a path's next hop: NEXT_HOP, or MP_REACH_NLRI's (its
// link-local one when it carries a global and a link-local address).
func nextHop(p *api.Path) string {
	for _, a := range p.GetPattrs() {
		var n api.NextHopAttribute
		if a.UnmarshalTo(&n) == nil {
			return n.NextHop
		}
		var mp api.MpReachNLRIAttribute
		if a.UnmarshalTo(&mp) == nil && len(mp.NextHops) > 0 {
			return mp.NextHops[len(mp.NextHops)-1]
		}
	}
	return ""
}
