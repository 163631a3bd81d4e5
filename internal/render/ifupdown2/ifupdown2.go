// Package ifupdown2 renders /etc/network/interfaces for ifupdown2 (Cumulus
// Linux), the owner of every address on the device: loopback addresses,
// fabric ports with their MTU and /31 or /127 addresses, and the gateway
// address of each server subnet that sits on a port. FRR only announces
// them.
//
// An unnumbered port gets a stanza without an address: `auto` brings it
// up, and the kernel gives it the IPv6 link-local address BGP unnumbered
// peers over (and FRR sends the router advertisements that let the peer
// find it).
package ifupdown2

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"text/template"

	"underlay.dev/underlay/internal/model"
)

//go:embed interfaces.tmpl
var tmplText string

var tmpl = template.Must(template.New("interfaces").Option("missingkey=error").Parse(tmplText))

// view is what the templates read: the device's interfaces as resolve
// decided them, the loopback apart because its stanza differs.
type view struct {
	D        *model.Device
	Fabric   string
	Loopback *model.Interface
	Ports    []*model.Interface // natural order (swp2, swp10, swp49): the front panel's
}

// Render returns the interfaces file of d.
func Render(f *model.Fabric, d *model.Device) ([]byte, error) {
	v, err := newView(f, d)
	if err != nil {
		return nil, fmt.Errorf("rendering interfaces of %s: %w", d.Name, err)
	}
	var b bytes.Buffer
	if err := tmpl.ExecuteTemplate(&b, "interfaces", v); err != nil {
		return nil, fmt.Errorf("rendering interfaces of %s: %w", d.Name, err)
	}
	return b.Bytes(), nil
}

// newView sorts the device's interfaces into the loopback and the ports,
// and refuses the kinds and instances this file cannot say yet, rather
// than leaving them out.
func newView(f *model.Fabric, d *model.Device) (view, error) {
	v := view{D: d, Fabric: f.Name}
	for _, i := range d.Interfaces {
		if i.Instance != "" && i.Instance != model.DefaultInstance {
			return v, fmt.Errorf("interface %s is in instance %s: only the default instance is rendered", i.Name, i.Instance)
		}
		switch {
		case i.Kind == model.KindLoopback && v.Loopback == nil:
			v.Loopback = i
		case i.Kind == model.KindRouted:
			v.Ports = append(v.Ports, i)
		default:
			return v, fmt.Errorf("interface %s: a %s interface is not rendered for ifupdown2", i.Name, i.Kind)
		}
	}
	if v.Loopback == nil {
		return v, errors.New("the device has no loopback interface (resolve derives every interface; a model built by hand gets them from resolve.Derive)")
	}
	return v, nil
}
