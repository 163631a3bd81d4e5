// Package ifupdown2 renders /etc/network/interfaces for ifupdown2 (Cumulus
// Linux): loopback addresses, fabric ports with their MTU and /31 or /127
// addresses (unnumbered ports only need to be up: IPv6 link-local is
// automatic), and the gateway address of each server subnet's port.
package ifupdown2

import (
	"bytes"
	_ "embed"
	"fmt"
	"net/netip"
	"sort"
	"text/template"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/resolve"
)

//go:embed interfaces.tmpl
var tmplText string

var tmpl = template.Must(template.New("interfaces").Parse(tmplText))

type port struct {
	Name  string
	MTU   int
	Addrs []netip.Prefix
}

type view struct {
	F     *model.Fabric
	D     *model.Device
	Ports []port
}

// Render returns the interfaces file of d.
func Render(f *model.Fabric, d *model.Device) ([]byte, error) {
	v := view{F: f, D: d}
	byName := map[string]*port{}
	for _, p := range d.Ports {
		v.Ports = append(v.Ports, port{Name: p.Name, MTU: p.MTU, Addrs: p.Addrs})
	}
	for i := range v.Ports {
		byName[v.Ports[i].Name] = &v.Ports[i]
	}
	for _, s := range d.Subnets {
		if s.Port == "" {
			continue
		}
		if p := byName[s.Port]; p != nil {
			p.Addrs = append(p.Addrs, s.Gateway)
			continue
		}
		v.Ports = append(v.Ports, port{Name: s.Port, Addrs: []netip.Prefix{s.Gateway}})
		byName[s.Port] = &v.Ports[len(v.Ports)-1]
	}
	sort.SliceStable(v.Ports, func(i, j int) bool { return resolve.NaturalLess(v.Ports[i].Name, v.Ports[j].Name) })
	var b bytes.Buffer
	if err := tmpl.ExecuteTemplate(&b, "interfaces", v); err != nil {
		return nil, fmt.Errorf("rendering interfaces of %s: %w", d.Name, err)
	}
	return b.Bytes(), nil
}
