package nvue

import (
	"fmt"
	"strings"
	"testing"

	"underlay.dev/underlay/internal/checker/nvuedoc"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/model/modeltest"
)

// TestRenderOptions renders each cluster session option on withExternals'
// group (k8s-rack1) and unnumbered neighbour (swp22) and checks the keys
// it sets, by path under vrf default's router bgp, and the document with
// nvuedoc.
func TestRenderOptions(t *testing.T) {
	const pg, nb = "peer-group.k8s-rack1.", "neighbor.swp22."
	tests := []struct {
		name string
		opts model.SessionOptions
		want map[string]string // path under vrf default router bgp → value
	}{
		{"internal", model.SessionOptions{Internal: true}, map[string]string{
			pg + "remote-as": "internal", nb + "remote-as": "internal",
			pg + "address-family.ipv4-unicast.route-reflector-client": "on",
			pg + "address-family.ipv4-unicast.nexthop-setting":        "self",
			nb + "address-family.ipv4-unicast.nexthop-setting":        "self",
			"address-family.ipv4-unicast.multipaths.ibgp":             "64",
		}},
		{"as-override", model.SessionOptions{ASOverride: true}, map[string]string{
			pg + "address-family.ipv4-unicast.aspath.replace-peer-as": "on", nb + "address-family.ipv4-unicast.aspath.replace-peer-as": "on"}},
		{"default-originate", model.SessionOptions{DefaultOriginate: true}, map[string]string{
			pg + "address-family.ipv4-unicast.default-route-origination.enable": "on"}},
		{"bfd", model.SessionOptions{BFD: true}, map[string]string{pg + "bfd.enable": "on", nb + "bfd.enable": "on"}},
		{"graceful-restart", model.SessionOptions{GracefulRestart: true}, map[string]string{
			pg + "graceful-restart.mode": "helper-only", nb + "graceful-restart.mode": "helper-only"}},
		{"timers", model.SessionOptions{Keepalive: 10, Hold: 30}, map[string]string{
			pg + "timers.keepalive": "10", pg + "timers.hold": "30", nb + "timers.hold": "30"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, d := withExternals(t)
			modeltest.WithOptions(d, tt.opts)
			doc, err := Document(f, d)
			if err != nil {
				t.Fatal(err)
			}
			if err := nvuedoc.Validate(doc); err != nil {
				t.Fatal(err)
			}
			items, err := nvuedoc.Parse(doc)
			if err != nil {
				t.Fatal(err)
			}
			bgp := items[0]["set"]
			for _, k := range []string{"vrf", "default", "router", "bgp"} {
				bgp = bgp.(map[string]any)[k]
			}
			for path, want := range tt.want {
				if got := lookup(bgp, path); got != want {
					t.Errorf("%s is %q, want %q", path, got, want)
				}
			}
			if _, ibgp := tt.want["address-family.ipv4-unicast.multipaths.ibgp"]; !ibgp && strings.Contains(string(doc), "ibgp:") {
				t.Errorf("multipaths ibgp without internal members:\n%s", doc)
			}
		})
	}
}

// lookup is the value at a dotted path (keys hold no dots here), printed;
// "" when absent.
func lookup(v any, path string) string {
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		if v, ok = m[k]; !ok {
			return ""
		}
	}
	return fmt.Sprint(v)
}

// TestOptionRefusals: options NVUE would run otherwise than they say.
func TestOptionRefusals(t *testing.T) {
	for name, tt := range map[string]struct {
		opts model.SessionOptions
		want string
	}{
		"internal and as-override": {model.SessionOptions{Internal: true, ASOverride: true}, "is internal (iBGP) and as-override"},
		"hold below NVUE's":        {model.SessionOptions{Keepalive: 1, Hold: 2}, "keepalive 1 and hold 2: want both 0"},
		"keepalive alone":          {model.SessionOptions{Keepalive: 10}, "keepalive 10 and hold 0"},
	} {
		t.Run(name, func(t *testing.T) {
			f, d := withExternals(t)
			modeltest.WithOptions(d, tt.opts)
			if _, err := Document(f, d); err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), d.Name) {
				t.Errorf("got %v, want …%s… naming %s", err, tt.want, d.Name)
			}
		})
	}
	f, d := withExternals(t)
	modeltest.WithOptions(d, model.SessionOptions{Internal: true})
	d.Default().Sessions[len(d.Default().Sessions)-1].External.ASN = 65009
	d.Default().Sessions[len(d.Default().Sessions)-1].PeerASN = 65009
	if _, err := Document(f, d); err == nil || !strings.Contains(err.Error(), "neighbor swp22 is internal (iBGP) but its ASN 65009 is not the instance's 65002") {
		t.Errorf("an internal neighbour of another AS: got %v", err)
	}
}
