package nvue

import (
	"net/netip"
	"sort"
	"strings"
	"testing"

	"underlay.dev/underlay/internal/checker/nvuedoc"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/model/modeltest"
	"underlay.dev/underlay/internal/resolve"
)

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }

// withExternals is the seed lab with leaf2 (NVUE) peering beyond the
// fabric, as resolve builds it from MODEL10's intent: a firewall by
// address in a subnet on swp20, a router over swp22 (unnumbered, a port
// nothing else uses) and a group of Kubernetes nodes listening on the
// subnet of swp21, each with its import and export policy.
func withExternals(t *testing.T) (*model.Fabric, *model.Device) {
	t.Helper()
	f := modeltest.SeedLab()
	d := f.Devices[1]
	d.Subnets = append(d.Subnets,
		model.Subnet{Prefix: pfx("192.168.10.0/30"), Port: "swp20", Gateway: pfx("192.168.10.1/30")},
		model.Subnet{Prefix: pfx("10.1.0.0/24"), Port: "swp21", Gateway: pfx("10.1.0.1/24")})
	d.Default().Originated = append(d.Default().Originated, pfx("10.1.0.0/24"), pfx("192.168.10.0/30"))
	model.SortPrefixes(d.Default().Originated)
	export := []model.PrefixRule{{Prefix: pfx("10.1.0.0/24")}, {Prefix: pfx("192.0.2.0/24"), Le: 32}, {Prefix: pfx("192.168.10.0/30")}}
	policy := func(name string, rules ...model.PrefixRule) *model.Policy {
		p := &model.Policy{Name: name, Rules: rules}
		d.Policies = append(d.Policies, p)
		return p
	}
	fw := &model.External{Name: "fw1", ASN: 65500, Address: netip.MustParseAddr("192.168.10.2"), Announces: []netip.Prefix{pfx("0.0.0.0/0")}}
	rtr := &model.External{Name: "rtr2", ASN: 65501, Interface: "swp22", Announces: []netip.Prefix{pfx("10.50.0.0/16")}}
	k8s := &model.Group{Name: "k8s-rack1", Listen: []netip.Prefix{pfx("10.1.0.0/24")}, ListenLimit: 50, MaxPrefixes: 50,
		Announces: []netip.Prefix{pfx("10.244.0.0/16")}}
	d.Default().Sessions = append(d.Default().Sessions,
		&model.Session{Local: d, External: fw, PeerASN: fw.ASN, LocalAddr: netip.MustParseAddr("192.168.10.1"), PeerAddr: fw.Address,
			Families: []model.Family{model.IPv4}, Import: policy("UNDERLAY-IMPORT-fw1", model.PrefixRule{Prefix: pfx("0.0.0.0/0")}),
			Export: policy("UNDERLAY-EXPORT-fw1", export...)},
		&model.Session{Local: d, Group: k8s, Families: []model.Family{model.IPv4},
			Import: policy("UNDERLAY-IMPORT-k8s-rack1", model.PrefixRule{Prefix: pfx("10.244.0.0/16"), Ge: 26, Le: 26}),
			Export: policy("UNDERLAY-EXPORT-k8s-rack1", export...)},
		&model.Session{Local: d, Port: "swp22", External: rtr, PeerASN: rtr.ASN, Unnumbered: true, Families: []model.Family{model.IPv4},
			Import: policy("UNDERLAY-IMPORT-rtr2", model.PrefixRule{Prefix: pfx("10.50.0.0/16"), Le: 24}),
			Export: policy("UNDERLAY-EXPORT-rtr2", export...)})
	sort.Slice(d.Policies, func(i, j int) bool { return d.Policies[i].Name < d.Policies[j].Name })
	resolve.Derive(f) // lists swp22, the port only the unnumbered external uses
	if i := d.Interface("swp22"); i == nil || !i.Unnumbered {
		t.Fatal("resolve.Derive does not list swp22, the unnumbered external's port")
	}
	return f, d
}

// TestExternalsAndGroups: an external neighbour is a neighbor keyed by
// its address or interface, a group is a peer group with its listen range
// under dynamic-neighbor, its limit and its maximum prefixes, and the
// policies' ge/le are min-prefix-len/max-prefix-len.
func TestExternalsAndGroups(t *testing.T) {
	f, d := withExternals(t)
	doc, err := Document(f, d)
	if err != nil {
		t.Fatal(err)
	}
	if err := nvuedoc.Validate(doc); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"            dynamic-neighbor:\n              limit: 50\n              listen-range:\n                10.1.0.0/24:\n                  peer-group: k8s-rack1\n",
		"              192.168.10.2:\n",
		"                description: fw1\n                remote-as: 65500\n",
		"                  10.244.0.0/16:\n                    max-prefix-len: 26\n                    min-prefix-len: 26\n",
		"                  10.50.0.0/16:\n                    max-prefix-len: 24\n",
		"                    prefix-limits:\n                      inbound:\n                        maximum: 50\n",
		"              k8s-rack1:\n",
		"                remote-as: external\n",
		"                description: rtr2\n                remote-as: 65501\n                timers:\n                  hold: 9\n                  keepalive: 3\n                type: unnumbered\n",
	} {
		if !strings.Contains(string(doc), want) {
			t.Errorf("no\n%s\nin\n%s", want, doc)
		}
	}
}

// TestGroupRefusals: what NVUE would accept and then run otherwise than
// the intent says.
func TestGroupRefusals(t *testing.T) {
	group := func(d *model.Device) *model.Group {
		ss := d.Default().Sessions
		for _, s := range ss {
			if s.Group != nil {
				return s.Group
			}
		}
		return nil
	}
	for name, tt := range map[string]struct {
		edit func(d *model.Device)
		want string
	}{
		"group without listen range": {func(d *model.Device) { group(d).Listen = nil }, "group k8s-rack1 has no listen range"},
		"limit beyond NVUE's":        {func(d *model.Device) { group(d).ListenLimit = 5001 }, "listen limit 5001 is above NVUE's 5000"},
		"a limit shared by two groups": {func(d *model.Device) {
			in := d.Default()
			g := &model.Group{Name: "k8s-rack2", Listen: []netip.Prefix{pfx("10.1.0.128/25")}}
			in.Sessions = append(in.Sessions, &model.Session{Local: d, Group: g, Families: []model.Family{model.IPv4}})
		}, "group k8s-rack1 sets a listen limit, but the dynamic neighbours of all groups [k8s-rack1 k8s-rack2] are limited together"},
	} {
		t.Run(name, func(t *testing.T) {
			f, d := withExternals(t)
			tt.edit(d)
			if _, err := Document(f, d); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want …%s…", err, tt.want)
			}
		})
	}
	f, d := withExternals(t)
	group(d).ListenLimit = 100
	doc, err := Document(f, d)
	if err != nil || strings.Contains(string(doc), "limit:") {
		t.Errorf("NVUE's default limit is rendered (%v):\n%s", err, doc)
	}
}
