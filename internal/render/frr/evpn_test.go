package frr

import (
	"context"
	"net/netip"
	"strings"
	"testing"

	"underlay.dev/underlay/internal/checker"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/testutil/fabrics"
	"underlay.dev/underlay/internal/testutil/golden"
)

// baremetal is examples/baremetal, issue #11's example, with server
// networks in vrf default and two tenant VRFs carried as EVPN type-5
// routes.
func baremetal(t *testing.T) *model.Fabric {
	t.Helper()
	return fabrics.Example(t, "baremetal")
}

// TestGoldenBaremetal renders every device of the bare-metal fabric whose
// platform runs underlay's frr.conf (Cumulus, SONiC in split mode; the
// NVUE leaf renders BGP in its own YAML) and checks each with the real
// vtysh: leaves with VRFs, L3VNIs and advertise-all-vni, spines that only
// pass EVPN routes on.
func TestGoldenBaremetal(t *testing.T) {
	f := baremetal(t)
	for _, d := range f.Devices {
		if d.Platform == model.PlatformNVUE {
			continue
		}
		t.Run(d.Name, func(t *testing.T) {
			got, err := Render(f, d, Options{})
			if err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, "TestGoldenBaremetal/"+d.Name+".conf", got)
			golden.Checked(t, "vtysh -C", checker.FRR(context.Background(), got))
		})
	}
}

// TestEVPNVariants: a VRF that originates IPv6 runs and advertises both
// families; an anchor of a VRF is a blackhole route in the VRF's table,
// not the default one; SONiC's VRF names come from Options.VRFName; a
// spine activates EVPN and advertises no VNI. Each file passes vtysh.
func TestEVPNVariants(t *testing.T) {
	tests := []struct {
		name   string
		device string
		mutate func(d *model.Device)
		opt    Options
		want   []string
		absent []string
	}{
		{"ipv6 in a vrf", "leaf1", func(d *model.Device) {
			d.Instance("tenant-a").Originated = append(d.Instance("tenant-a").Originated, netip.MustParsePrefix("fd00:100::/64"))
		}, Options{}, []string{"router bgp 4200000001 vrf tenant-a\n", " address-family ipv6 unicast\n  network fd00:100::/64\n  maximum-paths 64\n",
			"  advertise ipv4 unicast\n  advertise ipv6 unicast\n exit-address-family\n"}, nil},
		{"vrf anchor", "leaf1", func(d *model.Device) {
			d.Instance("tenant-b").Anchors = []netip.Prefix{netip.MustParsePrefix("10.101.128.0/17")}
		}, Options{}, []string{"vrf tenant-b\n vni 10001\n ip route 10.101.128.0/17 blackhole\nexit-vrf\n"}, []string{"\nip route "}},
		{"sonic vrf names", "leaf4", nil, Options{},
			[]string{"vrf Vrf-tenant-a\n vni 10000\nexit-vrf\n", "router bgp 4200000004 vrf Vrf-tenant-b\n"}, []string{" tenant-a"}},
		{"spine", "spine1", nil, Options{}, []string{" address-family l2vpn evpn\n  neighbor swp1 activate\n  neighbor swp2 activate\n" +
			"  neighbor swp3 activate\n  neighbor swp4 activate\n exit-address-family\n"}, []string{"advertise", "\nvrf ", " vrf "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := baremetal(t)
			d := device(t, f, tt.device)
			if tt.mutate != nil {
				tt.mutate(d)
			}
			got, err := Render(f, d, tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(got), w) {
					t.Errorf("missing %q in\n%s", w, got)
				}
			}
			for _, a := range tt.absent {
				if strings.Contains(string(got), a) {
					t.Errorf("unexpected %q in\n%s", a, got)
				}
			}
			golden.Checked(t, "vtysh -C", checker.FRR(context.Background(), got))
		})
	}
}

func device(t *testing.T, f *model.Fabric, name string) *model.Device {
	t.Helper()
	return fabrics.Device(t, f, name)
}
