package cli

import (
	"underlay.dev/underlay/internal/gitops"
	"underlay.dev/underlay/internal/load"
	"underlay.dev/underlay/internal/resolve"
)

// loadFile reads the intent and its lock and resolves them; a problem is
// an exit-1 failure.
func loadFile(path string) (*resolve.File, error) {
	f, err := load.File(path)
	if err != nil {
		return nil, failed(err)
	}
	return f, nil
}

// loadTree loads the intent at path and renders it in memory; a problem is
// an exit-1 failure.
func loadTree(path string) (*resolve.File, *gitops.Tree, error) {
	f, err := loadFile(path)
	if err != nil {
		return nil, nil, err
	}
	tree, err := load.Tree(f)
	if err != nil {
		return nil, nil, failed(err)
	}
	return f, tree, nil
}
