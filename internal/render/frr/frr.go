// Package frr renders frr.conf for every platform that routes with FRR:
// Cumulus Linux, Linux hosts, and SONiC in split routing mode.
//
// The file is complete and explicit: it does not lean on the defaults of
// FRR's "datacenter" or "traditional" profile, so it means the same on
// every build. Best-path ties are broken by router ID (`bgp bestpath
// compare-routerid`) instead of route age, which makes the chosen path —
// and so the AS path a device advertises — deterministic and predictable
// by `underlay verify`.
package frr

import (
	"bytes"
	_ "embed"
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"text/template"

	"underlay.dev/underlay/internal/model"
)

//go:embed frr.conf.tmpl
var tmplText string

var tmpl = template.Must(template.New("frr").Funcs(template.FuncMap{
	// seq and neighbor only format; all decisions live in the view model.
	"seq":      func(i int) string { return strconv.Itoa(10 * (i + 1)) },
	"neighbor": neighborName,
}).Parse(tmplText))

// Options say who owns addresses on the device.
type Options struct {
	// OwnAddresses makes FRR configure loopback and port addresses (hosts,
	// where no other tool does). Otherwise ifupdown2 or config_db own them.
	OwnAddresses bool
}

// Render returns the frr.conf of d.
func Render(f *model.Fabric, d *model.Device, opt Options) ([]byte, error) {
	if d.ASN == 0 || !d.RouterID.IsValid() {
		return nil, fmt.Errorf("device %s has no ASN or router ID", d.Name)
	}
	var b bytes.Buffer
	if err := tmpl.ExecuteTemplate(&b, "frr", newView(f, d, opt)); err != nil {
		return nil, fmt.Errorf("rendering frr.conf of %s: %w", d.Name, err)
	}
	return b.Bytes(), nil
}

func neighborName(s *model.Session) string {
	if s.Unnumbered {
		return s.Port
	}
	return s.PeerAddr.String()
}

// view is what the template reads.
type view struct {
	F          *model.Fabric
	D          *model.Device
	Interfaces []iface
	Anchors    []netip.Prefix
	RouteMaps  []routeMap
	Families   []family
}

type iface struct {
	Name  string
	Addrs []netip.Prefix
}

type routeMap struct {
	Name         string
	V4, V6, Deny bool
}

type family struct {
	Name     string // "ipv4" or "ipv6"
	Networks []netip.Prefix
	Sessions []*model.Session
}

func newView(f *model.Fabric, d *model.Device, opt Options) view {
	v := view{F: f, D: d}
	if opt.OwnAddresses {
		v.Interfaces = append(v.Interfaces, iface{Name: "lo", Addrs: d.Loopbacks})
		for _, p := range d.Ports {
			if len(p.Addrs) > 0 {
				v.Interfaces = append(v.Interfaces, iface{Name: p.Name, Addrs: p.Addrs})
			}
		}
	}
	for _, s := range d.Subnets {
		if s.Port == "" {
			v.Anchors = append(v.Anchors, s.Prefix)
		}
	}
	for _, p := range d.Policies {
		rm := routeMap{Name: p.Name}
		for _, r := range p.Rules {
			rm.V4 = rm.V4 || r.Prefix.Addr().Is4()
			rm.V6 = rm.V6 || r.Prefix.Addr().Is6()
		}
		rm.Deny = !rm.V4 && !rm.V6
		v.RouteMaps = append(v.RouteMaps, rm)
	}
	for _, fam := range d.FabricFamilies() {
		fv := family{Name: string(fam), Networks: d.OriginatedOf(fam)}
		for _, s := range d.Sessions {
			if s.Carries(fam) {
				fv.Sessions = append(fv.Sessions, s)
			}
		}
		v.Families = append(v.Families, fv)
	}
	sort.Slice(v.Anchors, func(i, j int) bool { return v.Anchors[i].Addr().Less(v.Anchors[j].Addr()) })
	return v
}
