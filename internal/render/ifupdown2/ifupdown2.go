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
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"text/template"

	"underlay.dev/underlay/internal/model"
)

//go:embed interfaces.tmpl
var tmplText string

var tmpl = template.Must(template.New("interfaces").Option("missingkey=error").Parse(tmplText))

// view is what the templates read.
type view struct {
	D      *model.Device
	Fabric string
	Ports  []port
}

// port is one `iface` stanza of a port.
type port struct {
	Name  string
	MTU   int // 0: leave the MTU alone
	Addrs []netip.Prefix
}

// Render returns the interfaces file of d.
func Render(f *model.Fabric, d *model.Device) ([]byte, error) {
	ports, err := ports(d)
	if err != nil {
		return nil, fmt.Errorf("rendering interfaces of %s: %w", d.Name, err)
	}
	var b bytes.Buffer
	if err := tmpl.ExecuteTemplate(&b, "interfaces", view{D: d, Fabric: f.Name, Ports: ports}); err != nil {
		return nil, fmt.Errorf("rendering interfaces of %s: %w", d.Name, err)
	}
	return b.Bytes(), nil
}

// ports lists the device's ports and the ports only server subnets use,
// merged in natural order (swp2, swp10, swp49), the order of the front
// panel. A subnet's gateway goes on its port; the MTU of a subnet-only port
// is not in the model and stays as it is.
func ports(d *model.Device) ([]port, error) {
	var out, extra []port
	onPort, onExtra := map[string]int{}, map[string]int{}
	for _, p := range d.Ports {
		onPort[p.Name] = len(out)
		out = append(out, port{Name: p.Name, MTU: p.MTU, Addrs: slices.Clone(p.Addrs)})
	}
	for _, s := range d.Subnets {
		if s.Port == "" {
			continue // anchored by a blackhole route in FRR; no address
		}
		if !s.Gateway.IsValid() || !s.Prefix.Contains(s.Gateway.Addr()) {
			return nil, fmt.Errorf("subnet %s on %s: gateway %s is not an address in it", s.Prefix, s.Port, s.Gateway)
		}
		if i, ok := onPort[s.Port]; ok {
			out[i].Addrs = append(out[i].Addrs, s.Gateway)
		} else if j, ok := onExtra[s.Port]; ok {
			extra[j].Addrs = append(extra[j].Addrs, s.Gateway)
		} else {
			onExtra[s.Port] = len(extra)
			extra = append(extra, port{Name: s.Port, Addrs: []netip.Prefix{s.Gateway}})
		}
	}
	sort.SliceStable(extra, func(i, j int) bool { return model.NaturalLess(extra[i].Name, extra[j].Name) })
	return merge(out, extra), nil
}

// merge inserts the subnet-only ports among the device's ports, which are
// already in natural order, without reordering the device's ports.
func merge(ports, extra []port) []port {
	out := make([]port, 0, len(ports)+len(extra))
	for _, p := range ports {
		for len(extra) > 0 && model.NaturalLess(extra[0].Name, p.Name) {
			out, extra = append(out, extra[0]), extra[1:]
		}
		out = append(out, p)
	}
	return append(out, extra...)
}
