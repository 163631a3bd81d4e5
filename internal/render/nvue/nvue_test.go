package nvue

import (
	"strings"
	"testing"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/model/modeltest"
	"underlay.dev/underlay/internal/testutil/golden"
)

func TestGolden(t *testing.T) {
	externals, _ := withExternals()
	fabrics := map[string]*model.Fabric{"seedlab": modeltest.SeedLab(), "unnumbered": modeltest.Unnumbered(), "externals": externals}
	for name, f := range fabrics {
		for _, d := range f.Devices {
			if d.Platform != model.PlatformNVUE {
				continue
			}
			doc, err := Document(f, d)
			if err != nil {
				t.Fatal(err)
			}
			if err := Validate(doc); err != nil {
				t.Errorf("%s/%s: %v", name, d.Name, err)
			}
			golden.Assert(t, "TestGolden/"+name+"-"+d.Name+".yaml", doc)
		}
	}
}

func TestValidateRejects(t *testing.T) {
	f := modeltest.SeedLab()
	doc, _ := Document(f, f.Devices[1])
	tests := map[string]struct{ from, to, want string }{
		"bad address":          {"10.0.0.3/31: {}", "10.0.0.300/31: {}", `interface.swp1.ip.address: "10.0.0.300/31"`},
		"bad port name":        {"swp1:\n        ip", "eth1:\n        ip", `"eth1" is not a swp port name`},
		"missing route map":    {"route-map: UNDERLAY-EXPORT-UPLINK\n", "route-map: NOPE\n", "route map NOPE does not exist"},
		"asn out of range":     {"autonomous-system: 65002", "autonomous-system: 4294967296", "autonomous-system: want an AS number 1-4294967295"},
		"AS_TRANS":             {"autonomous-system: 65002", "autonomous-system: 23456", "autonomous-system: AS 23456 is reserved"},
		"reserved remote-as":   {"remote-as: 65100", "remote-as: 65535", "remote-as: AS 65535 is reserved"},
		"unknown item":         {"- set:", "- sett:", "unknown item"},
		"unnumbered not iface": {"type: numbered", "type: unnumbered", "an unnumbered neighbor is an interface"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			bad := strings.Replace(string(doc), tt.from, tt.to, 1)
			if bad == string(doc) {
				t.Fatalf("edit %q did not apply", tt.from)
			}
			err := Validate([]byte(bad))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want …%s…", err, tt.want)
			}
		})
	}
}
