package sonic

import (
	"context"
	"encoding/json"
	"net/netip"
	"strings"
	"testing"

	"underlay.dev/underlay/internal/checker"
	"underlay.dev/underlay/internal/checker/sonicyang"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/model/modeltest"
	"underlay.dev/underlay/internal/testutil/golden"
)

func TestGolden(t *testing.T) {
	external, _ := withExternal()
	cases := map[string]*model.Fabric{"seedlab": modeltest.SeedLab(), "unnumbered": modeltest.Unnumbered(), "external": external,
		"outside": outside(t)}
	for name, f := range cases {
		for _, d := range f.Devices {
			if d.Platform != model.PlatformSONiC {
				continue
			}
			files, err := Renderer{}.Render(f, d)
			if err != nil {
				t.Fatal(err)
			}
			for _, file := range files {
				golden.Assert(t, "TestGolden/"+name+"-"+d.Name+"-"+file.Name, file.Content)
				if file.Name == "frr.conf" {
					golden.Checked(t, name+"/"+d.Name+"/frr.conf", checker.FRR(context.Background(), file.Content))
					continue
				}
				if testing.Short() {
					continue
				}
				schema, err := sonicyang.Shared()
				if err == nil {
					err = schema.Check(context.Background(), file.Content)
				}
				golden.Checked(t, name+"/"+d.Name+"/config_db.json", err)
			}
		}
	}
}

// TestSeedSpineMatchesReference compares the routing tables with the
// original demo's hand-written file, whose two mistakes are fixed here:
// the hostname was left as "sonic", and the leaf2 session named
// local_addr 10.0.0.0, an address of the other link.
func TestSeedSpineMatchesReference(t *testing.T) {
	f := modeltest.SeedLab()
	db, err := ConfigDB(f.Devices[2], Split(f.Devices[2]))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]map[string]map[string]string
	if err := json.Unmarshal(db, &got); err != nil {
		t.Fatal(err)
	}
	md := got["DEVICE_METADATA"]["localhost"]
	if md["hostname"] != "spine" || md["bgp_asn"] != "65100" || md["docker_routing_config_mode"] != "unified" {
		t.Errorf("DEVICE_METADATA: %v", md)
	}
	for _, key := range []string{"Loopback0|192.0.2.100/32", "Ethernet0|10.0.0.0/31", "Ethernet4|10.0.0.2/31"} {
		if _, ok := got["LOOPBACK_INTERFACE"][key]; !ok {
			if _, ok := got["INTERFACE"][key]; !ok {
				t.Errorf("missing %s", key)
			}
		}
	}
	for peer, want := range map[string][2]string{"10.0.0.1": {"65001", "10.0.0.0"}, "10.0.0.3": {"65002", "10.0.0.2"}} {
		n := got["BGP_NEIGHBOR"][peer]
		if n["asn"] != want[0] || n["local_addr"] != want[1] {
			t.Errorf("BGP_NEIGHBOR %s: %v, want asn %s local_addr %s", peer, n, want[0], want[1])
		}
	}
}

// TestRoutingMode: bgpcfgd announces only Loopback0's first IPv4 address,
// so a second loopback needs split mode; a pinned mode wins, and a pinned
// unified mode that cannot carry the design is an error naming the fix.
func TestRoutingMode(t *testing.T) {
	f := modeltest.SeedLab()
	spine := f.Devices[2]
	// resolve pins the mode it picked; unpin it so Split decides itself.
	spine.Sonic.RoutingMode = ""
	if Split(spine) {
		t.Fatal("the seed spine (one loopback, numbered, no policy) should be unified")
	}
	spine.Loopbacks = append(spine.Loopbacks, netip.MustParsePrefix("198.51.100.100/32"))
	if !Split(spine) {
		t.Error("a spine with two IPv4 loopbacks must be split: bgpcfgd would not announce the second")
	}
	spine.Sonic.RoutingMode = "unified"
	if _, err := (Renderer{}).Render(f, spine); err == nil || !strings.Contains(err.Error(), "use split") {
		t.Errorf("pinned unified with two loopbacks: got %v", err)
	}
	spine.Loopbacks = spine.Loopbacks[:1]
	spine.Sonic.RoutingMode = "split"
	files, err := Renderer{}.Render(f, spine)
	if err != nil || len(files) != 2 || files[1].Name != "frr.conf" {
		t.Fatalf("pinned split: %v %v", files, err)
	}
}
