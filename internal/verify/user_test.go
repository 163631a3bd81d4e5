package verify

import (
	"net/netip"
	"strings"
	"testing"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/model/modeltest"
)

// TestUserChecksByLongestPrefix: spec.checks are proven the way routers
// forward, by longest-prefix match, in both directions: an address inside
// a reachable subnet is reachable, and isolation fails on any route that
// shares an address with the target.
func TestUserChecksByLongestPrefix(t *testing.T) {
	pfx := netip.MustParsePrefix
	tests := []struct {
		name  string
		from  []string
		to    string
		reach bool
		min   int
		want  string // "" = pass; else a substring of a finding
	}{
		{"address inside a reachable subnet", []string{"host1", "leaf2"}, "10.1.1.5/32", true, 1, ""},
		{"address inside, over both spines", []string{"leaf2"}, "10.1.1.5/32", true, 2, ""},
		{"address inside, too few paths", []string{"leaf2"}, "10.1.1.5/32", true, 3, "leaf2: 2 ECMP path(s), want at least 3"},
		{"address outside every prefix", []string{"leaf2"}, "10.1.3.5/32", true, 1, "no device originates this prefix"},
		{"prefix covering only parts", []string{"leaf2"}, "10.1.0.0/16", true, 1,
			"no device originates a prefix covering all of it; only parts are: 10.1.1.0/24, 10.1.2.0/24"},
		{"isolated address inside a reachable subnet", []string{"leaf2"}, "10.1.1.5/32", false, 1,
			"leaf2: reachable, but the check expects it isolated: 10.1.1.0/24 is a route here (from leaf1, it covers 10.1.1.5/32)"},
		{"isolated covering prefix", []string{"leaf2"}, "10.1.0.0/16", false, 1,
			"leaf2: reachable, but the check expects it isolated: 10.1.1.0/24 is a route here (from leaf1, it is inside 10.1.0.0/16)"},
		{"isolated from its own origin", []string{"leaf2"}, "10.1.2.0/24", false, 1, "leaf2: reachable, but the check expects it isolated: this device originates 10.1.2.0/24"},
		{"isolated, truly", []string{"leaf2"}, "10.9.0.0/16", false, 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := modeltest.Unnumbered()
			chk := model.Check{Name: "c", To: []netip.Prefix{pfx(tt.to)}, Reach: tt.reach, MinPaths: tt.min}
			for _, d := range f.Devices {
				for _, n := range tt.from {
					if d.Name == n {
						chk.From = append(chk.From, d)
					}
				}
			}
			f.Checks = []model.Check{chk}
			c := check(t, Verify(f, Options{}), "check:c")
			var got []string
			for _, fd := range c.Findings {
				got = append(got, strings.Join(fd.Devices, ",")+": "+fd.Detail)
			}
			all := strings.Join(got, "\n")
			switch {
			case tt.want == "" && !c.Pass:
				t.Errorf("fails:\n%s", all)
			case tt.want != "" && (c.Pass || !strings.Contains(all, tt.want)):
				t.Errorf("pass=%v, findings:\n%s\nwant …%s…", c.Pass, all, tt.want)
			}
		})
	}
}
