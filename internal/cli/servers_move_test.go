package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	diffpkg "underlay.dev/underlay/internal/diff"
)

// moveFabric has a server of every attachment on an NVUE and a SONiC
// leaf (the platforms whose renderers render servers; Cumulus' ifupdown2
// is still to come), with Ironic's networks relayed to a DHCP server on
// leaf1.
const moveFabric = `apiVersion: underlay.dev/v1alpha1
kind: Fabric
metadata: {name: move}
spec:
  pools:
    asn: {spine: 65100-65199, leaf: 65001-65099}
    loopbackIPv4: 10.255.0.0/24
    linkIPv4: 10.0.0.0/24
  devices:
  - {name: spine1, role: spine, platform: sonic}
  - {name: leaf1, role: leaf, platform: nvue}
  - {name: leaf2, role: leaf, platform: sonic}
  links:
  - spine1:Ethernet0 -- leaf1:swp49
  - spine1:Ethernet4 -- leaf2:Ethernet192
  networks:
  - {name: dhcp, vlan: 10, subnets: [{leaf: leaf1, prefix: 10.20.1.0/24}]}
  - {name: provisioning, kind: provisioning, pool: 10.10.0.0/16, relay: [10.20.1.10]}
  - {name: cleaning, kind: cleaning, pool: 10.11.0.0/16, relay: [10.20.1.10]}
  - {name: tenant-a, kind: tenant, pool: 10.100.0.0/16}
  servers:
  - {name: pxe, leaf: leaf1, ports: [swp10], untagged: dhcp}
  - {name: srv1, leaf: leaf1, ports: [swp1, swp2], untagged: provisioning}
  - {name: srv2, leaf: leaf1, ports: [swp3], untagged: cleaning}
  - {name: srv3, leaf: leaf2, ports: [Ethernet0, Ethernet4], untagged: provisioning}
  - {name: srv4, leaf: leaf2, ports: [Ethernet8], untagged: tenant-a}
`

// TestServerMoveDiffsOnlyItsPort: moving a server to another network is a
// one-line intent change whose `underlay diff` (with the lock) changes one
// file of the server's leaf, and in it only values under that port's or
// bond's keys (NVUE interface.<port>.bridge..., SONiC VLAN_MEMBER
// Vlan<N>|<port>): the file is parsed, since a line diff of JSON realigns
// neighbouring keys.
func TestServerMoveDiffsOnlyItsPort(t *testing.T) {
	tests := []struct {
		name, from, to string
		file, port     string // the file that changes, and the port or bond in it
	}{
		{"NVUE bond to a tenant", "ports: [swp1, swp2], untagged: provisioning}", "ports: [swp1, swp2], untagged: tenant-a}", "leaf1/nvue.yaml", "bond1"},
		{"NVUE port to provisioning", "ports: [swp3], untagged: cleaning}", "ports: [swp3], untagged: provisioning}", "leaf1/nvue.yaml", "swp3"},
		{"NVUE port gains a tagged network", "ports: [swp3], untagged: cleaning}", "ports: [swp3], untagged: cleaning, tagged: [tenant-a]}", "leaf1/nvue.yaml", "swp3"},
		{"SONiC port to cleaning", "ports: [Ethernet8], untagged: tenant-a}", "ports: [Ethernet8], untagged: cleaning}", "leaf2/config_db.json", "Ethernet8"},
		{"SONiC bond to cleaning, tenant tagged", "ports: [Ethernet0, Ethernet4], untagged: provisioning}",
			"ports: [Ethernet0, Ethernet4], untagged: cleaning, tagged: [tenant-a]}", "leaf2/config_db.json", "PortChannel0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			oldPath := writeFile(t, dir, "fabric.yaml", moveFabric)
			if code, _, stderr := run(t, "render", "-q", oldPath, "-o", filepath.Join(dir, "out")); code != 0 {
				t.Fatalf("render: %s", stderr)
			}
			lock, err := os.ReadFile(filepath.Join(dir, "fabric.lock.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			moved := strings.Replace(moveFabric, tt.from, tt.to, 1)
			if moved == moveFabric {
				t.Fatalf("%q is not in the fabric", tt.from)
			}
			newDir := filepath.Join(dir, "new")
			if err := os.Mkdir(newDir, 0o755); err != nil {
				t.Fatal(err)
			}
			writeFile(t, newDir, "fabric.lock.yaml", string(lock))
			newPath := writeFile(t, newDir, "fabric.yaml", moved)
			code, out, stderr := run(t, "diff", oldPath, newPath)
			if code != 0 {
				t.Fatalf("diff: exit %d: %s", code, stderr)
			}
			if files := diffFiles(out); len(files) != 1 || files[0] != tt.file {
				t.Fatalf("the move changed %q, want only %s:\n%s", files, tt.file, out)
			}
			before, after := nativeFile(t, oldPath, tt.file), nativeFile(t, newPath, tt.file)
			changed := changedPaths(before, after)
			if len(changed) == 0 {
				t.Fatalf("%s parses the same before and after:\n%s", tt.file, out)
			}
			t.Logf("changed: %v", changed)
			for _, p := range changed {
				if !strings.Contains(p, tt.port) {
					t.Errorf("the move changed %s, which is not %s's", p, tt.port)
				}
			}
		})
	}
}

// diffFiles lists the files a unified diff changes.
func diffFiles(diff string) []string {
	var out []string
	for _, l := range strings.Split(diff, "\n") {
		if f, ok := strings.CutPrefix(l, "+++ b/"); ok {
			out = append(out, f)
		}
	}
	return out
}

// nativeFile renders the intent at path (with its lock) and parses one of
// its native files, JSON or YAML.
func nativeFile(t *testing.T, path, file string) any {
	t.Helper()
	_, tree, err := loadTree(path)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := yaml.Unmarshal(diffpkg.Native(tree)[file], &v); err != nil { // JSON is YAML
		t.Fatalf("%s: %v", file, err)
	}
	return v
}

// changedPaths returns the dotted paths of the leaves (scalars, empty
// maps) that differ between a and b, sorted.
func changedPaths(a, b any) []string {
	fa, fb := map[string]string{}, map[string]string{}
	flatten("", a, fa)
	flatten("", b, fb)
	var out []string
	for k, v := range fa {
		if w, ok := fb[k]; !ok || w != v {
			out = append(out, k)
		}
	}
	for k := range fb {
		if _, ok := fa[k]; !ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func flatten(prefix string, v any, out map[string]string) {
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 0 {
			out[prefix] = "{}"
		}
		for k, e := range x {
			flatten(prefix+"."+k, e, out)
		}
	case []any:
		for i, e := range x {
			flatten(fmt.Sprintf("%s[%d]", prefix, i), e, out)
		}
	default:
		out[prefix] = fmt.Sprint(x)
	}
}
