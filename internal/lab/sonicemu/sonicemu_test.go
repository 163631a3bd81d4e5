package sonicemu

import (
	"context"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"underlay.dev/underlay/internal/checker"
	"underlay.dev/underlay/internal/load"
	"underlay.dev/underlay/internal/render/sonic"
	"underlay.dev/underlay/internal/testutil/golden"
)

// readTestdata returns a CONFIG_DB as underlay renders it today:
// "seed-lab-spine" is the seed lab's spine forced to unified mode (the
// example pins split), "unnumbered-spine2" the unnumbered example's
// split-mode spine2.
func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	switch name {
	case "seed-lab-spine.config_db.json":
		return renderUnified(t, filepath.Join("..", "..", "..", "examples", "seed-lab", "fabric.yaml"), "spine")
	case "unnumbered-spine2.config_db.json":
		b, err := os.ReadFile(filepath.Join("..", "..", "..", "examples", "unnumbered", "rendered", "spine2", "config_db.json"))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	t.Fatalf("no test CONFIG_DB %s", name)
	return nil
}

func renderUnified(t *testing.T, fabric, device string) []byte {
	t.Helper()
	res, err := load.File(fabric)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range res.Fabric.Devices {
		if d.Name == device {
			d.Sonic.RoutingMode = "unified"
			b, err := sonic.ConfigDB(d, false)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
	t.Fatalf("no device %s in %s", device, fabric)
	return nil
}

// checkFRR runs FRR's own parser (vtysh -C) on conf: skipped without
// vtysh, unless UNDERLAY_REQUIRE_CHECKERS=1.
func checkFRR(t *testing.T, conf []byte) {
	t.Helper()
	golden.Checked(t, "frr.conf", checker.FRR(context.Background(), conf))
}

const running = `{"PORT": {"Ethernet0": {"mtu": "9100"}}, "BGP_NEIGHBOR": {"10.0.0.1": {"asn": "65001"}}}`

func TestApplyPatch(t *testing.T) {
	tests := []struct {
		name, patch, want string
	}{
		{"add field", `[{"op": "add", "path": "/PORT/Ethernet0/admin_status", "value": "up"}]`,
			`{"BGP_NEIGHBOR": {"10.0.0.1": {"asn": "65001"}}, "PORT": {"Ethernet0": {"admin_status": "up", "mtu": "9100"}}}`},
		{"add table", `[{"op": "add", "path": "/LOOPBACK_INTERFACE", "value": {"Loopback0|192.0.2.1/32": {}}}]`,
			`{"BGP_NEIGHBOR": {"10.0.0.1": {"asn": "65001"}}, "LOOPBACK_INTERFACE": {"Loopback0|192.0.2.1/32": {}}, "PORT": {"Ethernet0": {"mtu": "9100"}}}`},
		{"replace", `[{"op": "replace", "path": "/PORT/Ethernet0/mtu", "value": "9216"}]`,
			`{"BGP_NEIGHBOR": {"10.0.0.1": {"asn": "65001"}}, "PORT": {"Ethernet0": {"mtu": "9216"}}}`},
		{"remove table", `[{"op": "remove", "path": "/BGP_NEIGHBOR"}]`,
			`{"PORT": {"Ethernet0": {"mtu": "9100"}}}`},
		{"empty patch", `[]`, running},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ApplyPatch([]byte(running), []byte(tt.patch))
			if err != nil {
				t.Fatal(err)
			}
			want, err := ParseDB([]byte(tt.want))
			if err != nil {
				t.Fatal(err)
			}
			wantB, _ := want.Marshal()
			if string(got) != string(wantB) {
				t.Errorf("got\n%s\nwant\n%s", got, wantB)
			}
		})
	}
}

func TestApplyPatchRejects(t *testing.T) {
	tests := []struct {
		name, patch, want string
	}{
		{"remove a missing key", `[{"op": "remove", "path": "/PORT/Ethernet4"}]`, "Unable to remove nonexistent key"},
		{"replace a missing field", `[{"op": "replace", "path": "/PORT/Ethernet0/speed", "value": "1"}]`, "replace operation does not apply"},
		{"add under a missing table", `[{"op": "add", "path": "/VLAN/Vlan10/vlanid", "value": "10"}]`, "add operation does not apply"},
		{"not a CONFIG_DB document", `[{"op": "add", "path": "/PORT/Ethernet0/mtu", "value": {"a": 1}}]`, "patched config_db"},
		{"empty table", `[{"op": "remove", "path": "/BGP_NEIGHBOR/10.0.0.1"}]`, "BGP_NEIGHBOR"},
		// All or nothing: the valid first operation is not applied either.
		{"second op fails", `[{"op": "replace", "path": "/PORT/Ethernet0/mtu", "value": "1500"}, {"op": "remove", "path": "/X"}]`, "nonexistent key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ApplyPatch([]byte(running), []byte(tt.patch))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %s, %v; want an error containing %q", got, err, tt.want)
			}
		})
	}
	if _, err := ApplyPatch([]byte(running), []byte(`[{"op": "remove", "path": "/BGP_NEIGHBOR/10.0.0.1"}]`)); !errors.Is(err, ErrEmptyTable) {
		t.Errorf("empty table: %v, want ErrEmptyTable", err)
	}
}

