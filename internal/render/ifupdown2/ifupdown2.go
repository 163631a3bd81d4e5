// Package ifupdown2 renders /etc/network/interfaces for ifupdown2 (Cumulus
// Linux), the owner of every address on the device: loopback addresses,
// fabric ports with their MTU and /31 or /127 addresses, the gateway
// address of each server subnet that sits on a port, and a leaf's server
// side: its VLAN-aware bridge with the servers' access and trunk ports and
// LACP bonds, the SVIs that hold the networks' gateways, the VRF device of
// each isolation domain and the VXLAN device of its L3VNI. FRR only
// announces them.
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
// decided them, in its order, the loopback apart because its stanza
// differs, with the VRF and VXLAN devices of the device's isolation
// domains put in (after the loopback, and before the bridge).
type view struct {
	D        *model.Device
	Fabric   string
	Loopback *model.Interface
	Stanzas  []stanza
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

// newView sorts the device's interfaces into stanzas, and refuses what
// this file cannot say, rather than leaving it out.
func newView(f *model.Fabric, d *model.Device) (view, error) {
	v := view{D: d, Fabric: f.Name}
	vrfs, err := domains(d)
	if err != nil {
		return v, err
	}
	var svis []stanza
	for _, i := range d.Interfaces {
		if err := checkInstance(i, vrfs); err != nil {
			return v, err
		}
		switch {
		case i.Kind == model.KindLoopback && v.Loopback == nil:
			v.Loopback = i
			v.Stanzas = append(v.Stanzas, vrfStanzas(vrfs)...)
		case i.Kind == model.KindBridge:
			s, err := bridgeStanza(d, i, vrfs)
			if err != nil {
				return v, err
			}
			v.Stanzas = append(v.Stanzas, s...)
		case i.Kind == model.KindSVI:
			s, err := sviStanza(i)
			if err != nil {
				return v, err
			}
			svis = append(svis, s)
		default:
			s, err := portStanza(i)
			if err != nil {
				return v, err
			}
			v.Stanzas = append(v.Stanzas, s)
		}
	}
	if v.Loopback == nil {
		return v, errors.New("the device has no loopback interface (resolve derives every interface; a model built by hand gets them from resolve.Derive)")
	}
	if len(svis) > 0 && d.Interface(model.BridgeName) == nil {
		return v, fmt.Errorf("SVI %s has no bridge to sit on (resolve builds the bridge of every leaf with networks)", svis[0].Name)
	}
	if len(vrfs) > 0 && d.Interface(model.BridgeName) == nil {
		return v, fmt.Errorf("vrf %s has no bridge for its L3VNI %d", vrfs[0].Name, vrfs[0].VRF.VNI)
	}
	v.Stanzas = append(v.Stanzas, svis...)
	v.Stanzas = append(v.Stanzas, l3SVIStanzas(vrfs)...)
	return v, unique(v)
}

// checkInstance refuses an interface in an instance the device has no VRF
// device for: only SVIs go into a VRF here (routed ports in a VRF are not
// rendered for ifupdown2 yet).
func checkInstance(i *model.Interface, vrfs []*model.Instance) error {
	if i.Instance == "" || i.Instance == model.DefaultInstance {
		return nil
	}
	if i.Kind != model.KindSVI {
		return fmt.Errorf("interface %s is in instance %s: only SVIs are rendered in a VRF", i.Name, i.Instance)
	}
	for _, in := range vrfs {
		if in.Name == i.Instance {
			return nil
		}
	}
	return fmt.Errorf("interface %s is in instance %s, which is not an isolation domain (VRF with an L3VNI) of the device", i.Name, i.Instance)
}

// unique refuses two stanzas of one name: a VRF called like a port, or an
// L3VNI's SVI or VXLAN device called like an interface of the model.
func unique(v view) error {
	seen := map[string]bool{v.Loopback.Name: true}
	for _, s := range v.Stanzas {
		if seen[s.Name] {
			return fmt.Errorf("two interfaces are called %s (a VRF, SVI or VXLAN device named like another interface)", s.Name)
		}
		seen[s.Name] = true
	}
	return nil
}
