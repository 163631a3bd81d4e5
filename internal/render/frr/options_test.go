package frr

import (
	"context"
	"slices"
	"strings"
	"testing"

	"underlay.dev/underlay/internal/checker"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/model/modeltest"
	"underlay.dev/underlay/internal/render/frr/frrtest"
	"underlay.dev/underlay/internal/testutil/golden"
)

// TestRenderOptions renders each cluster session option on frrtest.Peers'
// groups and external neighbours (modeltest.WithOptions) and checks the
// lines it adds, in the node they belong to, with the real vtysh.
func TestRenderOptions(t *testing.T) {
	tests := []struct {
		name string
		opts model.SessionOptions
		want []string // whole lines of frr.conf
	}{
		{"internal", model.SessionOptions{Internal: true}, []string{
			" neighbor k8s-rack1 remote-as internal", " neighbor swp22 interface remote-as internal",
			" neighbor 192.168.10.2 remote-as internal", " neighbor rack2 remote-as internal",
			"  neighbor k8s-rack1 route-reflector-client", "  neighbor k8s-rack1 next-hop-self",
			"  neighbor swp22 route-reflector-client", "  neighbor swp22 next-hop-self", "  maximum-paths ibgp 64"}},
		{"as-override", model.SessionOptions{ASOverride: true}, []string{"  neighbor k8s-rack1 as-override", "  neighbor swp22 as-override"}},
		{"default-originate", model.SessionOptions{DefaultOriginate: true}, []string{"  neighbor k8s-rack1 default-originate"}},
		// Graceful restart is FRR's default helper mode: no line.
		{"graceful-restart", model.SessionOptions{GracefulRestart: true}, nil},
		{"bfd", model.SessionOptions{BFD: true}, []string{" neighbor k8s-rack1 bfd", " neighbor swp22 bfd"}},
		{"timers", model.SessionOptions{Keepalive: 10, Hold: 30}, []string{" neighbor k8s-rack1 timers 10 30", " neighbor swp22 timers 10 30"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, leaf1 := frrtest.Peers()
			modeltest.WithOptions(leaf1, tt.opts)
			got, err := Render(f, leaf1, Options{})
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(string(got), "\n")
			for _, want := range tt.want {
				if !slices.Contains(lines, want) {
					t.Errorf("no line %q in\n%s", want, got)
				}
			}
			if strings.Contains(string(got), "graceful-restart") {
				t.Errorf("a graceful-restart line, which FRR 8.4 fails in a running bgpd:\n%s", got)
			}
			if tt.opts.Internal != strings.Contains(string(got), "maximum-paths ibgp") {
				t.Errorf("maximum-paths ibgp without internal members, or none with them:\n%s", got)
			}
			golden.Checked(t, "vtysh -C", checker.FRR(context.Background(), got))
		})
	}
}

// TestGoldenOptions: the options of the per-rack AS model (internal, with
// BFD, graceful restart and timers) and of the per-cluster one with a
// downward default (as-override, default-originate), each in a golden
// checked by vtysh.
func TestGoldenOptions(t *testing.T) {
	for name, o := range map[string]model.SessionOptions{
		"internal":    {Internal: true, BFD: true, GracefulRestart: true, Keepalive: 10, Hold: 30},
		"per-cluster": {ASOverride: true, DefaultOriginate: true, GracefulRestart: true},
	} {
		f, leaf1 := frrtest.Peers()
		modeltest.WithOptions(leaf1, o)
		got, err := Render(f, leaf1, Options{})
		if err != nil {
			t.Fatal(err)
		}
		golden.Assert(t, "TestGoldenOptions/"+name+".conf", got)
		golden.Checked(t, name+" vtysh -C", checker.FRR(context.Background(), got))
	}
}

// TestRenderOptionErrors: options FRR would run otherwise than they say.
func TestRenderOptionErrors(t *testing.T) {
	tests := []struct {
		name    string
		opts    model.SessionOptions
		mutate  func(d *model.Device)
		wantErr string
	}{
		{"internal of another AS", model.SessionOptions{Internal: true}, func(d *model.Device) {
			d.Default().Sessions[len(d.Default().Sessions)-1].Group.ASN = 65010
		}, "neighbor k8s-rack1 is internal (iBGP) but its ASN 65010 is not the instance's 4200000001"},
		{"internal and as-override", model.SessionOptions{Internal: true, ASOverride: true}, nil,
			"is internal (iBGP) and as-override, which rewrites paths sent over eBGP only"},
		{"keepalive alone", model.SessionOptions{Keepalive: 10}, nil,
			"keepalive 10 and hold 0: want both 0 (the instance's timers), or keepalive 1-65535 and hold 3-65535"},
		{"hold beyond FRR's", model.SessionOptions{Keepalive: 10, Hold: 70000}, nil, "keepalive 10 and hold 70000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, leaf1 := frrtest.Peers()
			modeltest.WithOptions(leaf1, tt.opts)
			if tt.mutate != nil {
				tt.mutate(leaf1)
			}
			_, err := Render(f, leaf1, Options{})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "leaf1") {
				t.Fatalf("got error %v, want one naming leaf1 with %q", err, tt.wantErr)
			}
		})
	}
}
