// Package kube holds what every CNI package of render/cluster shares: the
// Object they return, the node label they select by and the labels and
// names of the objects, so that each is defined once.
package kube

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"underlay.dev/underlay/internal/model"
)

// Object is a typed Kubernetes object a CNI package renders: a pointer to
// a struct with TypeMeta and ObjectMeta.
type Object interface {
	GetName() string
	GetObjectKind() schema.ObjectKind
}

// HostnameLabel is the label every kubelet sets to its node's name: the
// one label a node selector can rely on without anyone labelling nodes.
const HostnameLabel = "kubernetes.io/hostname"

// Meta names an object and labels it with the cluster it belongs to, so
// that what underlay renders can be told from what others created.
func Meta(c *model.Cluster, namespace, name string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: name, Namespace: namespace, Labels: Labels(c)}
}

// Labels are the labels of every object rendered for c.
func Labels(c *model.Cluster) map[string]string {
	return map[string]string{"app.kubernetes.io/managed-by": "underlay", "underlay.dev/cluster": c.Name}
}

// NodeNames returns the names of nodes, in their order.
func NodeNames(nodes []*model.Node) []string {
	out := make([]string, len(nodes))
	for i, n := range nodes {
		out[i] = n.Name
	}
	return out
}
