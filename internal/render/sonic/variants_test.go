package sonic_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"underlay.dev/underlay/internal/checker"
	"underlay.dev/underlay/internal/checker/sonicyang"
	"underlay.dev/underlay/internal/intent"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/render/sonic"
	"underlay.dev/underlay/internal/resolve"
	"underlay.dev/underlay/internal/testutil/golden"
)

// variant is one point of the SONiC renderer's input space. Every field
// changes what config_db.json holds: roles and stages (DEVICE_METADATA
// type, which tables appear), numbering and families (INTERFACE keys,
// ipv6_use_link_local_only, BGP_NEIGHBOR), subnets with and without a
// gateway port (INTERFACE vs STATIC_ROUTE), MTU (PORT mtu), 4-byte and
// asdot ASNs (bgp_asn, BGP_NEIGHBOR asn), hardware overrides
// (hwsku/platform/mac) and the pinned routing mode.
type variant struct {
	stages    int    // 3 or 5 (superspines, pods)
	numbering string // numbered, unnumbered, mixed
	dual      bool   // IPv6 loopbacks, links and subnets as well as IPv4
	mode      string // "", split, unified (pinned on the spines)
	fourByte  bool   // 4-byte leaf/host ASNs, an asdot superspine
	mtu       bool   // device and link MTUs
	hw        bool   // hwsku/platform/mac overrides
}

func (v variant) String() string {
	return fmt.Sprintf("%d-stage/%s/dual=%t/mode=%q/4byte=%t/mtu=%t/hw=%t",
		v.stages, v.numbering, v.dual, v.mode, v.fourByte, v.mtu, v.hw)
}

// variants covers every value of every axis, and every pair of the axes
// that interact in config_db (numbering × family × mode × stages); the
// independent ones (ASNs, MTU, hardware) rotate through them.
func variants() []variant {
	var out []variant
	i := 0
	for _, stages := range []int{3, 5} {
		for _, numbering := range []string{"numbered", "unnumbered", "mixed"} {
			for _, dual := range []bool{false, true} {
				for _, mode := range []string{"", "split", "unified"} {
					if mode == "unified" && (numbering != "numbered" || dual || stages == 5) {
						continue // rejected by validation: resolve's TestSONiCRoutingMode covers it
					}
					out = append(out, variant{stages: stages, numbering: numbering, dual: dual, mode: mode,
						fourByte: i%2 == 0, mtu: i%3 != 1, hw: i%2 == 1})
					i++
				}
			}
		}
	}
	return out
}

// intentOf writes the variant as fabric.yaml: two SONiC spines, two SONiC
// leaves (one with a gateway-port subnet and a port-less one), a
// single-homed and (unless unified is pinned) a dual-homed linux-frr host, and in 5 stages a SONiC
// superspine above the pod.
func (v variant) intentOf() string {
	var b strings.Builder
	leafASN, hostASN, spineASN := "65001-65099", "65200-65299", "65100-65199"
	if v.fourByte {
		leafASN, hostASN = "4200000001-4200000999", "4210000001-4210099999"
	}
	fmt.Fprintf(&b, "apiVersion: underlay.dev/v1alpha1\nkind: Fabric\nmetadata: {name: v}\nspec:\n  pools:\n")
	fmt.Fprintf(&b, "    asn: {superspine: 65300-65399, spine: %s, leaf: %s, host: %s}\n", spineASN, leafASN, hostASN)
	b.WriteString("    loopbackIPv4: 10.255.0.0/24\n    linkIPv4: 10.0.0.0/24\n")
	if v.dual {
		b.WriteString("    loopbackIPv6: fd00:255::/64\n    linkIPv6: fd00:1::/64\n")
	}
	fmt.Fprintf(&b, "  bgp: {unnumbered: %t}\n  devices:\n", v.numbering == "unnumbered")
	pod := ""
	if v.stages == 5 {
		pod = ", pod: 1"
		asn := ""
		if v.fourByte {
			asn = `, asn: "1.10"`
		}
		fmt.Fprintf(&b, "  - {name: ss1, role: superspine, platform: sonic%s%s}\n", asn, v.sonic(false))
	}
	for _, s := range []string{"s1", "s2"} {
		fmt.Fprintf(&b, "  - {name: %s, role: spine, platform: sonic%s%s}\n", s, pod, v.sonic(true))
	}
	mtu := ""
	if v.mtu {
		mtu = ", mtu: 9100"
	}
	subnets := "[{prefix: 10.1.1.0/24, port: Ethernet40}, {prefix: 10.1.2.0/24}"
	if v.dual {
		subnets += ", {prefix: 'fd00:10:1::/64', port: Ethernet44}, {prefix: 'fd00:10:2::/64'}"
	}
	fmt.Fprintf(&b, "  - {name: l1, role: leaf, platform: sonic%s%s, subnets: %s]%s}\n", pod, mtu, subnets, v.sonic(false))
	fmt.Fprintf(&b, "  - {name: l2, role: leaf, platform: sonic%s, subnets: [{prefix: 10.2.0.0/24}]%s}\n", pod, v.sonic(false))
	b.WriteString("  - {name: h1, role: host, platform: linux-frr}\n  - {name: h2, role: host, platform: linux-frr}\n")
	b.WriteString("  links:\n")
	links := []string{"l1:Ethernet0 -- s1:Ethernet0", "l1:Ethernet4 -- s2:Ethernet0", "l2:Ethernet0 -- s1:Ethernet4",
		"l2:Ethernet4 -- s2:Ethernet4", "l1:Ethernet8 -- h1:eth0", "l1:Ethernet12 -- h2:eth0"}
	if v.mode != "unified" {
		// A dual-homed host gives the spines equal paths with different AS
		// paths, which unified mode would break by age: validation rejects
		// a pinned unified mode then (TestSONiCRoutingMode in resolve).
		links = append(links, "l2:Ethernet8 -- h2:eth1")
	}
	if v.stages == 5 {
		links = append(links, "s1:Ethernet8 -- ss1:Ethernet0", "s2:Ethernet8 -- ss1:Ethernet4")
	}
	for i, l := range links {
		extra := ""
		if v.numbering == "mixed" && i%2 == 1 {
			extra += ", unnumbered: true"
		}
		if v.mtu && i == 0 {
			extra += ", mtu: 9000"
		}
		fmt.Fprintf(&b, "  - {endpoints: %q%s}\n", l, extra)
	}
	return b.String()
}

