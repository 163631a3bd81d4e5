package dhcprelay

import (
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"underlay.dev/underlay/internal/intent"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/resolve"
	"underlay.dev/underlay/internal/testutil/golden"
)

// TestGolden renders the relay file of each leaf of the bare-metal example
// (a copy of it lives with the cumulus goldens) and sources it with sh,
// as the service does: exactly the three variables come out, unexpanded.
func TestGolden(t *testing.T) {
	doc, err := intent.Load("../cumulus/testdata/baremetal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	res, errs := resolve.Resolve(doc.Fabric, nil)
	if len(errs) > 0 {
		t.Fatal(doc.Locate(errs))
	}
	f := res.Fabric
	for _, d := range f.Devices {
		if d.Platform != model.PlatformCumulus {
			continue
		}
		t.Run(d.Name, func(t *testing.T) {
			got, err := Render(f, d)
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Relays) == 0 {
				if got != nil {
					t.Fatalf("%s relays nothing but got a file:\n%s", d.Name, got)
				}
				return
			}
			golden.Assert(t, "TestGolden/baremetal-"+d.Name, got)
			vars := source(t, got)
			want := []string{"10.20.1.10", "-id vlan100 -id vlan101 -id vlan102 -iu swp49 -iu swp50",
				"-U " + d.RouterID.String() + "%lo"}
			if diff := cmp.Diff(want, vars); diff != "" {
				t.Errorf("sourced SERVERS, INTF_CMD, OPTIONS (-want +got):\n%s", diff)
			}
		})
	}
}

// source runs the file through sh the way the service's unit reads it.
func source(t *testing.T, file []byte) []string {
	t.Helper()
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	p := filepath.Join(t.TempDir(), "isc-dhcp-relay")
	if err := os.WriteFile(p, file, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(sh, "-euc", `. "$1"; printf '%s\n' "$SERVERS" "$INTF_CMD" "$OPTIONS"`, "sh", p).CombinedOutput()
	if err != nil {
		t.Fatalf("sourcing the file: %v: %s", err, out)
	}
	return strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
}

func relayDevice(mutate func(r *model.Relay)) *model.Device {
	r := &model.Relay{Instance: model.DefaultInstance, Servers: []netip.Addr{netip.MustParseAddr("10.0.0.50")},
		Downstream: []string{"vlan100"}, Upstream: []string{"swp49"}, Source: netip.MustParseAddr("10.255.0.1"), LinkSelection: true}
	mutate(r)
	return &model.Device{Name: "leaf1", Relays: []*model.Relay{r}}
}

// TestRender: without link selection OPTIONS is empty (giaddr the SVI's);
// what one dhcrelay of vrf default cannot run is an error naming the
// device.
func TestRender(t *testing.T) {
	got, err := Render(&model.Fabric{Name: "x"}, relayDevice(func(r *model.Relay) { r.LinkSelection = false }))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(string(got), "SERVERS=\"10.0.0.50\"\nINTF_CMD=\"-id vlan100 -iu swp49\"\nOPTIONS=\"\"\n") || strings.Contains(string(got), "-U") {
		t.Errorf("got\n%s", got)
	}
	if got, err := Render(&model.Fabric{}, &model.Device{Name: "spine1"}); got != nil || err != nil {
		t.Errorf("no relays: got %q, %v; want no file", got, err)
	}
	tests := []struct {
		name    string
		mutate  func(r *model.Relay)
		wantErr string
	}{
		{"a VRF", func(r *model.Relay) { r.Instance = "blue" }, "a relay in vrf blue"},
		{"IPv6 server", func(r *model.Relay) { r.Servers = []netip.Addr{netip.MustParseAddr("2001:db8::1")} }, "IPv4 servers"},
		{"no servers", func(r *model.Relay) { r.Servers = nil }, "needs servers"},
		{"no uplinks", func(r *model.Relay) { r.Upstream = nil }, "needs servers, SVIs and uplinks"},
		{"shell word", func(r *model.Relay) { r.Upstream = []string{"swp1$(reboot)"} }, `interface "swp1$(reboot)"`},
		{"long name", func(r *model.Relay) { r.Downstream = []string{"vlan1234567890a"} }, "at most 14"},
		{"no IPv4 loopback", func(r *model.Relay) { r.Source = netip.Addr{} }, "link selection needs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Render(&model.Fabric{}, relayDevice(tt.mutate))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "leaf1") {
				t.Fatalf("got error %v, want one naming leaf1 with %q", err, tt.wantErr)
			}
		})
	}
}
