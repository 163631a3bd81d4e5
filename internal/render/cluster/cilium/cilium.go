// Package cilium renders a cluster's resources for Cilium's BGP control
// plane (cilium.io/v2): a CiliumBGPClusterConfig per rack selecting the
// rack's nodes by hostname, with one instance named after the cluster and
// the leaf as its peer; one CiliumBGPPeerConfig (timers, graceful restart,
// the families and which advertisements they carry); one
// CiliumBGPAdvertisement (the node's pod CIDR and the service addresses);
// and under the per-node AS model a CiliumBGPNodeConfigOverride per node
// (Cilium finds it by the node's name) with the node's local AS.
//
// Unnumbered peering is autoDiscovery mode Unnumbered following the node's
// IPv6 default route: the peer is the leaf's link-local address on the
// interface that route leaves by (learnt from the leaf's router
// advertisements), so no node interface name is needed, which the intent
// does not have. It needs a Cilium whose CRD has that mode (the reference
// CRDs do).
//
// The pod CIDRs and block sizes are Cilium's IPAM settings (Helm values),
// not BGP resources: the PodCIDR advertisement announces whatever block
// IPAM gave the node, which the leaf accepts only inside the intent's.
package cilium

import (
	"fmt"
	"net/netip"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/render/cluster/kube"
)

// Objects returns the cluster's Cilium objects.
func Objects(c *model.Cluster) ([]kube.Object, error) {
	out := append(peerConfigs(c), advertisement(c))
	for _, r := range c.Racks {
		cc, err := clusterConfig(c, r)
		if err != nil {
			return nil, err
		}
		out = append(out, cc)
	}
	if c.ASModel == model.ASPerNode {
		for _, n := range c.Nodes {
			out = append(out, &NodeConfigOverride{TypeMeta: typeMeta("CiliumBGPNodeConfigOverride"),
				ObjectMeta: kube.Meta(c, "", n.Name),
				Spec:       NodeConfigOverrideSpec{BGPInstances: []InstanceOverride{{Name: c.Name, LocalASN: uint32(n.ASN)}}}})
		}
	}
	return out, nil
}

func clusterConfig(c *model.Cluster, r *model.Rack) (*ClusterConfig, error) {
	var peers []Peer
	switch {
	case c.Peering == model.PeerUnnumbered:
		peers = append(peers, Peer{Name: r.Leaf.Name, PeerASN: uint32(r.Leaf.ASN), PeerConfigRef: &Ref{Name: c.Name},
			AutoDiscovery: &AutoDiscovery{Mode: "Unnumbered", DefaultGateway: &DefaultGateway{AddressFamily: "ipv6"}}})
	case r.Subnet != nil:
		for _, a := range r.PeerAddrs() { // a peer per family, each with its family's config
			peers = append(peers, Peer{Name: r.Leaf.Name + familySuffix(a), PeerASN: uint32(r.Leaf.ASN),
				PeerConfigRef: &Ref{Name: c.Name + familySuffix(a)}, PeerAddress: a.String()})
		}
	default:
		return nil, fmt.Errorf("rack %s has no subnet on the cluster's network", r.Leaf.Name)
	}
	in := Instance{Name: c.Name, Peers: peers}
	switch c.ASModel {
	case model.ASPerRack:
		in.LocalASN = uint32(r.Leaf.ASN)
	case model.ASPerCluster:
		in.LocalASN = uint32(c.ASN)
	}
	sel := &Selector{MatchExpressions: []Requirement{{Key: kube.HostnameLabel, Operator: "In", Values: kube.NodeNames(r.Nodes)}}}
	return &ClusterConfig{TypeMeta: typeMeta("CiliumBGPClusterConfig"), ObjectMeta: kube.Meta(c, "", c.Name+"-"+r.Leaf.Name),
		Spec: ClusterConfigSpec{NodeSelector: sel, BGPInstances: []Instance{in}}}, nil
}

// advertiseLabel is the label of the cluster's advertisement that the
// peer config's families select.
const advertiseLabel = "underlay.dev/advertise"

// peerConfigs are the peers' settings: under listen peering one per
// family (the IPv4 session carries IPv4 only, the IPv6 session IPv6
// only, so neither sends routes with a next hop of the other family);
// unnumbered, one for the one session over IPv6 link-local, carrying
// both families of a dual-stack cluster.
func peerConfigs(c *model.Cluster) []kube.Object {
	v4, v6 := []string{"ipv4"}, []string(nil)
	if c.HasV6() {
		v6 = []string{"ipv6"}
	}
	if c.Peering == model.PeerUnnumbered {
		return []kube.Object{peerConfig(c, c.Name, append(v4, v6...))}
	}
	var out []kube.Object
	for _, p := range c.PodCIDRs {
		if p.Addr().Is4() {
			out = append(out, peerConfig(c, c.Name, v4))
		} else {
			out = append(out, peerConfig(c, c.Name+familySuffix(p.Addr()), v6))
		}
	}
	return out
}

func peerConfig(c *model.Cluster, name string, afis []string) *PeerConfig {
	s := PeerConfigSpec{GracefulRestart: GracefulRestart{Enabled: c.BGP.GracefulRestart}}
	if c.BGP.Keepalive > 0 || c.BGP.Hold > 0 {
		s.Timers = &Timers{HoldTimeSeconds: c.BGP.Hold, KeepAliveTimeSeconds: c.BGP.Keepalive}
	}
	adv := &Selector{MatchLabels: map[string]string{advertiseLabel: c.Name}}
	for _, afi := range afis {
		s.Families = append(s.Families, Family{AFI: afi, SAFI: "unicast", Advertisements: adv})
	}
	return &PeerConfig{TypeMeta: typeMeta("CiliumBGPPeerConfig"), ObjectMeta: kube.Meta(c, "", name), Spec: s}
}

// familySuffix names the IPv6 peer and its config after the IPv4 one's.
func familySuffix(a netip.Addr) string {
	if a.Is6() {
		return "-v6"
	}
	return ""
}

func advertisement(c *model.Cluster) *Advertisement {
	items := []AdvertisementItem{{AdvertisementType: "PodCIDR"}}
	var addrs []string
	for _, t := range []struct {
		name   string
		ranges []netip.Prefix
	}{{"ClusterIP", c.Services.Cluster}, {"ExternalIP", c.Services.External}, {"LoadBalancerIP", c.Services.LoadBalancer}} {
		if len(t.ranges) > 0 {
			addrs = append(addrs, t.name)
		}
	}
	if len(addrs) > 0 {
		// Every service: Cilium advertises none without a selector, and
		// documents a NotIn of a value no service has as "all".
		items = append(items, AdvertisementItem{AdvertisementType: "Service", Service: &Service{Addresses: addrs},
			Selector: &Selector{MatchExpressions: []Requirement{{Key: "underlay.dev/no-such-label", Operator: "NotIn", Values: []string{"never-used-value"}}}}})
	}
	m := kube.Meta(c, "", c.Name)
	m.Labels[advertiseLabel] = c.Name
	return &Advertisement{TypeMeta: typeMeta("CiliumBGPAdvertisement"), ObjectMeta: m, Spec: AdvertisementSpec{Advertisements: items}}
}

func typeMeta(kind string) metav1.TypeMeta {
	return metav1.TypeMeta{APIVersion: APIVersion, Kind: kind}
}
