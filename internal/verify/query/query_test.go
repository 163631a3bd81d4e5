package query

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"

	"underlay.dev/underlay/internal/gen"
	"underlay.dev/underlay/internal/testutil/fabrics"
	"underlay.dev/underlay/internal/verify"
)

func TestParseFailures(t *testing.T) {
	tests := []struct {
		name, in string
		want     Failures
		wantErr  string
	}{
		{name: "none", in: "", want: NoFailures},
		{name: "links", in: "links", want: Links},
		{name: "devices", in: "devices", want: Devices},
		{name: "all", in: "all", want: All},
		{name: "unknown", in: "some", wantErr: `"some": want links, devices or all`},
		{name: "case matters", in: "Links", wantErr: `"Links": want links, devices or all`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseFailures(tt.in)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error %v, want %s", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
			if got.Options().Failures != tt.in {
				t.Errorf("Options().Failures %q, want %q", got.Options().Failures, tt.in)
			}
		})
	}
}

func TestTarget(t *testing.T) {
	tests := []struct {
		name, in string
		want     netip.Prefix
		wantErr  string
	}{
		{name: "prefix", in: "10.1.0.0/24", want: netip.MustParsePrefix("10.1.0.0/24")},
		{name: "IPv4 address is its /32", in: "10.255.0.1", want: netip.MustParsePrefix("10.255.0.1/32")},
		{name: "IPv6 address is its /128", in: "2001:db8::1", want: netip.MustParsePrefix("2001:db8::1/128")},
		{name: "not an address", in: "leaf1", wantErr: `"leaf1": want e.g. 10.255.0.1/32`},
		{name: "bits out of range", in: "10.0.0.0/33", wantErr: `"10.0.0.0/33": want e.g. 10.255.0.1/32`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Target(tt.in)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error %v, want %s", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func TestRIB(t *testing.T) {
	g := verify.NewGraph(fabrics.Clos(t, gen.Clos{Name: "small", Spines: 2, Leaves: 2, Platform: "cumulus"}))
	got, err := RIB(g, "leaf1")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := g.RIB("leaf1")
	if len(got) == 0 || !cmp.Equal(want, got) {
		t.Errorf("leaf1's RIB %+v, want the graph's %+v", got, want)
	}
	if _, err := RIB(g, "leaf9"); err == nil || err.Error() != "no device leaf9 in the fabric" {
		t.Errorf("unknown device: %v", err)
	}
}

// Every mode a person may ask for is one verify acts on: links and
// devices each add scenarios, all adds both.
func TestFailureModesAreVerifys(t *testing.T) {
	f := fabrics.Clos(t, gen.Clos{Name: "small", Spines: 2, Leaves: 2, Platform: "cumulus"})
	scenarios := map[Failures]int{}
	for _, m := range append([]Failures{NoFailures}, FailureModes...) {
		if !m.IsValid() {
			t.Errorf("%q is listed but not valid", m)
		}
		scenarios[m] = verify.Verify(f, m.Options()).Scenarios
	}
	if scenarios[NoFailures] != 0 || scenarios[Links] == 0 || scenarios[Devices] == 0 ||
		scenarios[All] != scenarios[Links]+scenarios[Devices] {
		t.Errorf("scenarios per mode %v", scenarios)
	}
}
