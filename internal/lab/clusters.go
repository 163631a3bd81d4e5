package lab

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/render/cluster"
)

// The lab's Kubernetes clusters: their CNI's CRDs and rendered objects in
// the lab's API server (which stands in for each cluster's own), each
// node's Kubernetes Node as its kubelet registers it, and (clusternodes.go)
// each node's speaker configured from what the API server holds.

// syncClusters installs each cluster's CNI CRDs, as the CNI's install
// does, registers its nodes, and server-side applies objs[i], the
// kustomize build of cluster i's rendered clusters/<name>/ directory, as
// the cluster's Flux would.
func syncClusters(ctx context.Context, c client.Client, f *model.Fabric, all [][]*unstructured.Unstructured) (int, error) {
	n := 0
	installed := map[model.CNI]bool{}
	for i, cl := range f.Clusters {
		if !installed[cl.CNI] {
			if err := installCRDs(ctx, c, cl.CNI); err != nil {
				return n, fmt.Errorf("cluster %s: %w", cl.Name, err)
			}
			installed[cl.CNI] = true
		}
		objs := all[i]
		pods, err := nodePodCIDRs(ctx, c, cl)
		if err != nil {
			return n, fmt.Errorf("cluster %s: %w", cl.Name, err)
		}
		nodes, err := kubeNodes(cl, pods)
		if err != nil {
			return n, err
		}
		if err := applyAll(ctx, c, nodes); err != nil {
			return n, fmt.Errorf("cluster %s: registering its nodes: %w", cl.Name, err)
		}
		if err := applyAll(ctx, c, objs); err != nil {
			return n, fmt.Errorf("cluster %s: applying %s: %w", cl.Name, cluster.Dir(cl), err)
		}
		extra := cniObjects(cl, pods)
		if err := applyAll(ctx, c, extra); err != nil {
			return n, fmt.Errorf("cluster %s: applying what the lab plays of its CNI: %w", cl.Name, err)
		}
		n += len(objs) + len(nodes) + len(extra)
	}
	return n, nil
}

// installCRDs applies cni's CRDs (the repository's copies, embedded) and
// waits until the API server serves them.
func installCRDs(ctx context.Context, c client.Client, cni model.CNI) error {
	docs, err := cluster.CRDs(cni)
	if err != nil {
		return err
	}
	var objs []*unstructured.Unstructured
	for _, d := range docs {
		u := &unstructured.Unstructured{}
		if err := yaml.Unmarshal(d, &u.Object); err != nil {
			return fmt.Errorf("%s CRD: %w", cni, err)
		}
		objs = append(objs, u)
	}
	if err := applyAll(ctx, c, objs); err != nil {
		return fmt.Errorf("installing the %s CRDs: %w", cni, err)
	}
	if ns := cniNamespace(cni); ns != nil {
		if err := applyAll(ctx, c, []*unstructured.Unstructured{ns}); err != nil {
			return fmt.Errorf("installing %s: %w", cni, err)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for _, u := range objs {
		if err := waitEstablished(ctx, c, u.GetName()); err != nil {
			return fmt.Errorf("the %s CRD %s: %w", cni, u.GetName(), err)
		}
	}
	return nil
}

// waitEstablished polls the CRD until its Established condition is True.
func waitEstablished(ctx context.Context, c client.Client, name string) error {
	for {
		u := &unstructured.Unstructured{}
		u.SetAPIVersion("apiextensions.k8s.io/v1")
		u.SetKind("CustomResourceDefinition")
		err := c.Get(ctx, client.ObjectKey{Name: name}, u)
		if err == nil {
			conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
			for _, cd := range conds {
				m, _ := cd.(map[string]any)
				if m["type"] == "Established" && m["status"] == "True" {
					return nil
				}
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("not Established within the deadline: %w", errors.Join(ctx.Err(), err))
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// kubeNodes are the cluster's Kubernetes Nodes as each kubelet registers
// its own: the hostname label and the InternalIP (the speaker's router id
// and session source), with the pod blocks node IPAM gave them (pods).
// The status is applied as a kubelet writes it.
func kubeNodes(cl *model.Cluster, pods map[string][]netip.Prefix) ([]*unstructured.Unstructured, error) {
	var out []*unstructured.Unstructured
	for _, n := range cl.Nodes {
		addr, err := nodeAddr(n, pods[n.Name])
		if err != nil {
			return nil, err
		}
		u := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "v1", "kind": "Node",
			"metadata": map[string]any{"name": n.Name, "labels": map[string]any{
				"kubernetes.io/hostname": n.Name, "underlay.dev/cluster": cl.Name}},
			"status": map[string]any{"addresses": []any{
				map[string]any{"type": "InternalIP", "address": addr.Addr().String()},
				map[string]any{"type": "Hostname", "address": n.Name}}},
		}}
		if ps := pods[n.Name]; len(ps) > 0 {
			u.Object["spec"] = map[string]any{"podCIDR": ps[0].String(), "podCIDRs": prefixStrings(ps)}
		}
		out = append(out, u)
	}
	return out, nil
}

// applyAll server-side applies objs in order; a Node's or Service's
// status, which the main resource ignores, is applied to its status
// subresource too, from
// its own object: the client writes the server's answer (managedFields,
// which an apply must not send) into the one it sent.
func applyAll(ctx context.Context, c client.Client, objs []*unstructured.Unstructured) error {
	for _, u := range objs {
		status, hasStatus := u.Object["status"]
		name, kind := u.GetName(), u.GetKind()
		if err := c.Apply(ctx, client.ApplyConfigurationFromUnstructured(u), client.FieldOwner(FieldManager), client.ForceOwnership); err != nil {
			if meta.IsNoMatchError(err) || apierrors.IsNotFound(err) {
				err = fmt.Errorf("%w (is its CRD installed?)", err)
			}
			return fmt.Errorf("applying %s %s: %w", kind, name, err)
		}
		if !hasStatus || u.GetAPIVersion() != "v1" || (kind != "Node" && kind != "Service") {
			continue
		}
		su := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": kind,
			"metadata": map[string]any{"name": name}, "status": status}}
		if ns := u.GetNamespace(); ns != "" {
			su.SetNamespace(ns)
		}
		if err := c.Status().Apply(ctx, client.ApplyConfigurationFromUnstructured(su), client.FieldOwner(FieldManager), client.ForceOwnership); err != nil {
			return fmt.Errorf("applying the status of %s %s: %w", kind, name, err)
		}
	}
	return nil
}
