package frr

import (
	"context"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"underlay.dev/underlay/internal/checker"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/model/modeltest"
	"underlay.dev/underlay/internal/resolve"
	"underlay.dev/underlay/internal/testutil/golden"
)

var fixtures = []struct {
	name   string
	fabric func() *model.Fabric
}{
	{"seedlab", modeltest.SeedLab},
	{"unnumbered", modeltest.Unnumbered},
}

// TestGolden renders every device of the fixtures (FRR owns addresses on
// linux-frr hosts only, as the platform renderers ask) and checks each
// file with the real vtysh.
func TestGolden(t *testing.T) {
	for _, fx := range fixtures {
		f := fx.fabric()
		for _, d := range f.Devices {
			t.Run(fx.name+"/"+d.Name, func(t *testing.T) {
				got, err := Render(f, d, Options{OwnAddresses: d.Platform == model.PlatformLinuxFRR})
				if err != nil {
					t.Fatal(err)
				}
				golden.Assert(t, "TestGolden/"+fx.name+"-"+d.Name+".conf", got)
				golden.Checked(t, "vtysh -C", checker.FRR(context.Background(), got))
			})
		}
	}
}

// TestSeedLeaf1MatchesReference: the original demo's leaf1 frr.conf
// (reference/seed-lab/dc1/leaf1) peers with 10.0.0.0 as "remote-as
// external" and announces 192.0.2.1/32 with multipath-relax; ours says the
// same with the peer's ASN pinned and the family activated explicitly.
func TestSeedLeaf1MatchesReference(t *testing.T) {
	f := modeltest.SeedLab()
	got, err := Render(f, f.Devices[0], Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"hostname leaf1", "router bgp 65001", " bgp router-id 192.0.2.1",
		" bgp bestpath as-path multipath-relax", " neighbor 10.0.0.0 remote-as 65100",
		" address-family ipv4 unicast", "  network 192.0.2.1/32", "  neighbor 10.0.0.0 activate"} {
		if !strings.Contains(string(got), "\n"+want+"\n") {
			t.Errorf("missing line %q", want)
		}
	}
	if strings.Contains(string(got), "\ninterface ") {
		t.Error("ifupdown2 owns the addresses on cumulus, but frr.conf sets some")
	}
}

// TestOwnAddresses: with OwnAddresses FRR sets the loopbacks, numbered
// port addresses and subnet gateways; unnumbered ports get no stanza.
func TestOwnAddresses(t *testing.T) {
	leaf1 := func(f *model.Fabric) *model.Device { return f.Devices[1] }
	tests := []struct {
		name   string
		fabric *model.Fabric
		device func(*model.Fabric) *model.Device
		opt    Options
		want   []iface
	}{
		{"numbered", modeltest.SeedLab(), func(f *model.Fabric) *model.Device { return f.Devices[0] }, Options{OwnAddresses: true},
			[]iface{{"lo", pfx("192.0.2.1/32")}, {"swp1", pfx("10.0.0.1/31")}}},
		{"unnumbered with a subnet port", modeltest.Unnumbered(), leaf1, Options{OwnAddresses: true},
			[]iface{{"lo", pfx("10.255.0.11/32", "fd00:255::11/128")}, {"swp10", pfx("10.1.1.1/24")}}},
		{"someone else owns them", modeltest.Unnumbered(), leaf1, Options{}, nil},
		{"subnet ports join in natural order", hostWithSubnets(), func(f *model.Fabric) *model.Device { return f.Devices[0] },
			Options{OwnAddresses: true}, []iface{
				{"lo", pfx("192.0.2.9/32")}, {"eth3", pfx("10.3.0.1/24")},
				{"eth20", pfx("10.0.0.1/31", "10.20.0.1/24")}, {"eth30", pfx("10.30.0.1/24")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := newView(tt.fabric, tt.device(tt.fabric), tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, v.Interfaces, cmp.Comparer(func(a, b prefix) bool { return a == b })); diff != "" {
				t.Errorf("interfaces (-want +got):\n%s", diff)
			}
		})
	}
}

// hostWithSubnets is a host whose subnets sit on a link's port, on ports
// no link uses, and on none; resolve.Derive makes its interfaces.
func hostWithSubnets() *model.Fabric {
	d := &model.Device{Name: "h", ASN: 65000, RouterID: netip.MustParseAddr("192.0.2.9"),
		BGP: model.BGP{MaximumPaths: 1}, Loopbacks: []netip.Prefix{netip.MustParsePrefix("192.0.2.9/32")}}
	d.Ports = []*model.Port{{Name: "eth1", Unnumbered: true}, {Name: "eth20", Addrs: []netip.Prefix{netip.MustParsePrefix("10.0.0.1/31")}}}
	for _, s := range []struct{ prefix, port, gw string }{
		{"10.30.0.0/24", "eth30", "10.30.0.1/24"}, {"10.3.0.0/24", "eth3", "10.3.0.1/24"},
		{"10.20.0.0/24", "eth20", "10.20.0.1/24"}, {"10.9.0.0/16", "", ""},
	} {
		sub := model.Subnet{Prefix: netip.MustParsePrefix(s.prefix), Port: s.port}
		if s.gw != "" {
			sub.Gateway = netip.MustParsePrefix(s.gw)
		}
		d.Subnets = append(d.Subnets, sub)
	}
	f := &model.Fabric{Devices: []*model.Device{d}}
	resolve.Derive(f)
	return f
}

func pfx(ss ...string) []prefix {
	var out []prefix
	for _, s := range ss {
		out = append(out, prefix{netip.MustParsePrefix(s)})
	}
	return out
}
