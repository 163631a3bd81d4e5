package lab

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/render/cluster"
)

// Each cluster's clusters/<name>/ directory is for that cluster's own API
// server, so two clusters of one CNI may well render objects of one name:
// Calico's cluster-scoped singleton BGPConfiguration "default" is every
// Calico cluster's. The lab applies every cluster into its one API
// server, where the second would overwrite the first and both clusters'
// emulated nodes would be configured from the one left. The lab refuses
// such a fabric before it builds anything.

// checkClusters renders f's clusters and refuses objects two of them
// would share in the lab's one API server; lab up calls it before it
// builds the lab.
func checkClusters(f *model.Fabric) error {
	if len(f.Clusters) < 2 {
		return nil
	}
	_, clusterObjs, err := objects(f)
	if err != nil {
		return err
	}
	return oneAPIServer(f, clusterObjs)
}

// oneAPIServer refuses an object that two clusters' builds (all[i] of
// f.Clusters[i]) both hold: same group, kind, namespace and name. It
// names the first such object, in f.Clusters' and each build's order.
func oneAPIServer(f *model.Fabric, all [][]*unstructured.Unstructured) error {
	type key struct{ group, kind, namespace, name string }
	owner := map[key]*model.Cluster{}
	for i, c := range f.Clusters {
		for _, o := range all[i] {
			gvk := o.GroupVersionKind()
			k := key{gvk.Group, gvk.Kind, o.GetNamespace(), o.GetName()}
			prev, ok := owner[k]
			if !ok {
				owner[k] = c
				continue
			}
			if prev == c {
				continue
			}
			scope := "cluster-scoped"
			if k.namespace != "" {
				scope = "in namespace " + k.namespace
			}
			return fmt.Errorf("clusters %s and %s (both %s) both render %s %q (%s, %s): each cluster's %s/ is for its own API server, "+
				"but the lab applies every cluster into its one API server, where %s's would overwrite %s's and both clusters' nodes would run from it; "+
				"run one of the two in the lab (give it an intent without the other), or give them different CNIs",
				prev.Name, c.Name, displayCNI(prev.CNI, c.CNI), gvk.Kind, k.name, strings.TrimSuffix(gvk.GroupVersion().String(), "/"), scope,
				cluster.Parent+"/<name>", c.Name, prev.Name)
		}
	}
	return nil
}

// displayCNI names the CNI two clusters share, or both.
func displayCNI(a, b model.CNI) string {
	if a == b {
		return string(a)
	}
	return string(a) + " and " + string(b)
}
