// Package renderers is the one list of platform renderers. Adding a
// platform means adding its package under render/, its descriptor in
// package platform, and one line here.
package renderers

import (
	"fmt"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/render"
	"underlay.dev/underlay/internal/render/cumulus"
	"underlay.dev/underlay/internal/render/linuxfrr"
	"underlay.dev/underlay/internal/render/nvue"
	"underlay.dev/underlay/internal/render/sonic"
)

var renderers = []render.Renderer{
	cumulus.Renderer{},
	linuxfrr.Renderer{},
	nvue.Renderer{},
	sonic.Renderer{},
}

// For returns the renderer of p.
func For(p model.Platform) (render.Renderer, error) {
	for _, r := range renderers {
		if r.Platform() == p {
			return r, nil
		}
	}
	return nil, fmt.Errorf("platform %q is not supported; supported platforms are %q", p, model.Platforms)
}