func TestApplyPatchIsDeterministic(t *testing.T) {
	db := readTestdata(t, "seed-lab-spine.config_db.json")
	patch := []byte(`[{"op": "replace", "path": "/BGP_NEIGHBOR/10.0.0.1/holdtime", "value": "9"}]`)
	first, err := ApplyPatch(db, patch)
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		if again, _ := ApplyPatch(db, patch); string(again) != string(first) {
			t.Fatal("output differs between runs")
		}
	}
}

func TestRealizeSeedLabSpine(t *testing.T) {
	p, err := Realize(readTestdata(t, "seed-lab-spine.config_db.json"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Hostname != "spine" || p.Mode != ModeUnified {
		t.Errorf("hostname %q, mode %q", p.Hostname, p.Mode)
	}
	wantPorts := []Port{{"Ethernet0", 9216, true}, {"Ethernet4", 9216, true}}
	if !reflect.DeepEqual(p.Ports, wantPorts) {
		t.Errorf("ports %+v, want %+v", p.Ports, wantPorts)
	}
	wantAddrs := map[string][]netip.Prefix{
		"Ethernet0": {netip.MustParsePrefix("10.0.0.0/31")},
		"Ethernet4": {netip.MustParsePrefix("10.0.0.2/31")},
		"Loopback0": {netip.MustParsePrefix("192.0.2.100/32")},
	}
	if !reflect.DeepEqual(p.Addresses, wantAddrs) {
		t.Errorf("addresses %v, want %v", p.Addresses, wantAddrs)
	}
	if len(p.Deferred) != 0 || len(p.Ignored) != 0 {
		t.Errorf("deferred %v, ignored %v", p.Deferred, p.Ignored)
	}
	conf := string(p.FRR)
	for _, line := range []string{
		"router bgp 65100\n", " bgp router-id 192.0.2.100\n", " bgp log-neighbor-changes\n",
		" no bgp default ipv4-unicast\n", " bgp bestpath as-path multipath-relax\n",
		" network 192.0.2.100/32\n", "  maximum-paths 64\n",
		" neighbor 10.0.0.1 remote-as 65001\n", " neighbor 10.0.0.1 description leaf1\n",
		" neighbor 10.0.0.3 remote-as 65002\n", " neighbor 10.0.0.3 description leaf2\n",
		"  neighbor 10.0.0.1 activate\n", "  neighbor 10.0.0.3 activate\n",
		"  neighbor PEER_V4 route-map FROM_BGP_PEER_V4 in\n", "route-map FROM_BGP_PEER_V4 permit 100\n",
	} {
		if !strings.Contains(conf, line) {
			t.Errorf("frr.conf lacks %q", line)
		}
	}
	// Default timers (60/180) are not written, as the template does; no
	// session is shut.
	for _, line := range []string{" timers 60 180", " shutdown", "allowas-in", "graceful-restart"} {
		if strings.Contains(conf, line) {
			t.Errorf("frr.conf has %q", line)
		}
	}
	checkFRR(t, p.FRR)
	again, _ := Realize(readTestdata(t, "seed-lab-spine.config_db.json"))
	if !reflect.DeepEqual(p, again) {
		t.Error("Realize differs between runs")
	}
}

func TestRealizeSplitMode(t *testing.T) {
	p, err := Realize(readTestdata(t, "unnumbered-spine2.config_db.json"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Mode != ModeSplit || p.FRR != nil || p.Deferred != nil {
		t.Errorf("mode %q, FRR %q, deferred %v", p.Mode, p.FRR, p.Deferred)
	}
	var names []string
	for _, port := range p.Ports {
		names = append(names, port.Name)
	}
	if want := []string{"Ethernet0", "Ethernet4", "Ethernet8", "Ethernet12"}; !reflect.DeepEqual(names, want) {
		t.Errorf("ports %v, want %v (natural order)", names, want)
	}
	want := []netip.Prefix{netip.MustParsePrefix("10.255.0.14/32"), netip.MustParsePrefix("fd00:255::e/128")}
	if !reflect.DeepEqual(p.Addresses["Loopback0"], want) {
		t.Errorf("Loopback0 %v, want %v", p.Addresses["Loopback0"], want)
	}
}

// unified builds a unified-mode CONFIG_DB around extra tables.
func unified(extra string) []byte {
	return []byte(`{
 "DEVICE_METADATA": {"localhost": {"hostname": "sw1", "bgp_asn": "65100", "type": "ToRRouter", "docker_routing_config_mode": "unified"}},
 "PORT": {"Ethernet0": {"admin_status": "up"}, "Ethernet4": {}},
 "INTERFACE": {"Ethernet0": {}, "Ethernet0|10.0.0.0/31": {}, "Ethernet4": {}, "Ethernet4|fc00::1/126": {}}` + extra + `}`)
}

// Only Loopback0's first IPv4 address is announced (and is the router-id).
func TestRealizeAnnouncesOnlyTheFirstLoopbackAddress(t *testing.T) {
	p, err := Realize(unified(`, "LOOPBACK_INTERFACE": {"Loopback0": {},
  "Loopback0|192.0.2.200/32": {}, "Loopback0|192.0.2.100/32": {}, "Loopback0|fd00::1/128": {}}`))
	if err != nil {
		t.Fatal(err)
	}
	conf := string(p.FRR)
	if !strings.Contains(conf, " network 192.0.2.100/32\n") || !strings.Contains(conf, " bgp router-id 192.0.2.100\n") {
		t.Errorf("first address not announced:\n%s", conf)
	}
	if strings.Contains(conf, "192.0.2.200") {
		t.Errorf("second address announced:\n%s", conf)
	}
	// The IPv6 loopback is announced as its /64, routed to Loopback0.
	for _, line := range []string{"  network fd00::1/64\n", "ipv6 route fd00::/64 Loopback0\n"} {
		if !strings.Contains(conf, line) {
			t.Errorf("frr.conf lacks %q", line)
		}
	}
	checkFRR(t, p.FRR)
}

func TestRealizeNeighbors(t *testing.T) {
	p, err := Realize(unified(`, "LOOPBACK_INTERFACE": {"Loopback0|192.0.2.1/32": {}},
 "BGP_NEIGHBOR": {
  "10.0.0.1": {"asn": "65001", "name": "spine1", "local_addr": "10.0.0.0", "admin_status": "down", "keepalive": "3", "holdtime": "9"},
  "fc00::2": {"asn": "4200000000", "name": "spine2", "local_addr": "fc00::1", "rrclient": "0", "nhopself": "1"},
  "10.9.9.9": {"asn": "65009", "name": "waits", "local_addr": "10.9.9.8"}},
 "NTP_SERVER": {"10.250.0.5": {}}`))
	if err != nil {
		t.Fatal(err)
	}
	conf := string(p.FRR)
	for _, line := range []string{
		" neighbor 10.0.0.1 timers 3 9\n", " neighbor 10.0.0.1 shutdown\n",
		" address-family ipv6\n  neighbor fc00::2 peer-group PEER_V6\n  neighbor fc00::2 next-hop-self\n  neighbor fc00::2 activate\n",
		"  neighbor PEER_V4 allowas-in 1\n", " bgp graceful-restart\n",
	} {
		if !strings.Contains(conf, line) {
			t.Errorf("frr.conf lacks %q", line)
		}
	}
	if strings.Contains(conf, "10.9.9.9") || !reflect.DeepEqual(p.Deferred, []string{"10.9.9.9"}) {
		t.Errorf("deferred %v; a peer whose local_addr is on no interface must wait", p.Deferred)
	}
	if !reflect.DeepEqual(p.Ignored, []string{"NTP_SERVER"}) {
		t.Errorf("ignored %v", p.Ignored)
	}
	if !reflect.DeepEqual(p.Ports, []Port{{"Ethernet0", DefaultMTU, true}, {"Ethernet4", DefaultMTU, false}}) {
		t.Errorf("ports %+v", p.Ports)
	}
	checkFRR(t, p.FRR)
}

func TestRealizeRejects(t *testing.T) {
	tests := []struct{ name, db, want string }{
		{"interface key", `{"PORT": {"Ethernet0": {}}, "INTERFACE": {"Ethernet0|notaprefix": {}}}`, `INTERFACE key "Ethernet0|notaprefix"`},
		{"loopback key", `{"LOOPBACK_INTERFACE": {"Loopback0|192.0.2.1/33": {}}}`, `LOOPBACK_INTERFACE key "Loopback0|192.0.2.1/33"`},
		{"interface not a port", `{"INTERFACE": {"Ethernet8|10.0.0.0/31": {}}}`, "Ethernet8 is not in PORT"},
		{"mtu", `{"PORT": {"Ethernet0": {"mtu": "big"}}}`, `PORT key "Ethernet0": mtu "big"`},
		{"admin status", `{"PORT": {"Ethernet0": {"admin_status": "maybe"}}}`, `PORT key "Ethernet0": admin_status`},
		{"mode", `{"DEVICE_METADATA": {"localhost": {"docker_routing_config_mode": "odd"}}}`, "docker_routing_config_mode"},
		{"bgp asn", `{"DEVICE_METADATA": {"localhost": {"bgp_asn": "AS1"}}}`, `bgp_asn "AS1"`},
		{"neighbor asn", `{"DEVICE_METADATA": {"localhost": {"bgp_asn": "1"}}, "BGP_NEIGHBOR": {"10.0.0.1": {}}}`, `BGP_NEIGHBOR key "10.0.0.1": asn ""`},
		{"neighbor key", `{"DEVICE_METADATA": {"localhost": {"bgp_asn": "1"}}, "BGP_NEIGHBOR": {"Ethernet0": {"asn": "2"}}}`, `BGP_NEIGHBOR key "Ethernet0"`},
		{"not a string", `{"PORT": {"Ethernet0": {"mtu": 9100}}}`, `PORT key "Ethernet0": field mtu`},
		{"not a CONFIG_DB", `{"PORT": ["Ethernet0"]}`, "config_db"},
		// bgpcfgd runs in split mode too: it would push these peers into
		// the operator's FRR.
		{"split with BGP_NEIGHBOR", `{"DEVICE_METADATA": {"localhost": {"bgp_asn": "1", "docker_routing_config_mode": "split"}},
 "BGP_NEIGHBOR": {"10.0.0.1": {"asn": "2"}}}`, "BGP_NEIGHBOR in split mode: bgpcfgd"},
		{"static route", `{"STATIC_ROUTE": {"default|10.1.0.0/24": {"blackhole": "true"}}}`, "STATIC_ROUTE in unified mode: bgpcfgd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Realize([]byte(tt.db)); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// Every config_db.json the examples render is realized: unified ones give
// an FRR configuration that FRR parses, with no peer held back.
func TestRealizeRenderedExamples(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "..", "examples", "*", "rendered", "*", "config_db.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no rendered config_db.json found: %v", err)
	}
	t.Run("seed-lab-spine-unified", func(t *testing.T) {
		p, err := Realize(readTestdata(t, "seed-lab-spine.config_db.json"))
		if err != nil || p.Mode != ModeUnified || len(p.Deferred) > 0 {
			t.Fatalf("mode %s, deferred %v: %v", p.Mode, p.Deferred, err)
		}
		checkFRR(t, p.FRR)
	})
	for _, file := range files {
		device := filepath.Dir(file)
		name := filepath.Base(filepath.Dir(filepath.Dir(device))) + "-" + filepath.Base(device)
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			p, err := Realize(b)
			if err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			if len(p.Deferred) > 0 || len(p.Ports) == 0 {
				t.Errorf("%s: deferred %v, %d ports", file, p.Deferred, len(p.Ports))
			}
			if p.Mode == ModeUnified {
				checkFRR(t, p.FRR)
			}
		})
	}
}

// TestRealizeRenderedGoldens realizes every config_db.json golden of the
// SONiC renderer, among them a spine with an external neighbour (a
// firewall by address): its BGP_NEIGHBOR row is a general peer like a
// fabric one, with nothing held back.
func TestRealizeRenderedGoldens(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "render", "sonic", "testdata", "Test*", "*config_db.json"))
	if err != nil || len(files) < 5 {
		t.Fatalf("found %d goldens: %v", len(files), err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			p, err := Realize(b)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Deferred) > 0 {
				t.Errorf("deferred %v", p.Deferred)
			}
			if p.Mode != ModeUnified {
				return
			}
			checkFRR(t, p.FRR)
			if !strings.Contains(file, "external-spine") {
				return
			}
			for _, line := range []string{" neighbor 10.9.0.2 remote-as 65500\n", " neighbor 10.9.0.2 description fw1\n",
				"  neighbor 10.9.0.2 peer-group PEER_V4\n", "  neighbor 10.9.0.2 activate\n"} {
				if !strings.Contains(string(p.FRR), line) {
					t.Errorf("frr.conf lacks %q:\n%s", line, p.FRR)
				}
			}
		})
	}
}
