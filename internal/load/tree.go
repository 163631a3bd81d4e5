package load

import (
	"errors"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"underlay.dev/underlay/internal/gitops"
	"underlay.dev/underlay/internal/intent"
	"underlay.dev/underlay/internal/render/cluster"
	"underlay.dev/underlay/internal/render/renderers"
	"underlay.dev/underlay/internal/resolve"
)

// Tree renders every device of a resolved intent in memory. validate runs
// it too, so that validate fails wherever render would: resolve checks
// each condition a renderer refuses, with a better message, and a refusal
// it misses still comes out as an error on the device's line (intent.Errors)
// rather than as render's unlocated failure after validate passed.
func Tree(f *resolve.File) (*gitops.Tree, error) {
	tree, err := gitops.Build(f.Fabric, renderers.For)
	if err == nil {
		return tree, addClusters(f, tree)
	}
	var list intent.Errors
	for _, e := range leaves(err) {
		var de *gitops.DeviceError
		if !errors.As(e, &de) {
			return nil, err
		}
		p := field.NewPath("spec", "devices").Key(de.Device).String()
		list = append(list, intent.Error{File: f.Doc.Path, Line: f.Doc.Line(p), Field: p,
			Msg: "cannot be rendered: " + de.Err.Error()})
	}
	return nil, list
}

// leaves unpacks an errors.Join.
func leaves(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// addClusters puts each cluster's CNI resources into the tree as
// clusters/<name>/, unlisted by the root: the cluster's own Flux applies
// that directory, not the fabric's. A cluster that cannot be rendered is
// an error on the cluster's line.
func addClusters(f *resolve.File, tree *gitops.Tree) error {
	var list intent.Errors
	for _, c := range f.Fabric.Clusters {
		if err := cluster.AddTo(tree, c); err != nil {
			p := field.NewPath("spec", "clusters").Key(c.Name).String()
			list = append(list, intent.Error{File: f.Doc.Path, Line: f.Doc.Line(p), Field: p,
				Msg: "cannot be rendered: " + err.Error()})
		}
	}
	if len(list) > 0 {
		return list
	}
	return nil
}
