package k8snode

import (
	"context"
	"fmt"
	"io"
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
	for _, p := range c.Peers {
		if err := s.AddPeer(ctx, &api.AddPeerRequest{Peer: goBGPPeer(p)}); err != nil {
			return fmt.Errorf("node %s: gobgp peer %s: %w", c.Node, p.Describe(), err)
		}
	}
	for _, p := range c.Announce() {
		if _, err := s.AddPath(ctx, &api.AddPathRequest{Path: localPath(p)}); err != nil {
			return fmt.Errorf("node %s: gobgp path %s: %w", c.Node, p, err)
		}
	}
	fmt.Fprintf(log, "%s: node %s AS %d router-id %s, %d peers, announcing %v\n", c.Agent, c.Node, c.ASN, c.RouterID, len(c.Peers), c.Announce())
	k := &kernelRoutes{log: log, installed: map[netip.Prefix]string{}}
	err := s.WatchEvent(ctx, &api.WatchEventRequest{Table: &api.WatchEventRequest_Table{
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

func localPath(p netip.Prefix) *api.Path {
	return &api.Path{
		Family: ipv4Unicast,
		Nlri:   mustAny(&api.IPAddressPrefix{Prefix: p.Addr().String(), PrefixLen: uint32(p.Bits())}),
		Pattrs: []*anypb.Any{
			mustAny(&api.OriginAttribute{Origin: 0}),
			mustAny(&api.NextHopAttribute{NextHop: "0.0.0.0"}),
		},
	}
}

// kernelRoutes installs learned best paths with `ip route replace ...
// proto bgp` and removes withdrawn ones.
type kernelRoutes struct {
	log       io.Writer
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
	nh := ""
	for _, a := range p.GetPattrs() {
		var n api.NextHopAttribute
		if a.UnmarshalTo(&n) == nil {
			nh = n.NextHop
		}
	}
	if nh == "" || nh == "0.0.0.0" {
		return // the node's own announcement
	}
	args := []string{"route", "replace", prefix.String(), "via", nh, "proto", "bgp"}
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
