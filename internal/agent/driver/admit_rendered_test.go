package driver

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"underlay.dev/underlay/internal/gen"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/render/frr"
	"underlay.dev/underlay/internal/render/frr/frrtest"
	"underlay.dev/underlay/internal/render/renderers"
	"underlay.dev/underlay/internal/testutil/fabrics"
)

// repoRoot is the repository, three levels above this package.
const repoRoot = "../../.."

// renderedKind says which admission a rendered file goes through, by its
// name: "" for files neither driver reads.
func renderedKind(path string) string {
	base := filepath.Base(path)
	switch {
	case strings.Contains(base, ".actual"):
		return "" // a failed golden test's output, ignored by git
	case base == "interfaces" || strings.Contains(path, "render/ifupdown2/testdata/"):
		return "interfaces"
	case base == "isc-dhcp-relay" || strings.Contains(path, "render/dhcprelay/testdata/"):
		return "isc-dhcp-relay"
	case base == "frr.conf" || strings.HasSuffix(base, "-frr.conf") ||
		(strings.HasSuffix(base, ".conf") && (strings.Contains(path, "render/frr/") || strings.Contains(path, "render/linuxfrr/"))):
		return "frr.conf"
	}
	return ""
}

// TestAdmitRendered: every interfaces file and frr.conf of every example
// tree (examples/*/rendered) and every renderer golden passes the
// admission. This is the proof that the allow-lists are not narrower than
// what underlay renders.
func TestAdmitRendered(t *testing.T) {
	var roots []string
	examples, err := filepath.Glob(filepath.Join(repoRoot, "examples", "*", "rendered"))
	if err != nil {
		t.Fatal(err)
	}
	goldens, err := filepath.Glob(filepath.Join(repoRoot, "internal", "render", "*", "testdata"))
	if err != nil {
		t.Fatal(err)
	}
	roots = append(append(roots, examples...), goldens...)
	count := map[string]int{}
	for _, root := range roots {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			kind := renderedKind(filepath.ToSlash(path))
			if kind == "" {
				return nil
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			count[kind]++
			admit := map[string]func([]byte) error{"frr.conf": admitFRR, "interfaces": admitInterfaces,
				"isc-dhcp-relay": admitRelay}[kind]
			if err := admit(b); err != nil {
				t.Errorf("%s: %v", path, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// Counted when this test was written: 5 example and 6 golden
	// interfaces files, 17 example and 14 golden frr.conf files. Fewer
	// means the walk lost its files and proves nothing.
	// The bare-metal goldens (issue #11) added 3 interfaces and 2 relay
	// files.
	if len(examples) < 3 || count["interfaces"] < 14 || count["frr.conf"] < 31 || count["isc-dhcp-relay"] < 2 {
		t.Fatalf("found %d example trees, %v rendered files: fewer than there are", len(examples), count)
	}
	t.Logf("admitted %v rendered files from %d roots", count, len(roots))
}

// TestAdmitGenerated renders generated fabrics of every shape gen makes
// (numbered and unnumbered, 3- and 5-stage, hosts, every platform with
// FRR or ifupdown2) and admits every frr.conf and interfaces file.
func TestAdmitGenerated(t *testing.T) {
	shapes := []gen.Clos{
		{Spines: 2, Leaves: 2, HostsPerLeaf: 2, Platform: "cumulus"},
		{Spines: 2, Leaves: 2, HostsPerLeaf: 1, Unnumbered: true, Platform: "cumulus", SpinePlatform: "sonic"},
		{Spines: 2, Leaves: 2, Platform: "sonic"},
		{Spines: 2, Leaves: 2, Superspines: 2, Pods: 2, HostsPerLeaf: 1, Unnumbered: true, Platform: "cumulus"},
	}
	count := map[string]int{}
	for _, shape := range shapes {
		f := fabrics.Clos(t, shape)
		for _, d := range f.Devices {
			r, err := renderers.For(d.Platform)
			if err != nil {
				t.Fatal(err)
			}
			files, err := r.Render(f, d)
			if err != nil {
				t.Fatal(err)
			}
			for _, file := range files {
				admit := map[string]func([]byte) error{"frr.conf": admitFRR, "interfaces": admitInterfaces}[file.Name]
				if admit == nil {
					continue
				}
				count[file.Name]++
				if err := admit(file.Content); err != nil {
					t.Errorf("%+v %s %s: %v", shape, d.Name, file.Name, err)
				}
			}
		}
	}
	if count["frr.conf"] == 0 || count["interfaces"] == 0 {
		t.Fatalf("rendered %v: the shapes lost a platform", count)
	}
	t.Logf("admitted %v generated files", count)
}

// TestAdmitPeers renders what no intent builds yet (external neighbours,
// a group with its listen range, limit and maximum prefix count, ge/le
// rules, a second instance; frrtest.Peers) and admits it: the allow-list
// knows every command the renderer emits for them.
func TestAdmitPeers(t *testing.T) {
	f, leaf1 := frrtest.Peers()
	for _, opt := range []frr.Options{{}, {OwnAddresses: true}} {
		conf, err := frr.Render(f, leaf1, opt)
		if err != nil {
			t.Fatal(err)
		}
		// The constructs must be there, or admitting the file proves nothing.
		for _, want := range []string{"\nrouter bgp 4200000001 vrf " + frrtest.VRF + "\n", "\n neighbor k8s-rack1 peer-group\n",
			"\n neighbor k8s-rack1 remote-as external\n", "\n neighbor rack2 remote-as 65010\n",
			"\n bgp listen range 10.1.0.0/24 peer-group k8s-rack1\n", "\n bgp listen limit 200\n",
			"\n  neighbor k8s-rack1 maximum-prefix 50\n", " ge 26 le 26\n", "\n neighbor swp22 interface remote-as 65501\n",
			"\n neighbor 192.168.10.2 remote-as 65500\n"} {
			if !strings.Contains(string(conf), want) {
				t.Errorf("%+v: the rendered file has no %q", opt, want)
			}
		}
		if err := admitFRR(conf); err != nil {
			t.Errorf("%+v: %v", opt, err)
		}
	}
}

// TestAdmitBaremetal admits every frr.conf of the bare-metal example
// (examples/baremetal): VRFs with their L3VNI, router bgp vrf, the EVPN
// family of leaves (advertise-all-vni) and spines, advertise ipv4 unicast.
func TestAdmitBaremetal(t *testing.T) {
	f := fabrics.Example(t, "baremetal")
	seen := map[string]bool{}
	for _, d := range f.Devices {
		if d.Platform == model.PlatformNVUE {
			continue
		}
		conf, err := frr.Render(f, d, frr.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []string{"\nvrf tenant-a\n vni 10000\nexit-vrf\n", "\n  advertise-all-vni\n", "\n  advertise ipv4 unicast\n",
			"\n address-family l2vpn evpn\n"} {
			seen[c] = seen[c] || strings.Contains(string(conf), c)
		}
		if err := admitFRR(conf); err != nil {
			t.Errorf("%s: %v", d.Name, err)
		}
	}
	for c, ok := range seen {
		if !ok {
			t.Errorf("no rendered file has %q: admitting them proves nothing", c)
		}
	}
}
