// Package dhcprelay renders /etc/default/isc-dhcp-relay, the settings of
// the DHCP relay Cumulus Linux runs (isc-dhcp-relay's dhcrelay, as
// dhcrelay.service): the DHCP servers, the SVIs whose clients it relays
// (-id, downstream) and the fabric ports towards the servers (-iu,
// upstream). On an unnumbered fabric the SVI's gateway is not routed back
// to the leaf by every DHCP server's path, so giaddr is the leaf's
// loopback (-U ADDR%lo, Cumulus' form of dhcrelay's RFC 3527 option) and
// the link-selection sub-option carries the SVI's subnet, which the
// server picks the client's subnet by.
//
// The file is a POSIX shell fragment the service sources: it holds only
// comments and the three variables, each a double-quoted list of words
// that cannot expand (interface names and addresses, checked here).
package dhcprelay

import (
	"bytes"
	_ "embed"
	"fmt"
	"net/netip"
	"regexp"
	"strings"
	"text/template"

	"underlay.dev/underlay/internal/model"
)

//go:embed isc-dhcp-relay.tmpl
var tmplText string

var tmpl = template.Must(template.New("relay").Option("missingkey=error").Parse(tmplText))

// MaxInterfaceName is the longest interface name dhcrelay binds to (a
// limitation Cumulus documents).
const MaxInterfaceName = 14

// name is an interface name that is a plain word of the shell fragment.
var name = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// view is what the template reads.
type view struct {
	D        *model.Device
	Fabric   string
	Servers  string // SERVERS' words
	Intf     string // INTF_CMD's words
	Options  string // OPTIONS' words
	Linksel  bool
	Loopback netip.Addr
}

// Render returns the relay file of d, or nil when d relays nothing (then
// the device has no such file: the ConfigMap key is optional).
func Render(f *model.Fabric, d *model.Device) ([]byte, error) {
	if len(d.Relays) == 0 {
		return nil, nil
	}
	v, err := newView(f, d)
	if err != nil {
		return nil, fmt.Errorf("rendering the DHCP relay of %s: %w", d.Name, err)
	}
	var b bytes.Buffer
	if err := tmpl.ExecuteTemplate(&b, "relay", v); err != nil {
		return nil, fmt.Errorf("rendering the DHCP relay of %s: %w", d.Name, err)
	}
	return b.Bytes(), nil
}

// newView refuses what one dhcrelay of vrf default cannot run rather than
// relaying part of it.
func newView(f *model.Fabric, d *model.Device) (view, error) {
	if len(d.Relays) > 1 {
		return view{}, fmt.Errorf("%d relays: one dhcrelay (of vrf default) is rendered", len(d.Relays))
	}
	r := d.Relays[0]
	if r.Instance != model.DefaultInstance {
		return view{}, fmt.Errorf("a relay in vrf %s: only vrf default's is rendered (isc-dhcp-relay-<vrf> files are not)", r.Instance)
	}
	v := view{D: d, Fabric: f.Name, Linksel: r.LinkSelection, Loopback: r.Source}
	var servers []string
	for _, s := range r.Servers {
		if !s.Is4() {
			return v, fmt.Errorf("DHCP server %s: dhcrelay -4 relays to IPv4 servers", s)
		}
		servers = append(servers, s.String())
	}
	if len(servers) == 0 || len(r.Downstream) == 0 || len(r.Upstream) == 0 {
		return v, fmt.Errorf("a relay needs servers, SVIs and uplinks (has %d, %d, %d)", len(servers), len(r.Downstream), len(r.Upstream))
	}
	var intf []string
	for _, side := range []struct {
		flag  string
		names []string
	}{{"-id", r.Downstream}, {"-iu", r.Upstream}} {
		for _, n := range side.names {
			if !name.MatchString(n) || len(n) > MaxInterfaceName {
				return v, fmt.Errorf("interface %q: dhcrelay binds to names of at most %d letters, digits, '.', '_' and '-'", n, MaxInterfaceName)
			}
			intf = append(intf, side.flag, n)
		}
	}
	if r.LinkSelection {
		if !r.Source.Is4() {
			return v, fmt.Errorf("link selection needs the loopback's IPv4 address as giaddr, got %v", r.Source)
		}
		v.Options = "-U " + r.Source.String() + "%lo"
	}
	v.Servers, v.Intf = strings.Join(servers, " "), strings.Join(intf, " ")
	return v, nil
}
