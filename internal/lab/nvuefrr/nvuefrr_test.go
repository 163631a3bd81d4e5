package nvuefrr

import (
	"bytes"
	"errors"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

const (
	seedLeaf2       = "../../../examples/seed-lab/rendered/leaf2/nvue.yaml"
	unnumberedLeaf3 = "../../../examples/unnumbered/rendered/leaf3/nvue.yaml"
)

// load returns the `set` tree of a startup file, as the applied revision.
func load(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var items []map[string]any
	if err := yaml.Unmarshal(b, &items); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	set, ok := items[0]["set"].(map[string]any)
	if len(items) == 0 || !ok {
		t.Fatalf("%s: no set item", path)
	}
	return set
}

func translate(t *testing.T, doc map[string]any) Result {
	t.Helper()
	res, err := Translate(doc)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

var vtyshError = regexp.MustCompile(`line [0-9]+:`)

// checkFRR runs FRR's own parser over conf.
func checkFRR(t *testing.T, conf []byte) {
	t.Helper()
	vtysh, err := exec.LookPath("vtysh")
	if err != nil {
		if os.Getenv("UNDERLAY_REQUIRE_CHECKERS") == "1" {
			t.Fatalf("vtysh is required (UNDERLAY_REQUIRE_CHECKERS=1): %v", err)
		}
		t.Skip("vtysh not on PATH: install frr, or set UNDERLAY_REQUIRE_CHECKERS=1 to make this a failure")
	}
	file := filepath.Join(t.TempDir(), "frr.conf")
	if err := os.WriteFile(file, conf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(vtysh, "-C", "-f", file).CombinedOutput()
	if err != nil || vtyshError.Match(out) {
		t.Errorf("vtysh -C -f rejects the frr.conf: %v\n%s--- frr.conf:\n%s", err, out, conf)
	}
}

// TestFRRParses translates every rendered NVUE document of the examples
// and of the NVUE renderer's golden files and has FRR parse the result
// (vtysh) and load it (bgpd --dryrun).
func TestFRRParses(t *testing.T) {
	files, _ := filepath.Glob("../../../examples/*/rendered/*/nvue.yaml")
	golden, _ := filepath.Glob("../../render/nvue/testdata/*/*.yaml")
	files = append(files, golden...)
	for _, want := range []string{seedLeaf2, unnumberedLeaf3} {
		if !slices.Contains(files, want) {
			t.Fatalf("%s is missing", want)
		}
	}
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			conf := translate(t, load(t, f)).FRR
			checkFRR(t, conf)
			checkBGPD(t, conf)
		})
	}
}

// section returns the lines from the line start up to the next line
// beginning with end.
func section(frr []byte, start, end string) []string {
	lines := strings.Split(string(frr), "\n")
	i := slices.Index(lines, start)
	if i < 0 {
		return nil
	}
	j := slices.IndexFunc(lines[i+1:], func(l string) bool { return strings.HasPrefix(l, end) })
	if j < 0 {
		return lines[i:]
	}
	return lines[i : i+1+j]
}

func wantLines(t *testing.T, where string, got []string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("%s: no line %q in:\n%s", where, w, strings.Join(got, "\n"))
		}
	}
}

func prefixes(ss ...string) []netip.Prefix {
	var ps []netip.Prefix
	for _, s := range ss {
		ps = append(ps, netip.MustParsePrefix(s))
	}
	return ps
}

