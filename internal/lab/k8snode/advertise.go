package k8snode

import (
	"context"
	"fmt"
	"io"
	"net"
	"time"

	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv6"
)

// RAInterval is how often a node's OS announces itself on an unnumbered
// port: FRR's interval for the router advertisements of its own
// unnumbered sessions.
const RAInterval = 10 * time.Second

// AdvertiseHost is the node's operating system's part of an unnumbered
// session, not the CNI's: it sends IPv6 Router Advertisements on iface
// (router lifetime 0, so nobody takes the node for a default router; its
// link-layer address as the source option) every RAInterval until ctx
// ends. An FRR leaf learns an interface neighbour's link-local address
// only from the neighbour's router advertisements (zebra's RA receiver),
// so a host peering unnumbered with one must send them, as radvd or
// systemd-networkd's IPv6SendRA do on a real node; the Cilium agent does
// not.
func AdvertiseHost(ctx context.Context, iface string, log io.Writer) error {
	ifi, err := net.InterfaceByName(iface)
	if err != nil {
		return err
	}
	c, err := icmp.ListenPacket("ip6:ipv6-icmp", "::")
	if err != nil {
		return fmt.Errorf("router advertisements on %s: %w", iface, err)
	}
	defer c.Close()
	pc := c.IPv6PacketConn()
	if err := pc.SetMulticastHopLimit(255); err != nil { // RFC 4861: receivers drop an RA below 255
		return fmt.Errorf("router advertisements on %s: %w", iface, err)
	}
	if err := pc.SetMulticastInterface(ifi); err != nil {
		return fmt.Errorf("router advertisements on %s: %w", iface, err)
	}
	// Hop limit, flags, router lifetime 0, reachable and retransmit
	// times unspecified; then the source link-layer address option.
	body := append(make([]byte, 12), 1, 1)
	body = append(body, ifi.HardwareAddr...)
	msg, err := (&icmp.Message{Type: ipv6.ICMPTypeRouterAdvertisement, Body: &icmp.RawBody{Data: body}}).Marshal(nil)
	if err != nil {
		return err
	}
	dst := &net.IPAddr{IP: net.IPv6linklocalallnodes, Zone: iface}
	fmt.Fprintf(log, "node OS: router advertisements (lifetime 0) on %s every %s, for the leaf to learn the node's link-local address\n", iface, RAInterval)
	for {
		if _, err := c.WriteTo(msg, dst); err != nil { // the kernel fills in the ICMPv6 checksum
			fmt.Fprintf(log, "node OS: router advertisement on %s: %v\n", iface, err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(RAInterval):
		}
	}
}
