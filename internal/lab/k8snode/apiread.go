package k8snode

import (
	"context"
	"encoding/json"
	"fmt"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// served are the kinds a node agent reads from the API server, by the
// group and version the CNIs serve them under.
var served = []schema.GroupVersionKind{
	{Version: "v1", Kind: "Node"},
	{Version: "v1", Kind: "Service"},
	{Group: "crd.projectcalico.org", Version: "v1", Kind: "BGPConfiguration"},
	{Group: "crd.projectcalico.org", Version: "v1", Kind: "BGPPeer"},
	{Group: "crd.projectcalico.org", Version: "v1", Kind: "IPPool"},
	{Group: "crd.projectcalico.org", Version: "v1", Kind: "Node"},
	{Group: "cilium.io", Version: "v2", Kind: "CiliumBGPClusterConfig"},
	{Group: "cilium.io", Version: "v2", Kind: "CiliumBGPPeerConfig"},
	{Group: "cilium.io", Version: "v2", Kind: "CiliumBGPAdvertisement"},
	{Group: "cilium.io", Version: "v2", Kind: "CiliumBGPNodeConfigOverride"},
	{Group: "frrk8s.metallb.io", Version: "v1beta1", Kind: "FRRConfiguration"},
}

// ReadObjects lists, as the node agents do, every kind that shapes a
// node's BGP from the API server r reads (opts narrow each list, e.g. to
// one cluster's label) and decodes them as Decode would. A kind whose CRD
// the server does not serve is skipped: that CNI is not installed.
func ReadObjects(ctx context.Context, r client.Reader, opts ...client.ListOption) (*Objects, []schema.GroupVersionKind, error) {
	o := &Objects{}
	var skipped []schema.GroupVersionKind
	for _, gvk := range served {
		var list unstructured.UnstructuredList
		list.SetGroupVersionKind(gvk.GroupVersion().WithKind(gvk.Kind + "List"))
		if err := r.List(ctx, &list, opts...); err != nil {
			if meta.IsNoMatchError(err) {
				skipped = append(skipped, gvk)
				continue
			}
			return nil, nil, fmt.Errorf("listing %s: %w", gvk, err)
		}
		for _, item := range list.Items {
			doc, err := json.Marshal(item.Object)
			if err != nil {
				return nil, nil, fmt.Errorf("%s %s: %w", gvk.Kind, item.GetName(), err)
			}
			t := typeMeta{APIVersion: gvk.GroupVersion().String(), Kind: gvk.Kind}
			if err := decoders[kindKey(t)](o, doc); err != nil {
				return nil, nil, fmt.Errorf("%s %s: %w", gvk.Kind, item.GetName(), err)
			}
		}
	}
	return o, skipped, nil
}
