package nvuefrr

import (
	"errors"
	"strings"
	"testing"
)

// The NVUE renderer's goldens of a Kubernetes cluster's sessions: the
// per-rack AS model's (iBGP members with BFD, graceful restart and
// timers) and the per-cluster one's (as-override, a default route).
const (
	optionsInternal   = "../../render/nvue/testdata/TestGolden/options-internal-leaf2.yaml"
	optionsPerCluster = "../../render/nvue/testdata/TestGolden/options-per-cluster-leaf2.yaml"
)

// TestSessionOptions: each NVUE key of a cluster's sessions becomes the
// FRR command of the same meaning, and bgpd loads the file.
func TestSessionOptions(t *testing.T) {
	for _, tt := range []struct {
		golden   string
		bgp, af4 []string
	}{
		{optionsInternal, []string{"neighbor k8s-rack1 remote-as internal", "neighbor k8s-rack1 bfd",
			"neighbor k8s-rack1 graceful-restart-helper", "neighbor k8s-rack1 timers 10 30", "neighbor swp22 interface remote-as internal",
			"neighbor 192.168.10.2 bfd"},
			[]string{"maximum-paths ibgp 64", "neighbor k8s-rack1 route-reflector-client", "neighbor k8s-rack1 next-hop-self",
				"neighbor swp22 route-reflector-client", "neighbor swp22 next-hop-self"}},
		{optionsPerCluster, []string{"neighbor k8s-rack1 remote-as external", "neighbor k8s-rack1 graceful-restart-helper"},
			[]string{"neighbor k8s-rack1 as-override", "neighbor k8s-rack1 default-originate", "neighbor swp22 as-override",
				"neighbor 192.168.10.2 default-originate"}},
	} {
		t.Run(tt.golden, func(t *testing.T) {
			res := translate(t, load(t, tt.golden))
			wantLines(t, "router bgp", section(res.FRR, "router bgp 65002", "! end of router bgp"), tt.bgp...)
			wantLines(t, "ipv4 unicast", section(res.FRR, "address-family ipv4 unicast", "exit-address-family"), tt.af4...)
			checkFRR(t, res.FRR)
			checkBGPD(t, res.FRR)
		})
	}
}

// TestRejectsSessionOptions: values NVUE does not have are errors naming
// their path.
func TestRejectsSessionOptions(t *testing.T) {
	group := func(d map[string]any) map[string]any {
		return at(d, "vrf", "default", "router", "bgp", "peer-group", "k8s-rack1")
	}
	tests := map[string]struct {
		edit func(doc map[string]any)
		path string
		kind error
	}{
		"graceful restart mode": {func(d map[string]any) { at(group(d), "graceful-restart")["mode"] = "always" },
			"vrf.default.router.bgp.peer-group.k8s-rack1.graceful-restart.mode", ErrInvalid},
		"nexthop setting": {func(d map[string]any) { at(group(d), "address-family", "ipv4-unicast")["nexthop-setting"] = "peer" },
			"vrf.default.router.bgp.peer-group.k8s-rack1.address-family.ipv4-unicast.nexthop-setting", ErrInvalid},
		"bfd profile": {func(d map[string]any) { at(group(d), "bfd")["profile"] = "x" },
			"vrf.default.router.bgp.peer-group.k8s-rack1.bfd.profile", ErrUnknownKey},
		"ibgp multipaths beyond NVUE's": {func(d map[string]any) {
			at(d, "vrf", "default", "router", "bgp", "address-family", "ipv4-unicast", "multipaths")["ibgp"] = 129.0
		}, "vrf.default.router.bgp.address-family.ipv4-unicast.multipaths.ibgp", ErrInvalid},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			doc := load(t, optionsInternal)
			tt.edit(doc)
			_, err := Translate(doc)
			if !errors.Is(err, tt.kind) || !strings.Contains(err.Error(), tt.path) {
				t.Errorf("got %v, want %v at %s", err, tt.kind, tt.path)
			}
		})
	}
}
