package verify

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/gen"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/testutil/fabrics"
)

func TestGeneratedFabricsPass(t *testing.T) {
	for _, c := range []gen.Clos{
		{Spines: 4, Leaves: 8, HostsPerLeaf: 2, Unnumbered: true},
		{Superspines: 4, Pods: 3, Spines: 2, Leaves: 4},
		{Superspines: 3, Pods: 2, Spines: 2, Leaves: 3, HostsPerLeaf: 1},
	} {
		r := Verify(fabrics.Clos(t, c), Options{})
		if len(r.Checks) < 4 {
			t.Errorf("%+v: only %d checks ran", c, len(r.Checks))
		}
		for _, chk := range r.Checks {
			if !chk.Pass {
				t.Errorf("%+v: %s fails: %+v", c, chk.Name, chk.Findings[:min(3, len(chk.Findings))])
			}
		}
	}
}

func benchVerify(b *testing.B, c gen.Clos, failures string) {
	f := fabrics.Clos(b, c)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if r := Verify(f, Options{Failures: failures}); len(r.Checks) == 0 {
			b.Fatal("no checks")
		}
	}
}

// 200 devices: 8 spines x 192 leaves.
func BenchmarkVerify200(b *testing.B) { benchVerify(b, gen.Clos{Spines: 8, Leaves: 192}, "") }

// Every single link and device failure of the 200-device fabric. Target: < 30 s.
func BenchmarkVerify200Failures(b *testing.B) {
	benchVerify(b, gen.Clos{Spines: 8, Leaves: 192}, "all")
}

// About 2,000 devices: 5-stage, 8 pods.
func BenchmarkVerify2000(b *testing.B) {
	benchVerify(b, gen.Clos{Superspines: 16, Pods: 13, Spines: 4, Leaves: 148}, "")
}

// 10,000 devices, 5-stage. Target: < 10 s, < 4 GiB.
func BenchmarkVerify10000(b *testing.B) {
	benchVerify(b, gen.Clos{Superspines: 16, Pods: 64, Spines: 4, Leaves: 152}, "")
}

// baremetalClos is the bare-metal benchmark fabric: 8 spines × 192 leaves
// (200 devices), 40 servers per leaf (7,680 servers, half of them bonded
// over two ports), six networks on every leaf: Ironic's provisioning,
// cleaning and inspection (relayed to a DHCP server on the servers
// network), two tenant VRFs over EVPN, and one servers network.
func baremetalClos(tb testing.TB) *model.Fabric {
	tb.Helper()
	c := gen.Clos{Spines: 8, Leaves: 192, Unnumbered: true}
	in, err := c.Build()
	if err != nil {
		tb.Fatal(err)
	}
	relay := []string{"10.70.0.10"}
	in.Spec.Networks = []v1alpha1.Network{
		{Name: "provisioning", Kind: "provisioning", Pool: "10.64.0.0/16", Relay: relay},
		{Name: "cleaning", Kind: "cleaning", Pool: "10.65.0.0/16", Relay: relay},
		{Name: "inspection", Kind: "inspection", Pool: "10.66.0.0/16", Relay: relay},
		{Name: "tenant-a", Kind: "tenant", Pool: "10.100.0.0/16"},
		{Name: "tenant-b", Kind: "tenant", Pool: "10.101.0.0/16"},
		{Name: "servers", Pool: "10.70.0.0/16"},
	}
	nets := in.Spec.Networks
	for l := 1; l <= c.Leaves; l++ {
		leaf := fmt.Sprintf("leaf%d", l)
		// Ports 1-48 and, after the 8 uplinks (swp49-swp56), 57 on.
		next := 1
		port := func() string {
			p := fmt.Sprintf("swp%d", next)
			if next++; next == 49 {
				next = 57
			}
			return p
		}
		for i := range 40 {
			s := v1alpha1.Server{Name: fmt.Sprintf("%s-srv%d", leaf, i), Leaf: leaf, Untagged: nets[i%len(nets)].Name}
			s.Ports = []string{port()}
			if i%2 == 0 {
				s.Ports = append(s.Ports, port())
			}
			if s.Untagged == "servers" {
				s.Tagged = []string{"tenant-b"}
			}
			in.Spec.Servers = append(in.Spec.Servers, s)
		}
	}
	var b bytes.Buffer
	if err := gen.Encode(&b, in, ""); err != nil {
		tb.Fatal(err)
	}
	return fabrics.Parse(tb, "baremetal-gen.yaml", b.Bytes())
}

func TestBaremetalClosPasses(t *testing.T) {
	if testing.Short() {
		t.Skip("resolves a 7,680-server fabric")
	}
	f := baremetalClos(t)
	if len(f.Servers) != 7680 || len(f.Networks) != 6 || len(f.Devices) != 200 {
		t.Fatalf("%d servers, %d networks, %d devices", len(f.Servers), len(f.Networks), len(f.Devices))
	}
	for _, chk := range Verify(f, Options{}).Checks {
		if !chk.Pass {
			t.Errorf("%s fails: %+v", chk.Name, chk.Findings[:min(3, len(chk.Findings))])
		}
	}
	// At this scale too, one tenant subnet leaked into the default table
	// fails isolation, once, naming the servers in the default table.
	leaf5 := device(f, "leaf5")
	p := network(f, "tenant-a").SubnetOn(leaf5).Prefix
	leaf5.Default().Originated = append(leaf5.Default().Originated, p)
	for _, pol := range leaf5.Policies {
		pol.Rules = append(pol.Rules, model.PrefixRule{Prefix: p})
	}
	inDefault := 0
	for _, s := range f.Servers {
		if s.Untagged.VRF == model.DefaultInstance {
			inDefault++
		}
	}
	c := check(t, Verify(f, Options{}), CheckIsolation)
	if c.Pass || len(c.Findings) != 1 || len(c.Findings[0].Devices) != 200 || len(c.Findings[0].Servers) != inDefault {
		t.Fatalf("want one finding on all 200 devices and the %d servers in vrf default, got %d", inDefault, len(c.Findings))
	}
	if want := "reach tenant-a subnet " + p.String() + " of leaf5"; !strings.Contains(c.Findings[0].Detail, want) {
		t.Errorf("finding lacks %q: %s", want, c.Findings[0].Detail)
	}
}

// 200 devices, 7,680 servers on six networks, two of them tenant VRFs over
// EVPN: verify with the network checks (isolation included). Target: < 1 s.
func BenchmarkVerifyBaremetal200(b *testing.B) {
	f := baremetalClos(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if r := Verify(f, Options{}); !r.Pass() {
			b.Fatal("the bare-metal fabric fails verify")
		}
	}
}
