package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// preBase is a small fabric with every platform; preLock is the lock
// render writes for it (checked below, so the walk edits real entries).
const preBase = `apiVersion: underlay.dev/v1alpha1
kind: Fabric
metadata: {name: pre}
spec:
  pools:
    asn: {spine: 65100-65199, leaf: 65001-65099, host: 4200000000-4200000099}
    loopbackIPv4: 10.255.0.0/24
    linkIPv4: 10.0.0.0/24
  devices:
  - {name: spine1, role: spine, platform: sonic}
  - {name: leaf1, role: leaf, platform: cumulus}
  - {name: leaf2, role: leaf, platform: nvue}
  - {name: host1, role: host, platform: linux-frr}
  links:
  - spine1:Ethernet0 -- leaf1:swp1
  - spine1:Ethernet4 -- leaf2:swp1
  - leaf1:swp2 -- host1:eth0
`

var preLockEntries = map[string]string{
	"asns.host1": "4200000000", "asns.leaf1": "65001", "asns.leaf2": "65002", "asns.spine": "65100",
	"loopbackIPv4.host1": "10.255.0.1/32", "loopbackIPv4.leaf1": "10.255.0.2/32",
	"loopbackIPv4.leaf2": "10.255.0.3/32", "loopbackIPv4.spine1": "10.255.0.4/32",
	"linkIPv4.host1:eth0--leaf1:swp2": "10.0.0.0/31", "linkIPv4.leaf1:swp1--spine1:Ethernet0": "10.0.0.2/31",
	"linkIPv4.leaf2:swp1--spine1:Ethernet4": "10.0.0.4/31",
}

// preLock writes the lock with entry overridden by value (none when
// entry is "").
func preLock(entry, value string) string {
	tables := map[string][]string{}
	for k, v := range preLockEntries {
		if k == entry {
			v = value
		}
		table, key, _ := strings.Cut(k, ".")
		tables[table] = append(tables[table], fmt.Sprintf("  %s: %s\n", key, v))
	}
	var b strings.Builder
	b.WriteString("apiVersion: underlay.dev/v1alpha1\nkind: FabricLock\n")
	for _, t := range []string{"asns", "loopbackIPv4", "linkIPv4"} {
		sort.Strings(tables[t])
		b.WriteString(t + ":\n" + strings.Join(tables[t], ""))
	}
	return b.String()
}

type preFixture struct {
	name, fabric, lock string
	invalid            bool // validate must fail (else the row proves nothing)
}

// preFixtures walks hostile values through every lock entry, every device
// ASN and the ASN pools, plus intents only a renderer used to refuse.
func preFixtures() []preFixture {
	out := []preFixture{{name: "base", fabric: preBase, lock: preLock("", "")}}
	hostile := []string{"0", "23456", "65535", "4294967295", "0.0", "1.1", "x", "fd00::/31", "fd00::1/32",
		"fd00::1/128", "10.0.0.1/31", "10.0.0.0/30", "10.9.9.0/31", "10.255.0.0/32", "10.255.0.9/32", "10.0.0.2/31", "10.255.0.2/32"}
	for entry := range preLockEntries {
		for _, v := range hostile {
			out = append(out, preFixture{name: "lock " + entry + "=" + v, fabric: preBase, lock: preLock(entry, v),
				invalid: neverValidIn(entry, v)})
		}
	}
	for _, dev := range []string{"spine1", "leaf1", "leaf2", "host1"} {
		for _, v := range []string{"0", "0.0", "23456", "0.23456", "65535", "0.65535", "4294967295", "65535.65535"} {
			f := strings.Replace(preBase, "{name: "+dev+",", "{name: "+dev+", asn: \""+v+"\",", 1)
			out = append(out, preFixture{name: "asn " + dev + "=" + v, fabric: f, invalid: true})
		}
	}
	for _, pool := range []string{"0-100", "0.0-0.100", "65000-65535", "20000-30000", "4294967000-4294967295"} {
		f := strings.Replace(preBase, "leaf: 65001-65099", "leaf: "+pool, 1)
		out = append(out, preFixture{name: "pool leaf=" + pool, fabric: f, invalid: true})
	}
	unified := strings.Replace(preBase, "platform: sonic}", "platform: sonic, sonic: {routingMode: unified}, loopbacks: [10.9.0.1, fd00::1]}", 1)
	out = append(out, preFixture{name: "sonic unified with an IPv6 loopback", fabric: unified, invalid: true})
	return out
}

// neverValidIn reports whether v can be no entry of entry's lock table:
// a reserved or non-integer ASN, or anything but a prefix of the table's
// family and length.
func neverValidIn(entry, v string) bool {
	table, _, _ := strings.Cut(entry, ".")
	switch table {
	case "asns":
		return !regexp.MustCompile(`^[1-9][0-9]*$`).MatchString(v) || v == "23456" || v == "65535" || v == "4294967295"
	case "loopbackIPv4":
		return !strings.HasPrefix(v, "10.") || !strings.HasSuffix(v, "/32")
	}
	return !strings.HasPrefix(v, "10.") || !strings.HasSuffix(v, "/31")
}

// TestValidateOKMeansRenderOK is the promise CI rests on: whatever
// validate passes, render renders, and whatever validate refuses, it
// refuses on a file and line.
func TestValidateOKMeansRenderOK(t *testing.T) {
	located := regexp.MustCompile(`^\S+\.yaml:\d+: `)
	for _, fx := range preFixtures() {
		t.Run(fx.name, func(t *testing.T) {
			dir := t.TempDir()
			p := writeFile(t, dir, "fabric.yaml", fx.fabric)
			if fx.lock != "" {
				writeFile(t, dir, "fabric.lock.yaml", fx.lock)
			}
			vcode, _, vstderr := run(t, "validate", p)
			rcode, _, rstderr := run(t, "render", "-q", p, "-o", filepath.Join(dir, "out"))
			switch {
			case vcode == 0 && rcode != 0:
				t.Fatalf("validate passed, render exit %d:\n%s", rcode, rstderr)
			case vcode == 0 && fx.invalid:
				t.Fatalf("validate passed an invalid intent")
			case vcode != 0 && rcode == 0:
				t.Fatalf("validate failed, render passed:\n%s", vstderr)
			}
			lines := strings.Split(strings.TrimSpace(vstderr), "\n")
			for _, l := range lines[:len(lines)-1] { // the last is the count
				if vcode != 0 && !located.MatchString(l) {
					t.Errorf("validate error without file:line: %s", l)
				}
			}
		})
	}
}

func TestPreLockIsWhatRenderWrites(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "fabric.yaml", preBase)
	if code, _, stderr := run(t, "render", "-q", p, "-o", filepath.Join(dir, "out")); code != 0 {
		t.Fatal(stderr)
	}
	got, err := os.ReadFile(filepath.Join(dir, "fabric.lock.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	_, body, _ := strings.Cut(string(got), "apiVersion:")
	if want := preLock("", ""); "apiVersion:"+body != want {
		t.Fatalf("preLockEntries are stale: render wrote\n%s\nwant\n%s", got, want)
	}
}
