package model

import (
	"bytes"
	"fmt"
	"net/netip"
	"strings"
)

// Dump writes the fabric as stable, line-oriented text: one line per
// device, interface, instance, session, policy, link and check, in the
// model's order. A golden of each example's dump pins what resolve
// produces between the intent and the native files, so a change in the
// model shows up as a readable diff before it shows up in four renderers.
func Dump(f *Fabric) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "fabric %s namespace=%s loopback-pools=%s\n", f.Name, f.Namespace, prefixes(f.LoopbackPools))
	fmt.Fprintf(&b, "bgp %s\n", dumpBGP(f.BGP))
	if f.Agent != nil {
		fmt.Fprintf(&b, "agent image=%s health-timeout=%d\n", f.Agent.Image, f.Agent.HealthTimeout)
	}
	for _, d := range f.Devices {
		dumpDevice(&b, d)
	}
	dumpNetworks(&b, f)
	dumpClusters(&b, f)
	for _, l := range f.Links {
		fmt.Fprintf(&b, "link %s -- %s mtu=%d unnumbered=%t v4=%s v6=%s\n", l.A, l.B, l.MTU, l.Unnumbered, optPrefix(l.V4), optPrefix(l.V6))
	}
	for _, c := range f.Checks {
		var from []string
		for _, d := range c.From {
			from = append(from, d.Name)
		}
		fmt.Fprintf(&b, "check %s from=%s to=%s min-paths=%d reach=%t\n", c.Name, strings.Join(from, ","), prefixes(c.To), c.MinPaths, c.Reach)
	}
	return b.Bytes()
}

func dumpBGP(g BGP) string {
	return fmt.Sprintf("multipath-relax=%t maximum-paths=%d keepalive=%d hold=%d", g.MultipathRelax, g.MaximumPaths, g.Keepalive, g.Hold)
}

func dumpDevice(b *bytes.Buffer, d *Device) {
	fmt.Fprintf(b, "device %s role=%s platform=%s asn=%s pod=%d router-id=%s\n", d.Name, d.Role, d.Platform, d.ASN, d.Pod, d.RouterID)
	fmt.Fprintf(b, "  bgp %s\n", dumpBGP(d.BGP))
	if d.Sonic != (SonicSettings{}) {
		fmt.Fprintf(b, "  sonic hwsku=%s platform=%s mac=%s routing-mode=%s\n", d.Sonic.HWSKU, d.Sonic.Platform, d.Sonic.MAC, d.Sonic.RoutingMode)
	}
	for _, s := range d.Subnets {
		fmt.Fprintf(b, "  subnet %s port=%s gateway=%s\n", s.Prefix, s.Port, optPrefix(s.Gateway))
	}
	for _, i := range d.Interfaces {
		fmt.Fprintf(b, "  interface %s kind=%s mtu=%d unnumbered=%t addrs=%s instance=%s", i.Name, i.Kind, i.MTU, i.Unnumbered, prefixes(i.Addrs), i.Instance)
		if i.Port != nil {
			fmt.Fprintf(b, " link-to=%s:%s", i.Port.Peer.Name, i.Port.PeerPort)
		}
		dumpL2(b, i)
		b.WriteByte('\n')
	}
	for _, in := range d.Instances {
		fmt.Fprintf(b, "  instance %s asn=%s router-id=%s originates=%s anchors=%s", in.Name, in.ASN, in.RouterID, prefixes(in.Originated), prefixes(in.Anchors))
		if in.VRF != nil {
			fmt.Fprintf(b, " vni=%d vlan=%d", in.VRF.VNI, in.VRF.VLAN)
		}
		b.WriteByte('\n')
		for _, s := range in.Sessions {
			dumpSession(b, s)
		}
	}
	for _, rl := range d.Relays {
		fmt.Fprintf(b, "  relay instance=%s servers=%v downstream=%s upstream=%s source=%s link-selection=%t\n", rl.Instance, rl.Servers,
			strings.Join(rl.Downstream, ","), strings.Join(rl.Upstream, ","), rl.Source, rl.LinkSelection)
	}
	if d.EVPN {
		fmt.Fprintf(b, "  evpn\n")
	}
	for _, p := range d.Policies {
		var rules []string
		for _, r := range p.Rules {
			rules = append(rules, dumpRule(r))
		}
		fmt.Fprintf(b, "  policy %s [%s]\n", p.Name, strings.Join(rules, " "))
	}
}

