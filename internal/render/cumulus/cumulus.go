// Package cumulus renders Cumulus Linux in its classic form: FRR for
// routing (frr.conf, applied with frr-reload.py) and ifupdown2 for
// interfaces and addresses (interfaces, applied with ifreload -a), and on
// a leaf that relays DHCP for its servers, isc-dhcp-relay's settings
// (isc-dhcp-relay, applied by restarting dhcrelay).
package cumulus

import (
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/platform"
	"underlay.dev/underlay/internal/render"
	"underlay.dev/underlay/internal/render/dhcprelay"
	"underlay.dev/underlay/internal/render/frr"
	"underlay.dev/underlay/internal/render/ifupdown2"
)

// Renderer renders platform cumulus.
type Renderer struct{}

var _ render.Renderer = Renderer{}

// Platform is cumulus.
func (Renderer) Platform() model.Platform { return model.PlatformCumulus }

// Render returns frr.conf and interfaces, and isc-dhcp-relay when the
// device relays DHCP.
func (Renderer) Render(f *model.Fabric, d *model.Device) ([]render.File, error) {
	conf, err := frr.Render(f, d, frr.Options{})
	if err != nil {
		return nil, err
	}
	ifaces, err := ifupdown2.Render(f, d)
	if err != nil {
		return nil, err
	}
	files := []render.File{{Name: platform.FileFRR, Content: conf}, {Name: platform.FileInterfaces, Content: ifaces}}
	relay, err := dhcprelay.Render(f, d)
	if err != nil {
		return nil, err
	}
	if relay != nil {
		files = append(files, render.File{Name: platform.FileDHCPRelay, Content: relay})
	}
	return files, nil
}
