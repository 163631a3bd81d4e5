package frr

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/model/modeltest"
	"underlay.dev/underlay/internal/render/frr/frrtest"
	"underlay.dev/underlay/internal/testutil/frrlab"
)

// TestOptionsAppliedByFRR loads a cluster's session settings into a
// running bgpd, as the agent applies them (frr-reload.py --reload), on
// frrtest.Peers' group and neighbours: the per-rack AS model's (iBGP
// members as route reflector clients with next-hop-self, BFD, graceful
// restart (no line: FRR's default helper mode), timers) and the per-cluster one's (as-override, a
// default route). bgpd must take every line (it refuses a route reflector
// client that is not iBGP, which vtysh -C does not check), show it as
// written, and a second frr-reload.py --test must find nothing to change.
func TestOptionsAppliedByFRR(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a real FRR router")
	}
	cases := []struct {
		router string
		opts   model.SessionOptions
		want   []string
	}{
		{"internal", model.SessionOptions{Internal: true, BFD: true, GracefulRestart: true, Keepalive: 10, Hold: 30}, []string{
			" neighbor k8s-rack1 remote-as internal", " neighbor k8s-rack1 bfd",
			" neighbor k8s-rack1 timers 10 30", " neighbor swp22 interface remote-as internal",
			"  neighbor k8s-rack1 route-reflector-client", "  neighbor k8s-rack1 next-hop-self", "  maximum-paths ibgp 64",
			"  neighbor swp22 route-reflector-client", "  neighbor 192.168.10.2 next-hop-self"}},
		{"cluster", model.SessionOptions{ASOverride: true, DefaultOriginate: true}, []string{
			"  neighbor k8s-rack1 as-override", "  neighbor k8s-rack1 default-originate", "  neighbor swp22 as-override",
			"  neighbor 192.168.10.2 default-originate"}},
	}
	lab := frrlab.New(t)
	for _, c := range cases {
		lab.AddRouter(c.router)
	}
	for _, c := range cases {
		t.Run(c.router, func(t *testing.T) {
			f, leaf1 := frrtest.Peers()
			modeltest.WithOptions(leaf1, c.opts)
			leaf1.Name = c.router // the hostname, which the namespace sets
			conf, err := Render(f, leaf1, Options{OwnAddresses: true})
			if err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(t.TempDir(), "frr.conf")
			if err := os.WriteFile(file, conf, 0o644); err != nil {
				t.Fatal(err)
			}
			ps := lab.Pathspace(c.router)
			if out, err := reload(t, "--reload", ps, file); err != nil || strings.Contains(out, "Error") {
				t.Fatalf("frr-reload.py --reload: %v\n%s", err, out)
			}
			out, err := reload(t, "--test", ps, file)
			if err != nil {
				t.Fatalf("frr-reload.py --test: %v\n%s", err, out)
			}
			running, err := lab.Vtysh(c.router, "show running-config")
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range c.want {
				if !slices.Contains(strings.Split(running, "\n"), want) {
					t.Errorf("the running config has no line %q after the reload:\n%s", want, running)
				}
			}
			if changes := unexpectedChanges(out); len(changes) > 0 {
				t.Errorf("FRR runs the file otherwise than written; frr-reload.py --test would change:\n%s", strings.Join(changes, "\n"))
			}
		})
	}
}
