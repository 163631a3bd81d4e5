package resolve_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"underlay.dev/underlay/internal/model"
)

// hostileValues are what a careless or hostile intent puts where a
// network's or a server's scalar belongs: VLANs and prefix lengths out of
// every range, reserved VLANs, the wrong type, YAML tags and aliases,
// names with odd characters, special and IPv6 addresses, empty lists.
var hostileValues = []string{"", "0", "-1", "4095", "4096", "3725", "4064", "99999999999999999999", "-99999999999", "1e309",
	"1.5", strings.Repeat("a", 300), "[]", "{}", "null", "~", "true", `"\x00"`, `"../../etc"`, `"a b"`, `"a:b"`,
	`"bond5 "`, "PortChannel99999", "!!binary AAAA", "&x [*x]", "[a, b, c]", "{a: 1}", "::", "0.0.0.0/0", "::/0",
	"10.0.0.0/33", "fd00::/129", "fd00:30::/48", "fd00::/127", "fe80::1/64", "224.0.0.1", "255.255.255.255",
	"127.0.0.1", "10.255.0.0/24", "default", "mgmt", "leaf1:swp5", "spine1", "host1", "leaf9", "Ethernet-1", "swp0"}

// hostileBase is netBase with its VLAN and VNI pools written out.
var hostileBase = replace(netBase, "    linkIPv4: 10.0.0.0/24\n", "    linkIPv4: 10.0.0.0/24\n    vlans: 100-999\n    vnis: 10000-10999\n")

// netScalar finds each scalar of a YAML line, as the CLI's hostile test does.
var netScalar = regexp.MustCompile(`(: |- |\[|, )([^,\[\]{}:\s][^,\]}]*)`)

var located = regexp.MustCompile(`^fabric(\.lock)?\.yaml:[0-9]+: `)

// TestHostileNetworkValues puts every hostile value in place of every
// scalar of netBase's networks, servers and pools, and of netLock's
// network tables, one at a time. Each must resolve, or fail with errors
// that are every one on a line of the intent or the lock; none may panic.
func TestHostileNetworkValues(t *testing.T) {
	if testing.Short() {
		t.Skip("thousands of intents")
	}
	n := 0
	for _, target := range []string{"fabric", "lock"} {
		src := map[string]string{"fabric": hostileBase, "lock": netLock}[target]
		lines := strings.Split(src, "\n")
		for i, line := range lines {
			if target == "fabric" && i+1 < 22 && !strings.Contains(line, "vlans: ") && !strings.Contains(line, "vnis: ") ||
				target == "lock" && i+1 < 24 {
				continue // the devices and links: the CLI's hostile test covers them
			}
			for _, loc := range netScalar.FindAllStringSubmatchIndex(line, -1) {
				for _, h := range hostileValues {
					changed := append([]string{}, lines...)
					changed[i] = line[:loc[4]] + h + line[loc[5]:]
					text := strings.Join(changed, "\n")
					fabric, lock := text, netLock
					if target == "lock" {
						fabric, lock = hostileBase, text
					}
					n++
					if problem := hostileProblem(t, fabric, lock); problem != "" {
						t.Errorf("%s line %d as %q: %s", target, i+1, h, problem)
					}
				}
			}
		}
	}
	if n < 2000 {
		t.Fatalf("only %d mutants: the scalar pattern lost the file's values", n)
	}
	t.Logf("%d hostile intents and locks: each valid or located errors", n)
}

// hostileProblem loads the intent and lock and says what is wrong with
// the outcome, or "".
func hostileProblem(t *testing.T, fabric, lock string) (problem string) {
	t.Helper()
	defer func() {
		if p := recover(); p != nil {
			problem = fmt.Sprintf("panic: %v", p)
		}
	}()
	_, errs := loadFiles(t, fabric, lock)
	for _, e := range errs {
		if !located.MatchString(e) {
			return "error without file:line: " + e
		}
	}
	return ""
}

// TestManyServersOnOnePort: 10,000 servers on one leaf port are 9,999
// located errors, each naming the first server, in well under a second.
func TestManyServersOnOnePort(t *testing.T) {
	var b strings.Builder
	b.WriteString(netBase)
	for i := range 10_000 {
		fmt.Fprintf(&b, "  - {name: x%d, leaf: leaf2, ports: [swp9], untagged: tenant-a}\n", i)
	}
	start := time.Now()
	_, errs := loadFiles(t, b.String(), "")
	took := time.Since(start)
	if len(errs) != 9_999 {
		t.Fatalf("got %d errors, want 9,999; the first: %v", len(errs), errs[:min(len(errs), 3)])
	}
	want := `fabric.yaml:30: spec.servers[x1].ports[0]: Duplicate value: "leaf2:swp9 (already used by spec.servers[x0].ports[0])"`
	if errs[0] != want {
		t.Errorf("first error:\n got %s\nwant %s", errs[0], want)
	}
	if took > 5*time.Second { // generous: the machine is shared
		t.Errorf("10,000 servers on one port took %v", took)
	}
}

// TestIPv6NetworkPool: a network's IPv6 pool gives each leaf its own /64
// (the blocks start beyond the address's low 64 bits), the gateway its
// first address.
func TestIPv6NetworkPool(t *testing.T) {
	res, errs := resolveText(t, replace(netBase, "pool: 10.30.0.0/16}", `pool: "fd00:30::/48"}`), nil)
	if errs != nil {
		t.Fatal(errs)
	}
	var got []string
	for _, n := range res.Fabric.Networks {
		if n.Name != "web" {
			continue
		}
		for _, sn := range n.Subnets {
			got = append(got, sn.Leaf.Name+" "+sn.Prefix.String()+" "+sn.Gateway.String())
		}
	}
	want := []string{"leaf1 fd00:30::/64 fd00:30::1/64", "leaf2 fd00:30:0:1::/64 fd00:30:0:1::1/64", "leaf3 fd00:30:0:2::/64 fd00:30:0:2::1/64"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("web's subnets (-want +got):\n%s", diff)
	}
}

// TestEmptyListsAreUnset: an empty list of tagged networks, leaves, relay
// servers or subnets is the field left out.
func TestEmptyListsAreUnset(t *testing.T) {
	want, errs := resolveText(t, netBase, nil)
	if errs != nil {
		t.Fatal(errs)
	}
	got, errs := resolveText(t, replace(netBase,
		"untagged: provisioning}", "untagged: provisioning, tagged: []}",
		"{name: web, vlan: 300, pool: 10.30.0.0/16}", "{name: web, vlan: 300, pool: 10.30.0.0/16, leaves: [], relay: [], subnets: []}"), nil)
	if errs != nil {
		t.Fatal(errs)
	}
	if diff := cmp.Diff(string(model.Dump(want.Fabric)), string(model.Dump(got.Fabric))); diff != "" {
		t.Errorf("empty lists changed the model (-omitted +empty):\n%s", diff)
	}
}
