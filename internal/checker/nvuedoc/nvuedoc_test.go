package nvuedoc

import (
	"os"
	"strings"
	"testing"
)

// leaf is a rendered NVUE document (the nvue renderer's seedlab leaf2
// golden); every edit below breaks one rule of it.
func leaf(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("testdata/leaf.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestValidateAccepts(t *testing.T) {
	if err := Validate([]byte(leaf(t))); err != nil {
		t.Error(err)
	}
}

func TestValidateRejects(t *testing.T) {
	doc := leaf(t)
	tests := map[string]struct{ from, to, want string }{
		"bad address":          {"10.0.0.3/31: {}", "10.0.0.300/31: {}", `interface.swp1.ip.address: "10.0.0.300/31"`},
		"bad port name":        {"swp1:\n        ip", "eth1:\n        ip", `"eth1" is not a swp port name`},
		"missing route map":    {"route-map: UNDERLAY-EXPORT-UPLINK\n", "route-map: NOPE\n", "route map NOPE does not exist"},
		"asn out of range":     {"autonomous-system: 65002", "autonomous-system: 4294967296", "autonomous-system: want an AS number 1-4294967295"},
		"AS_TRANS":             {"autonomous-system: 65002", "autonomous-system: 23456", "autonomous-system: AS 23456 is reserved"},
		"reserved remote-as":   {"remote-as: 65100", "remote-as: 65535", "remote-as: AS 65535 is reserved"},
		"unknown item":         {"- set:", "- sett:", "unknown item"},
		"unnumbered not iface": {"type: numbered", "type: unnumbered", "an unnumbered neighbor is an interface"},
		"key twice":            {"        type: loopback\n", "        type: loopback\n        type: loopback\n", "not a list of header/set items"},
		"not a list":           {"- set:\n", "set:\n", "not a list of header/set items"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			bad := strings.Replace(doc, tt.from, tt.to, 1)
			if bad == doc {
				t.Fatalf("edit %q did not apply", tt.from)
			}
			err := Validate([]byte(bad))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want …%s…", err, tt.want)
			}
		})
	}
}

// TestValidateRejectsGroups: a listen range naming no peer group, a peer
// group's route map that does not exist, a remote-as that is neither a
// number nor external (testdata/externals.yaml is the nvue renderer's
// externals-leaf2 golden: a leaf with external neighbours and a group).
func TestValidateRejectsGroups(t *testing.T) {
	b, err := os.ReadFile("testdata/externals.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	if err := Validate(b); err != nil {
		t.Fatal(err)
	}
	for from, want := range map[string]string{
		"peer-group: k8s-rack1":                  "peer group k8s-rack2 does not exist",
		"route-map: UNDERLAY-IMPORT-k8s-rack1\n": "route map NOPE does not exist",
		"remote-as: external":                    "remote-as: want an AS number",
	} {
		to := map[string]string{"peer-group: k8s-rack1": "peer-group: k8s-rack2",
			"route-map: UNDERLAY-IMPORT-k8s-rack1\n": "route-map: NOPE\n", "remote-as: external": "remote-as: outside"}[from]
		bad := strings.Replace(doc, from, to, 1)
		if bad == doc {
			t.Fatalf("edit %q did not apply", from)
		}
		if err := Validate([]byte(bad)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s → %s: got %v, want …%s…", from, to, err, want)
		}
	}
}

// TestValidateSessionSettings: a cluster's session settings hold NVUE's
// values, and a route reflector client is an iBGP neighbor (the nvue
// renderer's options-internal golden: iBGP members with BFD, graceful
// restart and timers of their own).
func TestValidateSessionSettings(t *testing.T) {
	b, err := os.ReadFile("../../render/nvue/testdata/TestGolden/options-internal-leaf2.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	if err := Validate(b); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ from, to, want string }{
		{"mode: helper-only", "mode: always", "graceful-restart.mode: want one of [auto off helper-only full], got always"},
		{"bfd:\n                  enable: \"on\"", "bfd:\n                  enable: \"yes\"", "bfd.enable: want one of [on off], got yes"},
		{"nexthop-setting: self", "nexthop-setting: peer", "nexthop-setting: want one of [auto self force], got peer"},
		{"ibgp: 64", "ibgp: 200", "multipaths.ibgp: want 1-128, got 200"},
		{"hold: 30", "hold: 2", "timers.hold: want 3-65535, got 2"},
		{"remote-as: internal", "remote-as: 65500", "route-reflector-client: a route reflector client is an iBGP neighbor"},
	} {
		bad := strings.Replace(doc, tt.from, tt.to, 1)
		if bad == doc {
			t.Fatalf("edit %q did not apply", tt.from)
		}
		if err := Validate([]byte(bad)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s → %s: got %v, want …%s…", tt.from, tt.to, err, tt.want)
		}
	}
}
