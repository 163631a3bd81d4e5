package expect

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"underlay.dev/underlay/internal/model/modeltest"
)

// TestDecodeRoundTrip: every expect.json underlay renders decodes to what
// For computed, for its own device.
func TestDecodeRoundTrip(t *testing.T) {
	for _, d := range modeltest.Unnumbered().Devices {
		f, err := File(d)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Decode(f.Content, d.Name)
		if err != nil {
			t.Fatalf("%s: %v", d.Name, err)
		}
		if diff := cmp.Diff(For(d), got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", d.Name, diff)
		}
	}
}

func TestDecodeRefuses(t *testing.T) {
	ok := `{"device":"leaf1","sessions":[{"neighbor":"swp1","peer":"spine1","families":["ipv4"]}],"prefixes":["10.0.0.1/32"]}`
	tests := []struct {
		name, doc, wantErr string
	}{
		{"typo'd key", strings.Replace(ok, `"sessions"`, `"sesions"`, 1), `unknown field "sesions"`},
		{"empty object", `{}`, `"device" is missing`},
		{"null", ` null `, "is null"},
		{"empty file", ``, "EOF"},
		{"wrong device", strings.Replace(ok, "leaf1", "leaf2", 1), `written for device "leaf2", but this agent runs "leaf1"`},
		{"no sessions list", `{"device":"leaf1","prefixes":[]}`, `"sessions" is missing`},
		{"null prefixes", `{"device":"leaf1","sessions":[],"prefixes":null}`, `"prefixes" is missing or null`},
		{"trailing data", ok + `{"device":"leaf1"}`, "data after the object"},
		{"bad prefix", strings.Replace(ok, "10.0.0.1/32", "10.0.0.1/33", 1), "prefixes[0]"},
		{"host bits", strings.Replace(ok, "10.0.0.1/32", "10.0.0.1/24", 1), "host bits"},
		{"bad neighbor", strings.Replace(ok, "swp1", "swp1 ; reboot", 1), "neither an address nor an interface name"},
		{"bad family", strings.Replace(ok, `["ipv4"]`, `["ipx"]`, 1), `family "ipx"`},
		{"no family", strings.Replace(ok, `["ipv4"]`, `[]`, 1), `"families" is empty`},
		{"duplicate neighbor", strings.Replace(ok, `}]`, `},{"neighbor":"swp1","peer":"x","families":["ipv4"]}]`, 1), "appears twice"},
		{"kind on a gating session", strings.Replace(ok, `"families"`, `"kind":"external","families"`, 1), "only ungated sessions have a kind"},
		{"ungated without kind", strings.Replace(ok, `"prefixes"`, `"ungated":[{"neighbor":"10.1.1.2","peer":"fw1","families":["ipv4"]}],"prefixes"`, 1), `kind "" (want external or group)`},
		{"ungated bad kind", strings.Replace(ok, `"prefixes"`, `"ungated":[{"neighbor":"10.1.1.2","peer":"fw1","families":["ipv4"],"kind":"peer"}],"prefixes"`, 1), `ungated[0]: neighbor "10.1.1.2": kind "peer"`},
		{"bad group name", strings.Replace(ok, `"prefixes"`, `"ungated":[{"neighbor":"K8s rack","families":["ipv4"],"kind":"group"}],"prefixes"`, 1), "is not a group name"},
		{"ungated repeats a session", strings.Replace(ok, `"prefixes"`, `"ungated":[{"neighbor":"swp1","families":["ipv4"],"kind":"external"}],"prefixes"`, 1), `ungated[0]: neighbor "swp1" appears twice`},
		{"bad vrf", strings.Replace(ok, `"families"`, `"vrf":"a b","families"`, 1), `vrf "a b"`},
		{"too large", `{"device":"leaf1","sessions":[],"prefixes":[],"x":"` + strings.Repeat("a", MaxFileBytes) + `"}`, "above the limit"},
		{"too many sessions", `{"device":"leaf1","prefixes":[],"sessions":[` + strings.Repeat(`{"neighbor":"swp1","families":["ipv4"]},`, MaxSessions) + `{"neighbor":"swp1","families":["ipv4"]}]}`, "sessions, above the limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode([]byte(tt.doc), "leaf1")
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("got %v, want an error containing %q", err, tt.wantErr)
			}
			if len(err.Error()) > 1024 {
				t.Errorf("error is %d bytes: it must not echo the input", len(err.Error()))
			}
		})
	}
	if _, err := Decode([]byte(ok), "leaf1"); err != nil {
		t.Errorf("valid document: %v", err)
	}
	withUngated := `{"device":"leaf1","sessions":[{"neighbor":"swp1","peer":"spine1","families":["ipv4"],"vrf":"blue"}],` +
		`"prefixes":[],"ungated":[{"neighbor":"swp1","peer":"rtr1","families":["ipv4"],"kind":"external"},` +
		`{"neighbor":"k8s-rack1-nodes-of-the-west-wing","peer":"k8s","families":["ipv6"],"kind":"group"}]}`
	if _, err := Decode([]byte(withUngated), "leaf1"); err != nil {
		t.Errorf("ungated sessions, a neighbour name in two VRFs, a long group name: %v", err)
	}
	if _, err := Decode([]byte(`{"device":"leaf1","sessions":[],"prefixes":[]}`), "leaf1"); err != nil {
		t.Errorf("a device without sessions: %v", err)
	}
}
