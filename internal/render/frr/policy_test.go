package frr

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/model/modeltest"
)

func rule(p string, maxLen int) model.PrefixRule {
	return model.PrefixRule{Prefix: netip.MustParsePrefix(p), Le: maxLen}
}

// TestPolicies: each family has its own prefix list numbered from 10, and
// the route-map matches only the families that have rules.
func TestPolicies(t *testing.T) {
	tests := []struct {
		name      string
		rules     []model.PrefixRule
		wantLists []prefixList
		wantMap   routeMap
		wantErr   string
	}{
		{
			name:  "dual stack",
			rules: []model.PrefixRule{rule("10.0.0.0/24", 32), rule("10.1.0.0/24", 0), rule("fd00::/64", 128)},
			wantLists: []prefixList{
				{IP: "ip", Name: "P", Entries: []prefixEntry{{10, netip.MustParsePrefix("10.0.0.0/24"), 0, 32}, {20, netip.MustParsePrefix("10.1.0.0/24"), 0, 0}}},
				{IP: "ipv6", Name: "P", Entries: []prefixEntry{{10, netip.MustParsePrefix("fd00::/64"), 0, 128}}},
			},
			wantMap: routeMap{Name: "P", Entries: []routeMapEntry{
				{"permit", 10, "ip address prefix-list P"}, {"permit", 20, "ipv6 address prefix-list P"}}},
		},
		{
			name:      "IPv6 only",
			rules:     []model.PrefixRule{rule("fd00::1/128", 0)},
			wantLists: []prefixList{{IP: "ipv6", Name: "P", Entries: []prefixEntry{{10, netip.MustParsePrefix("fd00::1/128"), 0, 0}}}},
			wantMap:   routeMap{Name: "P", Entries: []routeMapEntry{{"permit", 20, "ipv6 address prefix-list P"}}},
		},
		{
			name:      "ge and le",
			rules:     []model.PrefixRule{{Prefix: netip.MustParsePrefix("10.244.0.0/16"), Ge: 26, Le: 26}, {Prefix: netip.MustParsePrefix("10.96.0.0/12"), Ge: 32}},
			wantLists: []prefixList{{IP: "ip", Name: "P", Entries: []prefixEntry{{10, netip.MustParsePrefix("10.244.0.0/16"), 26, 26}, {20, netip.MustParsePrefix("10.96.0.0/12"), 32, 0}}}},
			wantMap:   routeMap{Name: "P", Entries: []routeMapEntry{{"permit", 10, "ip address prefix-list P"}}},
		},
		{
			name:    "no rules denies all",
			wantMap: routeMap{Name: "P", Entries: []routeMapEntry{{Action: "deny", Seq: 10}}},
		},
		{
			name:      "max length equal to the length is exact",
			rules:     []model.PrefixRule{rule("10.0.0.0/24", 24)},
			wantLists: []prefixList{{IP: "ip", Name: "P", Entries: []prefixEntry{{10, netip.MustParsePrefix("10.0.0.0/24"), 0, 0}}}},
			wantMap:   routeMap{Name: "P", Entries: []routeMapEntry{{"permit", 10, "ip address prefix-list P"}}},
		},
		{
			// FRR's: /24 to /32, and exactly /24; "le 24" is not dropped
			// here, or the second would read as the first.
			name:      "ge at the prefix's own length",
			rules:     []model.PrefixRule{{Prefix: netip.MustParsePrefix("10.0.0.0/24"), Ge: 24}, {Prefix: netip.MustParsePrefix("10.1.0.0/24"), Ge: 24, Le: 24}},
			wantLists: []prefixList{{IP: "ip", Name: "P", Entries: []prefixEntry{{10, netip.MustParsePrefix("10.0.0.0/24"), 24, 0}, {20, netip.MustParsePrefix("10.1.0.0/24"), 24, 24}}}},
			wantMap:   routeMap{Name: "P", Entries: []routeMapEntry{{"permit", 10, "ip address prefix-list P"}}},
		},
		{name: "max length below the length", rules: []model.PrefixRule{rule("10.0.0.0/24", 16)}, wantErr: "outside 24-32"},
		{name: "ge below the length", rules: []model.PrefixRule{{Prefix: netip.MustParsePrefix("10.0.0.0/24"), Ge: 23, Le: 32}}, wantErr: "ge 23 le 32 are outside 24-32"},
		{name: "ge beyond the family", rules: []model.PrefixRule{{Prefix: netip.MustParsePrefix("fd00::/64"), Ge: 129}}, wantErr: "outside 64-128"},
		{name: "ge above le", rules: []model.PrefixRule{{Prefix: netip.MustParsePrefix("10.0.0.0/24"), Ge: 26, Le: 25}}, wantErr: "ge 26 is above le 25"},
		{name: "max length beyond the family", rules: []model.PrefixRule{rule("10.0.0.0/24", 33)}, wantErr: "outside 24-32"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lists, err := prefixLists(&model.Policy{Name: "P", Rules: tt.rules})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got error %v, want one with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantLists, lists, cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })); diff != "" {
				t.Errorf("prefix lists (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantMap, newRouteMap("P", lists)); diff != "" {
				t.Errorf("route-map (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRenderErrors: what vtysh would accept but FRR would run wrongly, or
// what cannot be rendered at all, fails with the device named.
func TestRenderErrors(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(d *model.Device)
		wantErr string
	}{
		{"no ASN", func(d *model.Device) { d.Default().ASN = 0 }, "ASN"},
		{"no router ID", func(d *model.Device) { d.Default().RouterID = netip.Addr{} }, "router ID"},
		{"no instance", func(d *model.Device) { d.Instances = nil }, "no routing instance"},
		{"maximum-paths 0", func(d *model.Device) { d.BGP.MaximumPaths = 0 }, "maximum-paths 0"},
		{"policy not rendered", func(d *model.Device) { d.Sessions()[0].Export = &model.Policy{Name: "ELSEWHERE"} },
			"uses policy ELSEWHERE"},
		{"bad rule", func(d *model.Device) { d.Policies[0].Rules[0].Le = 8 }, "ge 0 le 8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := modeltest.SeedLab()
			d := f.Devices[0]
			tt.mutate(d)
			_, err := Render(f, d, Options{})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "leaf1") {
				t.Fatalf("got error %v, want one naming leaf1 with %q", err, tt.wantErr)
			}
		})
	}
}
