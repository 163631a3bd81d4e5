package ifupdown2

import (
	"context"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"underlay.dev/underlay/internal/checker"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/model/modeltest"
	"underlay.dev/underlay/internal/testutil/golden"
)

// TestGolden renders every cumulus device of the fixtures and checks each
// file with ifupdown2 in strict mode (skipped under -short: ~0.3 s each).
func TestGolden(t *testing.T) {
	for _, fx := range []struct {
		name   string
		fabric *model.Fabric
	}{{"seedlab", modeltest.SeedLab()}, {"unnumbered", modeltest.Unnumbered()}} {
		for _, d := range fx.fabric.Devices {
			if d.Platform != model.PlatformCumulus {
				continue
			}
			t.Run(fx.name+"/"+d.Name, func(t *testing.T) {
				got, err := Render(fx.fabric, d)
				if err != nil {
					t.Fatal(err)
				}
				golden.Assert(t, "TestGolden/"+fx.name+"-"+d.Name, got)
				if !testing.Short() {
					golden.Checked(t, "ifup -s", checker.Ifupdown2(context.Background(), got))
				}
			})
		}
	}
}

func subnet(prefix, port, gw string) model.Subnet {
	s := model.Subnet{Prefix: netip.MustParsePrefix(prefix), Port: port}
	if gw != "" {
		s.Gateway = netip.MustParsePrefix(gw)
	}
	return s
}

// TestPorts: ports only subnets use join the device's ports in natural
// order; a subnet's gateway goes on its port, and a
// subnet without a port puts nothing here.
func TestPorts(t *testing.T) {
	d := &model.Device{Name: "leaf", Ports: []*model.Port{
		{Name: "swp2", MTU: 9216},
		// Spare capacity: appending a gateway in place would write into the model.
		{Name: "swp10", MTU: 9000, Addrs: append(make([]netip.Prefix, 0, 4), netip.MustParsePrefix("10.0.0.1/31"))},
	}}
	d.Subnets = []model.Subnet{
		subnet("10.1.20.0/24", "swp20", "10.1.20.1/24"),
		subnet("10.1.3.0/24", "swp3", "10.1.3.1/24"),
		subnet("10.1.2.0/24", "swp2", "10.1.2.1/24"),
		subnet("10.9.0.0/16", "", ""),
		subnet("2001:db8:3::/64", "swp3", "2001:db8:3::1/64"),
		subnet("10.1.10.0/24", "swp10", "10.1.10.1/24"),
	}
	want := []port{
		{Name: "swp2", MTU: 9216, Addrs: []netip.Prefix{netip.MustParsePrefix("10.1.2.1/24")}},
		{Name: "swp3", Addrs: []netip.Prefix{netip.MustParsePrefix("10.1.3.1/24"), netip.MustParsePrefix("2001:db8:3::1/64")}},
		{Name: "swp10", MTU: 9000, Addrs: []netip.Prefix{netip.MustParsePrefix("10.0.0.1/31"), netip.MustParsePrefix("10.1.10.1/24")}},
		{Name: "swp20", Addrs: []netip.Prefix{netip.MustParsePrefix("10.1.20.1/24")}},
	}
	got, err := ports(d)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })); diff != "" {
		t.Errorf("ports (-want +got):\n%s", diff)
	}
	if spare := d.Ports[1].Addrs[:2][1]; spare.IsValid() {
		t.Errorf("rendering wrote %s into the model's port addresses", spare)
	}
}

func TestGatewayOutsideSubnet(t *testing.T) {
	d := &model.Device{Name: "leaf", Subnets: []model.Subnet{subnet("10.1.1.0/24", "swp5", "10.1.2.1/24")}}
	_, err := Render(&model.Fabric{Name: "x"}, d)
	if err == nil || !strings.Contains(err.Error(), "gateway 10.1.2.1/24") {
		t.Fatalf("got %v, want an error about the gateway", err)
	}
}