func TestSeedLabLeaf2(t *testing.T) {
	res := translate(t, load(t, seedLeaf2))
	if got := res.Addresses["swp1"]; !slices.Equal(got, prefixes("10.0.0.3/31")) {
		t.Errorf("swp1 addresses %v", got)
	}
	if got := res.Addresses["lo"]; !slices.Equal(got, prefixes("192.0.2.2/32")) {
		t.Errorf("lo addresses %v", got)
	}
	if res.MTU["swp1"] != 9216 || len(res.MTU) != 1 {
		t.Errorf("mtu %v, want swp1 9216", res.MTU)
	}
	bgp := section(res.FRR, "router bgp 65002", "! end of router bgp")
	wantLines(t, "router bgp", bgp, "bgp router-id 192.0.2.2",
		"bgp bestpath as-path multipath-relax", "bgp bestpath compare-routerid",
		"neighbor 10.0.0.2 remote-as 65100", "neighbor 10.0.0.2 description spine:Ethernet4",
		"neighbor 10.0.0.2 timers 60 180", "no neighbor 10.0.0.2 capability extended-nexthop")
	af := section(res.FRR, "address-family ipv4 unicast", "exit-address-family")
	wantLines(t, "ipv4 unicast", af, "network 192.0.2.2/32", "maximum-paths 64",
		"neighbor 10.0.0.2 activate", "neighbor 10.0.0.2 route-map UNDERLAY-EXPORT-UPLINK out")
	wantLines(t, "frr.conf", strings.Split(string(res.FRR), "\n"),
		"ip prefix-list UNDERLAY-EXPORT-UPLINK-V4 seq 10 permit 192.0.2.2/32",
		"route-map UNDERLAY-EXPORT-UPLINK permit 10",
		"match ip address prefix-list UNDERLAY-EXPORT-UPLINK-V4")
	if section(res.FRR, "address-family ipv6 unicast", "exit-address-family") != nil {
		t.Error("ipv6 unicast is not enabled, yet rendered")
	}
}

func TestUnnumberedLeaf3(t *testing.T) {
	res := translate(t, load(t, unnumberedLeaf3))
	if got := res.Addresses["lo"]; !slices.Equal(got, prefixes("10.255.0.7/32", "fd00:255::7/128")) {
		t.Errorf("lo addresses %v", got)
	}
	if got := res.Addresses["swp10"]; !slices.Equal(got, prefixes("10.3.0.1/24")) {
		t.Errorf("swp10 addresses %v", got)
	}
	if _, ok := res.Addresses["swp1"]; ok || res.MTU["swp49"] != 9216 {
		t.Errorf("swp1 addresses %v, mtu %v", res.Addresses["swp1"], res.MTU)
	}
	bgp := section(res.FRR, "router bgp 4200000003", "! end of router bgp")
	v4 := section(res.FRR, "address-family ipv4 unicast", "exit-address-family")
	v6 := section(res.FRR, "address-family ipv6 unicast", "exit-address-family")
	for port, as := range map[string]string{"swp1": "4210000005", "swp2": "4210000006", "swp49": "65100", "swp50": "65100"} {
		wantLines(t, "router bgp", bgp, "neighbor "+port+" interface remote-as "+as,
			"neighbor "+port+" timers 3 9", "neighbor "+port+" capability extended-nexthop")
		wantLines(t, "ipv4 unicast", v4, "neighbor "+port+" activate")
		wantLines(t, "ipv6 unicast", v6, "neighbor "+port+" activate")
	}
	wantLines(t, "ipv4 unicast", v4, "network 10.3.0.0/24", "network 10.255.0.7/32", "maximum-paths 16",
		"neighbor swp1 route-map UNDERLAY-IMPORT-leaf3-host1 in", "neighbor swp50 route-map UNDERLAY-EXPORT-UPLINK out")
	wantLines(t, "ipv6 unicast", v6, "network fd00:255::7/128",
		"neighbor swp2 route-map UNDERLAY-IMPORT-leaf3-host2 in", "neighbor swp49 route-map UNDERLAY-EXPORT-UPLINK out")
	wantLines(t, "frr.conf", strings.Split(string(res.FRR), "\n"),
		"ipv6 prefix-list UNDERLAY-EXPORT-UPLINK-V6 seq 30 permit fd00:255::9/128",
		"match ipv6 address prefix-list UNDERLAY-IMPORT-leaf3-host1-V6")
}

// at returns the object at a dotted path of doc (keys holding dots are
// given as separate elements).
func at(doc map[string]any, path ...string) map[string]any {
	for _, k := range path {
		doc = doc[k].(map[string]any)
	}
	return doc
}