func dumpSession(b *bytes.Buffer, s *Session) {
	fmt.Fprintf(b, "    session %s neighbor=%s peer-asn=%s families=%v", s.Description(), s.Neighbor(), s.PeerASN, s.Families)
	if s.Port != "" {
		fmt.Fprintf(b, " port=%s", s.Port)
	}
	if !s.Unnumbered && s.LocalAddr.IsValid() {
		fmt.Fprintf(b, " local=%s", s.LocalAddr)
	}
	fmt.Fprintf(b, " import=%s export=%s", policyName(s.Import), policyName(s.Export))
	if s.EVPN {
		fmt.Fprintf(b, " evpn")
	}
	switch {
	case s.External != nil:
		fmt.Fprintf(b, " external asn=%s announces=%s", s.External.ASN, prefixes(s.External.Announces))
	case s.Group != nil:
		g := s.Group
		fmt.Fprintf(b, " group asn=%s listen=%s listen-limit=%d max-prefixes=%d announces=%s",
			g.ASN, prefixes(g.Listen), g.ListenLimit, g.MaxPrefixes, prefixes(g.Announces))
	}
	if o := s.Options(); o.Cluster != nil {
		fmt.Fprintf(b, " cluster=%s internal=%t as-override=%t default-originate=%t bfd=%t graceful-restart=%t timers=%d/%d",
			o.Cluster.Name, o.Internal, o.ASOverride, o.DefaultOriginate, o.BFD, o.GracefulRestart, o.Keepalive, o.Hold)
	}
	b.WriteByte('\n')
}

func dumpRule(r PrefixRule) string {
	s := r.Prefix.String()
	if r.Ge > 0 {
		s += fmt.Sprintf(" ge %d", r.Ge)
	}
	if r.Le > 0 {
		s += fmt.Sprintf(" le %d", r.Le)
	}
	return "{" + s + "}"
}

func policyName(p *Policy) string {
	if p == nil {
		return "-"
	}
	return p.Name
}

func optPrefix(p netip.Prefix) string {
	if !p.IsValid() {
		return "-"
	}
	return p.String()
}

func prefixes(ps []netip.Prefix) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return "[" + strings.Join(s, " ") + "]"
}

// dumpL2 writes an interface's layer-2 fields, those it has.
func dumpL2(b *bytes.Buffer, i *Interface) {
	if len(i.Members) > 0 || len(i.VLANs) > 0 {
		fmt.Fprintf(b, " members=%s vlans=%v", strings.Join(i.Members, ","), i.VLANs)
	}
	if i.Access > 0 {
		fmt.Fprintf(b, " access=%d", i.Access)
	}
	if i.Bond != "" {
		fmt.Fprintf(b, " bond=%s", i.Bond)
	}
	if i.LACPBypass {
		fmt.Fprintf(b, " lacp-bypass")
	}
	if i.Server != "" {
		fmt.Fprintf(b, " server=%s", i.Server)
	}
	if i.Network != "" {
		fmt.Fprintf(b, " network=%s", i.Network)
	}
}

// dumpNetworks writes the VRFs, networks (a line per leaf subnet) and
// servers.
func dumpNetworks(b *bytes.Buffer, f *Fabric) {
	for _, v := range f.VRFs {
		fmt.Fprintf(b, "vrf %s vni=%d vlan=%d\n", v.Name, v.VNI, v.VLAN)
	}
	for _, n := range f.Networks {
		fmt.Fprintf(b, "network %s kind=%s vlan=%d vrf=%s relay=%v\n", n.Name, n.Kind, n.VLAN, n.VRF, n.Relay)
		for _, sn := range n.Subnets {
			fmt.Fprintf(b, "  subnet %s leaf=%s gateway=%s\n", sn.Prefix, sn.Leaf.Name, sn.Gateway)
			if sn.PrefixV6.IsValid() {
				fmt.Fprintf(b, "  subnet %s leaf=%s gateway=%s\n", sn.PrefixV6, sn.Leaf.Name, sn.GatewayV6)
			}
		}
	}
	for _, s := range f.Servers {
		var tagged []string
		for _, n := range s.Tagged {
			tagged = append(tagged, n.Name)
		}
		untagged := "-"
		if s.Untagged != nil {
			untagged = s.Untagged.Name
		}
		fmt.Fprintf(b, "server %s leaf=%s ports=%s bond=%s lacp-bypass=%t mtu=%d untagged=%s tagged=%s\n", s.Name, s.Leaf.Name,
			strings.Join(s.Ports, ","), s.Bond, s.LACPBypass, s.MTU, untagged, strings.Join(tagged, ","))
	}
}

// dumpClusters writes each cluster, a line per rack and per node.
func dumpClusters(b *bytes.Buffer, f *Fabric) {
	for _, c := range f.Clusters {
		network := "-"
		if c.Network != nil {
			network = c.Network.Name
		}
		fmt.Fprintf(b, "cluster %s cni=%s peering=%s as-model=%s asn=%s export=%s network=%s pods=%s blocks=%d/%d services=%s bgp=%+v\n",
			c.Name, c.CNI, c.Peering, c.ASModel, c.ASN, c.Export, network, prefixes(c.PodCIDRs), c.BlockSize, c.BlockSizeV6,
			prefixes(c.Services.All()), c.BGP)
		for _, r := range c.Racks {
			subnet := "-"
			if r.Subnet != nil {
				subnet = r.Subnet.Prefix.String() + " gateway=" + r.Subnet.Gateway.Addr().String()
			}
			fmt.Fprintf(b, "  rack %s subnet=%s session=%t\n", r.Leaf.Name, subnet, r.Session != nil)
			for _, n := range r.Nodes {
				fmt.Fprintf(b, "    node %s asn=%s port=%s session=%t\n", n.Name, n.ASN, n.Port, n.Session != nil)
			}
		}
	}
}
