package nvuefrr

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// externalsLeaf2 is the NVUE renderer's golden of a leaf peering with a
// firewall by address, a router over an interface and a group of
// Kubernetes nodes from a listen range.
const externalsLeaf2 = "../../render/nvue/testdata/TestGolden/externals-leaf2.yaml"

func TestPeerGroupsAndListenRanges(t *testing.T) {
	res := translate(t, load(t, externalsLeaf2))
	bgp := section(res.FRR, "router bgp 65002", "! end of router bgp")
	wantLines(t, "router bgp", bgp, "neighbor k8s-rack1 peer-group", "neighbor k8s-rack1 remote-as external",
		"neighbor k8s-rack1 description k8s-rack1",
		"neighbor k8s-rack1 timers 3 9", "bgp listen limit 50", "bgp listen range 10.1.0.0/24 peer-group k8s-rack1",
		"neighbor 192.168.10.2 remote-as 65500", "neighbor 192.168.10.2 description fw1",
		"neighbor swp22 interface remote-as 65501", "neighbor swp22 capability extended-nexthop")
	// FRR refuses a listen range whose peer group it has not seen yet.
	if group, listen := strings.Index(string(res.FRR), "neighbor k8s-rack1 peer-group"),
		strings.Index(string(res.FRR), "bgp listen range"); group > listen {
		t.Errorf("the listen range comes before its peer group:\n%s", res.FRR)
	}
	af := section(res.FRR, "address-family ipv4 unicast", "exit-address-family")
	wantLines(t, "ipv4 unicast", af, "neighbor k8s-rack1 activate", "neighbor k8s-rack1 maximum-prefix 50",
		"neighbor k8s-rack1 route-map UNDERLAY-IMPORT-k8s-rack1 in", "neighbor swp22 route-map UNDERLAY-EXPORT-rtr2 out")
	wantLines(t, "frr.conf", strings.Split(string(res.FRR), "\n"),
		"ip prefix-list UNDERLAY-IMPORT-k8s-rack1-V4 seq 10 permit 10.244.0.0/16 ge 26 le 26",
		"ip prefix-list UNDERLAY-IMPORT-rtr2-V4 seq 10 permit 10.50.0.0/16 le 24")
	checkFRR(t, res.FRR)
	checkBGPD(t, res.FRR)
}

// checkBGPD has bgpd itself load conf (--dryrun), which vtysh -C does not:
// it refuses a listen range before its peer group, a prefix list's ge
// below the prefix's length. bgpd exits 0 either way, so its messages
// are what fails.
func checkBGPD(t *testing.T, conf []byte) {
	t.Helper()
	const bgpd = "/usr/lib/frr/bgpd"
	if _, err := os.Stat(bgpd); err != nil {
		if os.Getenv("UNDERLAY_REQUIRE_CHECKERS") == "1" {
			t.Fatalf("bgpd is required (UNDERLAY_REQUIRE_CHECKERS=1): %v", err)
		}
		t.Skip("no bgpd: install frr")
	}
	// bgpd reads the file as user frr, after dropping root: t.TempDir's
	// parent is root's alone.
	dir, err := os.MkdirTemp("", "nvuefrr-bgpd-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	file := filepath.Join(dir, "frr.conf")
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// Static routes are staticd's, a VRF's VNI (vrf X / vni N /
	// exit-vrf) zebra's: bgpd knows no such command.
	var bgpOnly []string
	inVRF := false
	for _, l := range strings.Split(string(conf), "\n") {
		switch {
		case strings.HasPrefix(l, "vrf "):
			inVRF = true
		case l == "exit-vrf":
			inVRF = false
		case !inVRF && !strings.HasPrefix(l, "ip route ") && !strings.HasPrefix(l, "ipv6 route "):
			bgpOnly = append(bgpOnly, l)
		}
	}
	if err := os.WriteFile(file, []byte(strings.Join(bgpOnly, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	// Its own pathspace, so it meets no running FRR; removed afterwards.
	ns := fmt.Sprintf("nvuefrr-test-%d", os.Getpid())
	t.Cleanup(func() { os.RemoveAll(filepath.Join("/var/run/frr", ns)) })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bgpd, "-C", "-f", file, "-N", ns).CombinedOutput()
	if err != nil || bgpdRefused.Match(out) {
		t.Errorf("bgpd --dryrun refuses the frr.conf: %v\n%s--- frr.conf:\n%s", err, out, conf)
	}
}

var bgpdRefused = regexp.MustCompile(`Configuration failed|Config Failed|No such command|Configure the peer-group first|open configuration file`)

func TestRejectsGroups(t *testing.T) {
	bgp := func(d map[string]any) map[string]any { return at(d, "vrf", "default", "router", "bgp") }
	tests := map[string]struct {
		edit func(doc map[string]any)
		path string
		kind error
	}{
		"listen range of no group": {func(d map[string]any) {
			at(bgp(d), "dynamic-neighbor", "listen-range", "10.1.0.0/24")["peer-group"] = "k8s-rack2"
		}, "vrf.default.router.bgp.dynamic-neighbor.listen-range.10.1.0.0/24.peer-group", ErrInvalid},
		"listen range with host bits": {func(d map[string]any) {
			at(bgp(d), "dynamic-neighbor", "listen-range")["10.1.0.1/24"] = map[string]any{"peer-group": "k8s-rack1"}
		}, "vrf.default.router.bgp.dynamic-neighbor.listen-range.10.1.0.1/24", ErrInvalid},
		"limit too high": {func(d map[string]any) { at(bgp(d), "dynamic-neighbor")["limit"] = 5001.0 },
			"vrf.default.router.bgp.dynamic-neighbor.limit", ErrInvalid},
		"unknown peer group key": {func(d map[string]any) { at(bgp(d), "peer-group", "k8s-rack1")["password"] = "x" },
			"vrf.default.router.bgp.peer-group.k8s-rack1.password", ErrUnknownKey},
		"ge below the length": {func(d map[string]any) {
			at(d, "router", "policy", "prefix-list", "UNDERLAY-IMPORT-k8s-rack1-V4", "rule", "10", "match", "10.244.0.0/16")["min-prefix-len"] = 15.0
		}, "router.policy.prefix-list.UNDERLAY-IMPORT-k8s-rack1-V4.rule.10.match.10.244.0.0/16.min-prefix-len", ErrInvalid},
		"le below ge": {func(d map[string]any) {
			at(d, "router", "policy", "prefix-list", "UNDERLAY-IMPORT-k8s-rack1-V4", "rule", "10", "match", "10.244.0.0/16")["max-prefix-len"] = 25.0
		}, "router.policy.prefix-list.UNDERLAY-IMPORT-k8s-rack1-V4.rule.10.match.10.244.0.0/16.max-prefix-len", ErrInvalid},
		"prefix limit zero": {func(d map[string]any) {
			at(bgp(d), "peer-group", "k8s-rack1", "address-family", "ipv4-unicast", "prefix-limits", "inbound")["maximum"] = 0.0
		}, "vrf.default.router.bgp.peer-group.k8s-rack1.address-family.ipv4-unicast.prefix-limits.inbound.maximum", ErrInvalid},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			doc := load(t, externalsLeaf2)
			tt.edit(doc)
			_, err := Translate(doc)
			if !errors.Is(err, tt.kind) || !strings.Contains(err.Error(), tt.path+": ") {
				t.Errorf("got %v, want %v at %s", err, tt.kind, tt.path)
			}
		})
	}
}