func TestDeterministicAndNeighborKey(t *testing.T) {
	first := translate(t, load(t, unnumberedLeaf3))
	for range 5 {
		if again := translate(t, load(t, unnumberedLeaf3)); !bytes.Equal(again.FRR, first.FRR) {
			t.Fatalf("two translations differ:\n%s\n---\n%s", first.FRR, again.FRR)
		}
	}
	// Cumulus 5.0-5.2 called the neighbor list `peer`; it means the same.
	doc := load(t, unnumberedLeaf3)
	b := at(doc, "vrf", "default", "router", "bgp")
	b["peer"], b["neighbor"] = b["neighbor"], nil
	if got := translate(t, doc); !bytes.Equal(got.FRR, first.FRR) {
		t.Errorf("peer instead of neighbor changes frr.conf:\n%s", got.FRR)
	}
}

func TestStaticBlackhole(t *testing.T) {
	doc := load(t, seedLeaf2)
	at(doc, "vrf", "default", "router")["static"] = map[string]any{
		"10.9.0.0/24": map[string]any{"via": map[string]any{"blackhole": map[string]any{"type": "blackhole"}}}}
	res := translate(t, doc)
	wantLines(t, "statics", strings.Split(string(res.FRR), "\n"), "ip route 10.9.0.0/24 blackhole")
	checkFRR(t, res.FRR)
}

func TestRejects(t *testing.T) {
	tests := map[string]struct {
		edit func(doc map[string]any)
		path string
		kind error
	}{
		"unknown top key": {func(d map[string]any) { d["mlag"] = map[string]any{} }, "mlag", ErrUnknownKey},
		"unknown link key": {func(d map[string]any) { at(d, "interface", "swp1", "link")["speed"] = "10G" },
			"interface.swp1.link.speed", ErrUnknownKey},
		"value of an address": {func(d map[string]any) {
			at(d, "interface", "lo", "ip", "address")["192.0.2.2/32"] = map[string]any{"x": 1}
		},
			"interface.lo.ip.address.192.0.2.2/32.x", ErrUnknownKey},
		"unknown peer key": {func(d map[string]any) {
			at(d, "vrf", "default", "router", "bgp", "neighbor", "10.0.0.2")["password"] = "x"
		},
			"vrf.default.router.bgp.neighbor.10.0.0.2.password", ErrUnknownKey},
		"route map set": {func(d map[string]any) {
			at(d, "router", "policy", "route-map", "UNDERLAY-EXPORT-UPLINK", "rule", "10")["set"] = map[string]any{}
		}, "router.policy.route-map.UNDERLAY-EXPORT-UPLINK.rule.10.set", ErrUnknownKey},
		"missing route map": {func(d map[string]any) { delete(at(d, "router", "policy"), "route-map") },
			"vrf.default.router.bgp.neighbor.10.0.0.2.address-family.ipv4-unicast.policy.outbound.route-map", ErrInvalid},
		"numbered peer on a port": {func(d map[string]any) {
			at(d, "vrf", "default", "router", "bgp", "neighbor")["swp1"] = map[string]any{"type": "numbered"}
		},
			"vrf.default.router.bgp.neighbor.swp1", ErrInvalid},
		"other vrf's loopback": {func(d map[string]any) { at(d, "vrf")["RED"] = map[string]any{"loopback": map[string]any{}} },
			"vrf.RED.loopback", ErrUnknownKey},
		"mtu too big": {func(d map[string]any) { at(d, "interface", "swp1", "link")["mtu"] = 9217.0 }, "interface.swp1.link.mtu", ErrInvalid},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			doc := load(t, seedLeaf2)
			tt.edit(doc)
			_, err := Translate(doc)
			if !errors.Is(err, tt.kind) || !strings.Contains(err.Error(), tt.path+": ") {
				t.Errorf("got %v, want %v at %s", err, tt.kind, tt.path)
			}
		})
	}
}
