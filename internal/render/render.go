// Package render defines the platform renderer interface and the rendered
// file set of a device.
//
// A Renderer turns one resolved device into the exact native files of its
// platform. Renderers are pure: same model, same bytes. Platform packages
// live under render/ and are registered in one list in package renderers.
package render

import (
	"underlay.dev/underlay/internal/model"
)

// File is one rendered file of a device. Name is a plain file name (no
// directories); it becomes a ConfigMap key.
type File struct {
	Name    string
	Content []byte
}

// Renderer renders the native configuration of one platform.
type Renderer interface {
	// Platform is the platform this renderer serves.
	Platform() model.Platform
	// Render returns the device's files sorted by name.
	Render(f *model.Fabric, d *model.Device) ([]File, error)
}