// sonic is the device's sonic: block (or nothing).
func (v variant) sonic(spine bool) string {
	var kv []string
	if v.hw {
		kv = append(kv, "hwsku: Mellanox-SN2700", "platform: x86_64-mlnx_msn2700-r0", `mac: "52:54:00:AB:CD:EF"`)
	}
	if spine && v.mode != "" {
		kv = append(kv, "routingMode: "+v.mode)
	}
	if len(kv) == 0 {
		return ""
	}
	return ", sonic: {" + strings.Join(kv, ", ") + "}"
}

// bgpcfgdTables are the CONFIG_DB tables bgpcfgd turns into FRR commands
// (src/sonic-bgpcfgd/bgpcfgd/main.py's managers). bgpcfgd runs in split
// mode too, so a split config_db holding any of them would have bgpcfgd
// push into the FRR configuration underlay owns.
var bgpcfgdTables = []string{"BGP_NEIGHBOR", "BGP_INTERNAL_NEIGHBOR", "BGP_MONITORS", "BGP_PEER_RANGE",
	"BGP_VOQ_CHASSIS_NEIGHBOR", "BGP_SENTINELS", "BGP_ALLOWED_PREFIXES", "BGP_BBR", "STATIC_ROUTE",
	"BGP_DEVICE_GLOBAL", "BGP_AGGREGATE_ADDRESS", "SRV6_MY_SIDS", "SRV6_MY_LOCATORS"}

func checkNothingForBgpcfgd(t *testing.T, name string, db []byte) {
	t.Helper()
	var tables map[string]json.RawMessage
	if err := json.Unmarshal(db, &tables); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	for _, tn := range bgpcfgdTables {
		if _, ok := tables[tn]; ok {
			t.Errorf("%s: split-mode config_db.json holds %s, which bgpcfgd would push into underlay's FRR", name, tn)
		}
	}
}

func resolveVariant(t *testing.T, text string) *model.Fabric {
	t.Helper()
	doc, err := intent.Parse("fabric.yaml", []byte(text))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, text)
	}
	res, errs := resolve.Resolve(doc.Fabric, nil)
	if len(errs) > 0 {
		t.Fatalf("resolve: %v\n%s", doc.Locate(errs), text)
	}
	return res.Fabric
}

// TestEveryVariantIsYANGValid renders every SONiC device of every variant
// and validates each config_db.json with the real yanglint over SONiC's
// YANG models (internal/checker/sonicyang), the same check the agent runs
// before it applies: a file we render and the agent rejects is a fabric
// that cannot be deployed. Split-mode frr.conf files go through vtysh -C,
// and their config_db must leave bgpcfgd nothing to push.
func TestEveryVariantIsYANGValid(t *testing.T) {
	type job struct{ name, db string }
	seen := map[string]string{} // config_db → first variant/device that rendered it
	var jobs []job
	frrSeen := map[string]bool{}
	for _, v := range variants() {
		f := resolveVariant(t, v.intentOf())
		for _, d := range f.Devices {
			if d.Platform != model.PlatformSONiC {
				continue
			}
			files, err := sonic.Renderer{}.Render(f, d)
			if err != nil {
				t.Errorf("%s: %s: %v", v, d.Name, err)
				continue
			}
			db := string(files[0].Content)
			if len(files) == 2 { // split: frr.conf is ours
				checkNothingForBgpcfgd(t, v.String()+" "+d.Name, files[0].Content)
				if conf := string(files[1].Content); !frrSeen[conf] && !testing.Short() {
					frrSeen[conf] = true
					golden.Checked(t, v.String()+" "+d.Name+" frr.conf", checker.FRR(context.Background(), files[1].Content))
				}
			}
			if _, dup := seen[db]; !dup {
				seen[db] = v.String() + " " + d.Name
				jobs = append(jobs, job{seen[db], db})
			}
		}
	}
	if testing.Short() {
		t.Skipf("-short: %d distinct config_db.json rendered, yanglint skipped", len(jobs))
	}
	schema, err := sonicyang.Shared()
	if err == nil {
		_, err = exec.LookPath("yanglint")
	}
	if err != nil {
		golden.Unavailable(t, "SONiC YANG check: "+err.Error())
	}
	t.Logf("%d distinct config_db.json files from %d variants", len(jobs), len(variants()))
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2) // yanglint loads 146 models per run
	for _, j := range jobs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			err := schema.Check(context.Background(), []byte(j.db))
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Errorf("%s: %v", j.name, err)
			}
		}()
	}
	wg.Wait()
}
