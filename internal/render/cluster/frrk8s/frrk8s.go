// Package frrk8s renders a cluster's FRRConfiguration objects for frr-k8s
// (frrk8s.metallb.io/v1beta1), built with frr-k8s's own Go API types
// (github.com/metallb/frr-k8s/api/v1beta1): one per rack selecting the
// rack's nodes by hostname, or one per node under the per-node AS model
// (a node's router AS is its own). Each has one router with the leaf as
// its neighbour: the rack gateway's address (listen peering) or the
// node's interface facing the leaf (unnumbered: the cluster's
// nodeInterface), the timers, graceful restart and BFD of the intent.
//
// What a node announces: the router originates the service ranges; the
// neighbour advertises every prefix of the node's router (mode all), so
// the pod block that the node's CNI adds to its router (frr-k8s merges
// every FRRConfiguration that selects a node) goes out too. The blocks are
// handed out at run time, so they cannot be listed here; the leaf's
// import filter accepts only blocks of the intent's pod CIDRs. What a node
// takes: every route (export fabric) or only the default route (export
// default).
package frrk8s

import (
	"fmt"
	"net/netip"
	"time"

	frrv1beta1 "github.com/metallb/frr-k8s/api/v1beta1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/render/cluster/kube"
)

// Namespace is where frr-k8s reads FRRConfigurations from.
const Namespace = "frr-k8s-system"

// Objects returns the cluster's FRRConfigurations.
func Objects(c *model.Cluster) ([]kube.Object, error) {
	if c.Peering == model.PeerUnnumbered && c.NodeInterface == "" {
		return nil, fmt.Errorf("frr-k8s peers unnumbered over the node's own interface, which the cluster does not name (nodeInterface)")
	}
	var out []kube.Object
	for _, r := range c.Racks {
		if r.Subnet == nil && c.Peering == model.PeerListen {
			return nil, fmt.Errorf("rack %s has no subnet on the cluster's network", r.Leaf.Name)
		}
		if c.ASModel != model.ASPerNode {
			asn := r.Leaf.ASN
			if c.ASModel == model.ASPerCluster {
				asn = c.ASN
			}
			sel := metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
				{Key: kube.HostnameLabel, Operator: metav1.LabelSelectorOpIn, Values: kube.NodeNames(r.Nodes)}}}
			out = append(out, config(c, r, c.Name+"-"+r.Leaf.Name, asn, sel))
			continue
		}
		for _, n := range r.Nodes {
			sel := metav1.LabelSelector{MatchLabels: map[string]string{kube.HostnameLabel: n.Name}}
			out = append(out, config(c, r, c.Name+"-"+n.Name, n.ASN, sel))
		}
	}
	return out, nil
}

func config(c *model.Cluster, r *model.Rack, name string, asn model.ASN, sel metav1.LabelSelector) *frrv1beta1.FRRConfiguration {
	bgp := frrv1beta1.BGPConfig{Routers: []frrv1beta1.Router{{
		ASN:       uint32(asn),
		Neighbors: neighbors(c, r),
		Prefixes:  prefixes(c.Services.All()),
	}}}
	if c.BGP.BFD {
		bgp.BFDProfiles = []frrv1beta1.BFDProfile{{Name: c.Name}}
	}
	return &frrv1beta1.FRRConfiguration{
		TypeMeta:   metav1.TypeMeta{APIVersion: frrv1beta1.GroupVersion.String(), Kind: "FRRConfiguration"},
		ObjectMeta: kube.Meta(c, Namespace, name),
		Spec:       frrv1beta1.FRRConfigurationSpec{BGP: bgp, NodeSelector: sel},
	}
}

// neighbors are the node's sessions with its leaf: one over the node's
// interface (unnumbered, IPv6 link-local, carrying both families of a
// dual-stack cluster), or one per family to the gateway's address of that
// family (frr-k8s activates a neighbour in its address's family only).
func neighbors(c *model.Cluster, r *model.Rack) []frrv1beta1.Neighbor {
	if c.Peering == model.PeerUnnumbered {
		n := neighbor(c, r)
		n.Interface = c.NodeInterface // IPv6 link-local, the leaf's port at the other end
		n.DualStackAddressFamily = c.HasV6()
		return []frrv1beta1.Neighbor{n}
	}
	var out []frrv1beta1.Neighbor
	for _, a := range r.PeerAddrs() {
		n := neighbor(c, r)
		n.Address = a.String()
		out = append(out, n)
	}
	return out
}

func neighbor(c *model.Cluster, r *model.Rack) frrv1beta1.Neighbor {
	n := frrv1beta1.Neighbor{
		ASN:                   uint32(r.Leaf.ASN),
		EnableGracefulRestart: c.BGP.GracefulRestart,
		ToAdvertise:           frrv1beta1.Advertise{Allowed: frrv1beta1.AllowedOutPrefixes{Mode: frrv1beta1.AllowAll}},
		ToReceive:             receive(c),
	}
	if c.BGP.Hold > 0 {
		n.HoldTime = &metav1.Duration{Duration: time.Duration(c.BGP.Hold) * time.Second}
	}
	if c.BGP.Keepalive > 0 {
		n.KeepaliveTime = &metav1.Duration{Duration: time.Duration(c.BGP.Keepalive) * time.Second}
	}
	if c.BGP.BFD {
		n.BFDProfile = c.Name
	}
	return n
}

// receive is what the node takes from its leaf: everything, or only the
// default route of each family the cluster has.
func receive(c *model.Cluster) frrv1beta1.Receive {
	if c.Export != model.ExportDefault {
		return frrv1beta1.Receive{Allowed: frrv1beta1.AllowedInPrefixes{Mode: frrv1beta1.AllowAll}}
	}
	sel := []frrv1beta1.PrefixSelector{{Prefix: "0.0.0.0/0"}}
	if c.HasV6() {
		sel = append(sel, frrv1beta1.PrefixSelector{Prefix: "::/0"})
	}
	return frrv1beta1.Receive{Allowed: frrv1beta1.AllowedInPrefixes{Prefixes: sel}}
}

func prefixes(ps []netip.Prefix) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.String())
	}
	return out
}
