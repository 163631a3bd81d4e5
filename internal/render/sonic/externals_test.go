package sonic

import (
	"context"
	"encoding/json"
	"net/netip"
	"strings"
	"testing"

	"underlay.dev/underlay/internal/checker/sonicyang"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/model/modeltest"
	"underlay.dev/underlay/internal/resolve"
	"underlay.dev/underlay/internal/testutil/golden"
)

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }

// withExternal is the seed lab with its spine (unified) peering with a
// firewall by address on Ethernet8, where the spine holds 10.9.0.1/30,
// unfiltered: the one external neighbour unified mode can carry. resolve
// would not build it (an external's address lies in a subnet, which makes
// the device split); the hand-built model exercises BGP_NEIGHBOR's
// external rows.
func withExternal() (*model.Fabric, *model.Device) {
	f := modeltest.SeedLab()
	d := f.Devices[2]
	fw := &model.External{Name: "fw1", ASN: 65500, Address: netip.MustParseAddr("10.9.0.2"), Announces: []netip.Prefix{pfx("0.0.0.0/0")}}
	d.Default().Sessions = append(d.Default().Sessions, &model.Session{Local: d, External: fw, PeerASN: fw.ASN,
		LocalAddr: netip.MustParseAddr("10.9.0.1"), PeerAddr: fw.Address, Families: []model.Family{model.IPv4}})
	resolve.Derive(f)
	d.Interfaces = append(d.Interfaces, &model.Interface{Name: "Ethernet8", Kind: model.KindRouted,
		Addrs: []netip.Prefix{pfx("10.9.0.1/30")}, Instance: model.DefaultInstance})
	return f, d
}

// withGroup gives the spine a group of servers listening on the subnet of
// Ethernet12.
func withGroup() *model.Device {
	f := modeltest.SeedLab()
	d := f.Devices[2]
	d.Subnets = []model.Subnet{{Prefix: pfx("10.1.0.0/24"), Port: "Ethernet12", Gateway: pfx("10.1.0.1/24")}}
	g := &model.Group{Name: "k8s-rack1", Listen: []netip.Prefix{pfx("10.1.0.0/24")}, Announces: []netip.Prefix{pfx("10.244.0.0/16")}}
	d.Default().Sessions = append(d.Default().Sessions, &model.Session{Local: d, Group: g, Families: []model.Family{model.IPv4}})
	d.Sonic.RoutingMode = "" // resolve pinned the seed spine's; Split decides again
	resolve.Derive(f)
	return d
}

func TestExternalNeighborRow(t *testing.T) {
	_, d := withExternal()
	if why := resolve.SONiCSplitReason(d); why != "" {
		t.Fatalf("an unfiltered numbered IPv4 external on the seed spine should fit unified mode: %s", why)
	}
	db, err := ConfigDB(d, false)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]map[string]map[string]string
	if err := json.Unmarshal(db, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"asn": "65500", "name": "fw1", "local_addr": "10.9.0.1", "holdtime": "9", "keepalive": "3",
		"admin_status": "up", "nhopself": "0", "rrclient": "0"}
	if n := got["BGP_NEIGHBOR"]["10.9.0.2"]; len(n) != len(want) {
		t.Errorf("BGP_NEIGHBOR 10.9.0.2 is %v, want %v", n, want)
	} else {
		for k, v := range want {
			if n[k] != v {
				t.Errorf("BGP_NEIGHBOR 10.9.0.2 %s is %q, want %q", k, n[k], v)
			}
		}
	}
	if _, ok := got["INTERFACE"]["Ethernet8|10.9.0.1/30"]; !ok {
		t.Errorf("no INTERFACE Ethernet8|10.9.0.1/30: %v", got["INTERFACE"])
	}
	if _, ok := got["DEVICE_NEIGHBOR"]["Ethernet8"]; ok {
		t.Error("a port no link uses has no DEVICE_NEIGHBOR")
	}
}

// TestGroupNeedsSplit: bgpcfgd's BGP_PEER_RANGE template is not the
// group the intent describes, so a group makes the device split, and
// unified mode refuses it, naming the fix.
func TestGroupNeedsSplit(t *testing.T) {
	d := withGroup()
	if !Split(d) {
		t.Error("a spine with a group (and the subnet it listens on) is unified")
	}
	subnets := d.Subnets
	d.Subnets = nil // the group alone is reason enough
	if why := resolve.SONiCSplitReason(d); !strings.Contains(why, "group k8s-rack1") {
		t.Errorf("a spine with a group: %q does not name it", why)
	}
	d.Subnets = subnets
	if _, err := ConfigDB(d, false); err == nil || !strings.Contains(err.Error(), "use split") {
		t.Errorf("unified with a group: %v", err)
	}
	db, err := ConfigDB(d, true)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]map[string]map[string]string
	if err := json.Unmarshal(db, &got); err != nil {
		t.Fatal(err)
	}
	if _, ok := got["INTERFACE"]["Ethernet12|10.1.0.1/24"]; !ok || got["PORT"]["Ethernet12"]["mtu"] != "" {
		t.Errorf("the group's subnet port: INTERFACE %v, PORT %v", got["INTERFACE"], got["PORT"]["Ethernet12"])
	}
	for _, table := range []string{"BGP_NEIGHBOR", "BGP_PEER_RANGE"} {
		if _, ok := got[table]; ok {
			t.Errorf("split mode holds %s, which bgpcfgd would push into FRR", table)
		}
	}
	if testing.Short() {
		return
	}
	schema, err := sonicyang.Shared()
	if err == nil {
		err = schema.Check(context.Background(), db)
	}
	golden.Checked(t, "group spine config_db.json", err)
}
