package lab

import (
	"context"
	"fmt"
	"net/netip"
	"path/filepath"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"underlay.dev/underlay/internal/lab/k8snode"
	"underlay.dev/underlay/internal/lab/node"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/render/cluster/frrk8s"
)

// The parts of a cluster that are neither its BGP agent nor rendered by
// underlay, played by the lab as the cluster would:
//   - kube-controller-manager's node IPAM: each Node's spec.podCIDRs, a
//     block of the pod CIDR (Cilium's Kubernetes IPAM and frr-k8s users
//     read them; Calico's IPAM hands out its own blocks and ignores them);
//   - under frr-k8s, the pod network's side: frr-k8s knows no pods, the
//     CNI adds the node's pod block to the node's router with its own
//     FRRConfiguration, which frr-k8s merges with underlay's;
//   - under Cilium, a LoadBalancer Service with an address of the
//     cluster's load-balancer range, as Cilium's LB IPAM assigns one:
//     Cilium announces Services' addresses, not ranges.
// Each object is labelled with its cluster, as the rendered ones are, so
// the node agents read it with them.

// labManaged marks the objects the lab adds in the cluster's place.
const labManaged = "underlay-lab"

// nodePodCIDRs are the pod blocks of cl's nodes as node IPAM gives them:
// a Node that has its blocks keeps them (spec.podCIDRs cannot change),
// the others, in name order, each take the first free block of each pod
// CIDR. Empty for Calico.
func nodePodCIDRs(ctx context.Context, c client.Reader, cl *model.Cluster) (map[string][]netip.Prefix, error) {
	out := map[string][]netip.Prefix{}
	if cl.CNI == model.CNICalico {
		return out, nil
	}
	used := map[netip.Prefix]bool{}
	var fresh []*model.Node
	for _, n := range cl.Nodes {
		u := &unstructured.Unstructured{}
		u.SetAPIVersion("v1")
		u.SetKind("Node")
		err := c.Get(ctx, client.ObjectKey{Name: n.Name}, u)
		if err != nil && !apierrors.IsNotFound(err) {
			return nil, fmt.Errorf("node %s: reading its Node: %w", n.Name, err)
		}
		ss, _, _ := unstructured.NestedStringSlice(u.Object, "spec", "podCIDRs")
		for _, s := range ss {
			p, err := netip.ParsePrefix(s)
			if err != nil {
				return nil, fmt.Errorf("node %s: spec.podCIDRs %q: %w", n.Name, s, err)
			}
			out[n.Name] = append(out[n.Name], p)
			used[p] = true
		}
		if len(ss) == 0 {
			fresh = append(fresh, n)
		}
	}
	for _, n := range fresh {
		for _, cidr := range cl.PodCIDRs {
			b, err := freeBlock(cl, cidr, used)
			if err != nil {
				return nil, fmt.Errorf("node %s: %w", n.Name, err)
			}
			used[b] = true
			out[n.Name] = append(out[n.Name], b)
		}
	}
	return out, nil
}

func freeBlock(cl *model.Cluster, cidr netip.Prefix, used map[netip.Prefix]bool) (netip.Prefix, error) {
	size := cl.BlockSize
	if cidr.Addr().Is6() {
		size = cl.BlockSizeV6
	}
	for i := 0; ; i++ {
		b, err := k8snode.NthBlock(cidr, size, i)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("no free pod block: %w", err)
		}
		if !used[b] {
			return b, nil
		}
	}
}

// nodeAddr is the address a cluster node's OS runs with, the Node's
// InternalIP: on its rack's subnet, the static address the lab gives a
// server there (staticAddr); unnumbered, where the node's port has only
// its IPv6 link-local address, the first address of its IPv4 pod block,
// which the node holds as the pods' gateway (as cilium_host holds
// Cilium's router address) and announces with the block.
func nodeAddr(n *model.Node, pods []netip.Prefix) (netip.Prefix, error) {
	if n.Rack != nil && n.Rack.Subnet != nil {
		return staticAddr(n.Rack.Subnet, n.Server), nil
	}
	for _, p := range pods {
		if p.Addr().Is4() {
			return netip.PrefixFrom(p.Masked().Addr().Next(), 32), nil
		}
	}
	return netip.Prefix{}, fmt.Errorf("node %s: no rack subnet and no IPv4 pod block: nothing to give its Node an InternalIP", n.Name)
}

