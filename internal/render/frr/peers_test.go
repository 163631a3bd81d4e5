package frr

import (
	"context"
	"net/netip"
	"strings"
	"testing"

	"underlay.dev/underlay/internal/checker"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/render/frr/frrtest"
	"underlay.dev/underlay/internal/testutil/golden"
)

// TestGoldenPeers renders leaf1 with external neighbours, a group and a
// second instance (frrtest.Peers) and checks the file with the real vtysh.
func TestGoldenPeers(t *testing.T) {
	f, leaf1 := frrtest.Peers()
	got, err := Render(f, leaf1, Options{})
	if err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, "TestGoldenPeers/leaf1.conf", got)
	golden.Checked(t, "vtysh -C", checker.FRR(context.Background(), got))
}

// TestRenderPeerErrors: a group or external neighbour FRR would take and
// then run as something else fails, naming the device and the instance.
func TestRenderPeerErrors(t *testing.T) {
	group := func(d *model.Device) *model.Group { return d.Default().Sessions[len(d.Default().Sessions)-1].Group }
	tests := []struct {
		name    string
		mutate  func(d *model.Device)
		wantErr string
	}{
		{"group without listen range", func(d *model.Device) { group(d).Listen = nil }, "instance default: group k8s-rack1 has no listen range"},
		{"limit over two groups", func(d *model.Device) {
			d.Default().Sessions = append(d.Default().Sessions, &model.Session{Local: d, Group: &model.Group{Name: "k8s-rack2",
				Listen: []netip.Prefix{netip.MustParsePrefix("10.1.0.128/25")}}, Families: []model.Family{model.IPv4}})
		}, "group k8s-rack1 sets a listen limit, but the dynamic neighbours of all groups [k8s-rack1 k8s-rack2] are limited together"},
		{"negative maximum", func(d *model.Device) { group(d).MaxPrefixes = -1 }, "group k8s-rack1: listen limit 200, maximum prefixes -1: want 0 (none) or more"},
		{"limit beyond FRR's", func(d *model.Device) { group(d).ListenLimit = 65536 }, "listen limit 65536 is above FRR's 65535"},
		{"external without ASN", func(d *model.Device) { d.Instances[1].Sessions[0].PeerASN = 0 }, "instance blue: neighbor 10.9.0.2 (lb1) has no ASN"},
		{"second instance without router ID", func(d *model.Device) { d.Instances[1].RouterID = netip.Addr{} }, "instance blue: a BGP instance needs an ASN and an IPv4 router ID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, leaf1 := frrtest.Peers()
			tt.mutate(leaf1)
			_, err := Render(f, leaf1, Options{})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "leaf1") {
				t.Fatalf("got error %v, want one naming leaf1 with %q", err, tt.wantErr)
			}
		})
	}
}

// TestListenLimitDefault: FRR's own default is not written, since the
// running config never shows it and frr-reload.py would see a change on
// every run.
func TestListenLimitDefault(t *testing.T) {
	f, leaf1 := frrtest.Peers()
	leaf1.Default().Sessions[len(leaf1.Default().Sessions)-1].Group.ListenLimit = listenLimitDefault
	got, err := Render(f, leaf1, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(got), "bgp listen limit") {
		t.Error("frr.conf sets FRR's default listen limit")
	}
}
