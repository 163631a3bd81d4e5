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