// cniObjects are the objects the lab adds for cl in the cluster's place
// (see above), given its nodes' pod blocks.
func cniObjects(cl *model.Cluster, pods map[string][]netip.Prefix) []*unstructured.Unstructured {
	var out []*unstructured.Unstructured
	labels := map[string]any{"underlay.dev/cluster": cl.Name, "app.kubernetes.io/managed-by": labManaged}
	switch cl.CNI {
	case model.CNIFRRK8s:
		for _, n := range cl.Nodes {
			out = append(out, &unstructured.Unstructured{Object: map[string]any{
				"apiVersion": "frrk8s.metallb.io/v1beta1", "kind": "FRRConfiguration",
				"metadata": map[string]any{"name": cl.Name + "-" + n.Name + "-pods", "namespace": frrk8s.Namespace, "labels": labels},
				"spec": map[string]any{
					"nodeSelector": map[string]any{"matchLabels": map[string]any{"kubernetes.io/hostname": n.Name}},
					"bgp":          map[string]any{"routers": []any{map[string]any{"asn": int64(n.ASN), "prefixes": prefixStrings(pods[n.Name])}}},
				},
			}})
		}
	case model.CNICilium:
		lb := cl.Services.LoadBalancer
		if len(lb) == 0 {
			return nil
		}
		out = append(out, &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "v1", "kind": "Service",
			"metadata": map[string]any{"name": cl.Name + "-lb", "namespace": "default", "labels": labels},
			"spec": map[string]any{"type": "LoadBalancer", "ports": []any{map[string]any{"port": int64(80)}},
				"selector": map[string]any{"app": cl.Name}},
			"status": map[string]any{"loadBalancer": map[string]any{"ingress": []any{
				map[string]any{"ip": ServiceAddr(cl).String()}}}},
		}})
	}
	return out
}

// ServiceAddr is the address the lab's LoadBalancer Service of a Cilium
// cluster gets: the first host of its first load-balancer range. Invalid
// when it has none.
func ServiceAddr(cl *model.Cluster) netip.Addr {
	if len(cl.Services.LoadBalancer) == 0 {
		return netip.Addr{}
	}
	return cl.Services.LoadBalancer[0].Masked().Addr().Next()
}

// cniNamespace is the namespace a CNI's install creates for the objects
// it reads (frr-k8s: frr-k8s-system), or nil.
func cniNamespace(cni model.CNI) *unstructured.Unstructured {
	if cni != model.CNIFRRK8s {
		return nil
	}
	return &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace",
		"metadata": map[string]any{"name": frrk8s.Namespace}}}
}

func prefixStrings(ps []netip.Prefix) []any {
	out := make([]any, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}

// prepareNode readies a node's OS for its agent: an unnumbered node's
// port takes the leaf's router advertisements (the default route Cilium's
// autoDiscovery follows; the namespace forwards, so accept_ra=2), and
// records its InternalIP (on pod0, the pods' gateway) as its address; an
// frr-k8s node runs FRR, which frr-k8s's pod runs on a real node.
func (l *Lab) prepareNode(ctx context.Context, st *State, cl *model.Cluster, h *Host, cfg *k8snode.Config) error {
	if cl.Peering == model.PeerUnnumbered && h.Addr == "" {
		for _, p := range h.Ports {
			if err := node.Run(ctx, "ip", "netns", "exec", h.Netns, "sysctl", "-qw", "net.ipv6.conf."+p+".accept_ra=2"); err != nil {
				return err
			}
		}
		h.Addr = netip.PrefixFrom(cfg.RouterID, 32).String()
		if err := l.saveState(st); err != nil {
			return err
		}
		l.progress("  %s: unnumbered on %s:%s (IPv6 link-local, the leaf's router advertisements accepted), InternalIP %s", h.Name, h.Leaf, h.LeafPorts[0], h.Addr)
	}
	if cfg.Agent == k8snode.AgentFRRK8s {
		return node.StartFRR(ctx, h.Netns, h.Netns, h.Name)
	}
	return nil
}

// speakerPidFile is where a daemonized speaker writes its pid: BIRD's in
// the node's directory, FRR's watchfrr under its pathspace.
func speakerPidFile(cn *ClusterNode, cfg *k8snode.Config) string {
	if cfg.Agent == k8snode.AgentFRRK8s {
		return filepath.Join("/var/run/frr", cn.Netns, "watchfrr.pid")
	}
	return filepath.Join(cn.Dir, "bird.pid")
}
