// Package frr renders frr.conf for every platform that routes with FRR:
// Cumulus Linux, Linux hosts, and SONiC in split routing mode.
//
// The file is complete and explicit: it does not lean on the defaults of
// FRR's "datacenter" or "traditional" profile (timers, ebgp-requires-policy,
// default address family), so it means the same on every build. Best-path
// ties are broken by router ID (`bgp bestpath compare-routerid`) instead of
// route age, which makes the chosen path, and so the AS path a device
// advertises, deterministic and predictable by `underlay verify`.
//
// Each routing instance of the device is one `router bgp` block, the
// default one first and without `vrf`; its neighbours are fabric peers,
// external neighbours (by address or interface) and groups, which are FRR
// peer groups whose members connect from the group's listen ranges.
//
// The text comes from frr.conf.tmpl, one template per stanza; every
// decision is made while building the view model (view.go, bgp.go,
// policy.go), so the templates only print.
package frr

import (
	"bytes"
	_ "embed"
	"fmt"
	"text/template"

	"underlay.dev/underlay/internal/model"
)

//go:embed frr.conf.tmpl
var tmplText string

var tmpl = template.Must(template.New("frr").Option("missingkey=error").Parse(tmplText))

// Options say who owns addresses on the device.
type Options struct {
	// OwnAddresses makes FRR (zebra) configure the loopback, port and
	// subnet gateway addresses: on a Linux host no other tool does. When
	// false, ifupdown2 (Cumulus) or config_db (SONiC) owns them and FRR
	// only announces them.
	OwnAddresses bool
}

// Render returns the frr.conf of d.
func Render(f *model.Fabric, d *model.Device, opt Options) ([]byte, error) {
	v, err := newView(f, d, opt)
	if err != nil {
		return nil, fmt.Errorf("rendering frr.conf of %s: %w", d.Name, err)
	}
	var b bytes.Buffer
	if err := tmpl.ExecuteTemplate(&b, "frr.conf", v); err != nil {
		return nil, fmt.Errorf("rendering frr.conf of %s: %w", d.Name, err)
	}
	return b.Bytes(), nil
}
