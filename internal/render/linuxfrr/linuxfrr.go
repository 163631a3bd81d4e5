// Package linuxfrr renders a Linux server or Kubernetes node that routes
// with FRR ("router on the host"): one frr.conf in which FRR also owns the
// loopback (the node IP) and any numbered uplink addresses, because no
// other tool manages them on a host.
package linuxfrr

import (
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/platform"
	"underlay.dev/underlay/internal/render"
	"underlay.dev/underlay/internal/render/frr"
)

// Renderer renders platform linux-frr.
type Renderer struct{}

var _ render.Renderer = Renderer{}

// Platform is linux-frr.
func (Renderer) Platform() model.Platform { return model.PlatformLinuxFRR }

// Render returns frr.conf.
func (Renderer) Render(f *model.Fabric, d *model.Device) ([]render.File, error) {
	conf, err := frr.Render(f, d, frr.Options{OwnAddresses: true})
	if err != nil {
		return nil, err
	}
	return []render.File{{Name: platform.FileFRR, Content: conf}}, nil
}
