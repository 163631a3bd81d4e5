// Package calico renders a cluster's Calico BGP resources: BGPConfiguration
// "default" (node-to-node mesh off, the service ranges to announce, the
// cluster's AS under the per-cluster model), a BGPPeer per rack (or per
// node under the per-node model) towards the leaf's gateway on the rack
// subnet, and an IPPool per pod CIDR.
//
// The objects are crd.projectcalico.org/v1: the CRDs every Calico install
// (manifest or operator) creates, so a plain `kubectl apply` (or Flux)
// works without the Calico API server, which alone serves
// projectcalico.org/v3 unless Calico runs with its v3 CRDs.
//
// The node's own AS is each BGPPeer's localASNumber rather than a Calico
// Node's spec.bgp.asNumber: in the Kubernetes datastore a Calico Node is
// not an object one can apply (libcalico-go has no Node CRD; calico-node
// keeps it as annotations of the Kubernetes Node), and a field on the
// peer that selects the node gives a new node its AS the moment it is
// listed (projectcalico/calico#7589). It needs a Calico whose BGPPeer has
// localASNumber (the reference CRDs do).
//
// Calico's CRDs hold AS numbers as int32: an AS above 2147483647 (a
// 4-byte ASN from the upper half, as the 42xxxxxxxx private range is) is
// refused by the API server, so Objects refuses it first.
//
// Calico has no hold time and no graceful-restart switch on a BGPPeer:
// BGP takes the lower of the two hold times offered and uses graceful
// restart only when both sides advertise it, so the leaf's settings (which
// resolve derives from the same intent) decide both.
package calico

import (
	"fmt"
	"math"
	"net/netip"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/render/cluster/kube"
)

// Objects returns the cluster's Calico objects.
func Objects(c *model.Cluster) ([]kube.Object, error) {
	if c.Peering != model.PeerListen {
		return nil, fmt.Errorf("calico peers only with addresses, not %s (projectcalico/calico#10844)", c.Peering)
	}
	if err := checkASNs(c); err != nil {
		return nil, err
	}
	out := []kube.Object{bgpConfiguration(c)}
	for _, r := range c.Racks {
		if r.Subnet == nil {
			return nil, fmt.Errorf("rack %s has no subnet on the cluster's network", r.Leaf.Name)
		}
		out = append(out, peers(c, r)...)
	}
	for _, p := range c.PodCIDRs {
		fam, size := "ipv4", c.BlockSize
		if p.Addr().Is6() {
			fam, size = "ipv6", c.BlockSizeV6
		}
		out = append(out, &IPPool{TypeMeta: typeMeta("IPPool"), ObjectMeta: meta(c, c.Name+"-"+fam),
			Spec: IPPoolSpec{CIDR: p.String(), BlockSize: size, IPIPMode: "Never", VXLANMode: "Never",
				NodeSelector: "all()"}})
	}
	return out, nil
}

// MaxASN is the largest AS number Calico's CRDs accept: asNumber and
// localASNumber are int32 there (the API server refuses larger values),
// though BGP's are 4 bytes.
const MaxASN = math.MaxInt32

// checkASNs refuses an AS number the CRDs cannot hold, naming where it is
// from; resolve should refuse it first, on the intent's line.
func checkASNs(c *model.Cluster) error {
	if c.ASN > MaxASN {
		return fmt.Errorf("the cluster's AS %s is above %d, the largest Calico's CRDs hold (int32)", c.ASN, MaxASN)
	}
	for _, r := range c.Racks {
		if r.Leaf.ASN > MaxASN {
			return fmt.Errorf("leaf %s: AS %s is above %d, the largest Calico's CRDs hold (int32)", r.Leaf.Name, r.Leaf.ASN, MaxASN)
		}
	}
	for _, n := range c.Nodes {
		if n.ASN > MaxASN {
			return fmt.Errorf("node %s: AS %s is above %d, the largest Calico's CRDs hold (int32): allocate node ASNs below it",
				n.Name, n.ASN, MaxASN)
		}
	}
	return nil
}

func bgpConfiguration(c *model.Cluster) *BGPConfiguration {
	s := BGPConfigurationSpec{
		ServiceClusterIPs:      cidrs(c.Services.Cluster),
		ServiceExternalIPs:     cidrs(c.Services.External),
		ServiceLoadBalancerIPs: cidrs(c.Services.LoadBalancer),
	}
	if c.ASModel == model.ASPerCluster {
		s.ASNumber = uint32(c.ASN)
	}
	return &BGPConfiguration{TypeMeta: typeMeta("BGPConfiguration"), ObjectMeta: meta(c, "default"), Spec: s}
}

// peers are the rack's BGPPeers: one for the rack's nodes, or one per
// node when each has its own AS; and of each one per family, towards the
// gateway's address of that family (calico-node's BIRD runs a session per
// family: IPv4 routes over the IPv4 session, IPv6 over the IPv6 one).
func peers(c *model.Cluster, r *model.Rack) []kube.Object {
	var out []kube.Object
	for _, addr := range r.PeerAddrs() {
		base := BGPPeerSpec{PeerIP: addr.String(), ASNumber: uint32(r.Leaf.ASN)}
		if c.BGP.Keepalive > 0 {
			base.KeepaliveTime = fmt.Sprintf("%ds", c.BGP.Keepalive)
		}
		suffix := ""
		if addr.Is6() {
			suffix = "-v6"
		}
		if c.ASModel == model.ASPerNode {
			for _, n := range r.Nodes {
				s := base
				s.Node, s.LocalASNumber = n.Name, uint32(n.ASN)
				out = append(out, &BGPPeer{TypeMeta: typeMeta("BGPPeer"), ObjectMeta: meta(c, c.Name+"-"+n.Name+suffix), Spec: s})
			}
			continue
		}
		s := base
		s.NodeSelector = hostnameIn(r.Nodes)
		if c.ASModel == model.ASPerRack {
			s.LocalASNumber = uint32(r.Leaf.ASN)
		}
		out = append(out, &BGPPeer{TypeMeta: typeMeta("BGPPeer"), ObjectMeta: meta(c, c.Name+"-"+r.Leaf.Name+suffix), Spec: s})
	}
	return out
}

// hostnameIn is a Calico selector of the nodes by name.
func hostnameIn(nodes []*model.Node) string {
	q := make([]string, len(nodes))
	for i, n := range nodes {
		q[i] = "'" + n.Name + "'"
	}
	return kube.HostnameLabel + " in {" + strings.Join(q, ", ") + "}"
}

func cidrs(ps []netip.Prefix) []CIDR {
	var out []CIDR
	for _, p := range ps {
		out = append(out, CIDR{CIDR: p.String()})
	}
	return out
}

func typeMeta(kind string) metav1.TypeMeta {
	return metav1.TypeMeta{APIVersion: APIVersion, Kind: kind}
}

func meta(c *model.Cluster, name string) metav1.ObjectMeta { return kube.Meta(c, "", name) }
