package k8snode

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"underlay.dev/underlay/internal/testutil/frrlab"
	"underlay.dev/underlay/internal/testutil/netnstest"
)

// rackLeafConf is a leaf of an AS-per-rack Calico cluster: its nodes'
// subnet as an iBGP listen range, eBGP to the spine.
func rackLeafConf(asn int, subnet, spine string) string {
	return fmt.Sprintf(`router bgp %d
 bgp router-id 10.0.0.%d
 no bgp ebgp-requires-policy
 neighbor nodes peer-group
 neighbor nodes remote-as internal
 bgp listen range %s peer-group nodes
 neighbor %s remote-as external
 address-family ipv4 unicast
  neighbor nodes route-reflector-client
  neighbor nodes next-hop-self force
 exit-address-family
exit
`, asn, asn-65100, subnet, spine)
}

const spineConf = `router bgp 65000
 bgp router-id 10.0.0.100
 no bgp ebgp-requires-policy
 bgp bestpath as-path multipath-relax
 neighbor 10.1.0.1 remote-as external
 neighbor 10.1.0.3 remote-as external
 address-family ipv4 unicast
  maximum-paths 8
 exit-address-family
exit
`

// TestTwoRacks runs the Calico fixture's two nodes, each in its own rack
// (AS per rack, iBGP to its leaf), under one spine: the pods reach each
// other through the fabric, and the service ranges both nodes announce
// are ECMP on the spine.
func TestTwoRacks(t *testing.T) {
	netnstest.Require(t, "bird", "vtysh", "ping")
	lab := frrlab.New(t)
	lab.AddRouter("spine")
	lab.AddRouter("leaf1")
	lab.AddRouter("leaf2")
	lab.Link("spine", "swp1", "leaf1", "swp51")
	lab.Link("spine", "swp2", "leaf2", "swp51")
	for _, a := range [][3]string{{"spine", "swp1", "10.1.0.0/31"}, {"spine", "swp2", "10.1.0.2/31"},
		{"leaf1", "swp51", "10.1.0.1/31"}, {"leaf2", "swp51", "10.1.0.3/31"}} {
		netnstest.IP(t, "-n", lab.Pathspace(a[0]), "addr", "add", a[2], "dev", a[1])
	}
	nodes := []*labNode{
		{fixture: "calico.yaml", name: "calico-1", ns: netnstest.Name("k8sr", "c1"), port: "swp1", addr: "10.0.101.11/24"},
		{fixture: "calico.yaml", name: "calico-2", ns: netnstest.Name("k8sr", "c2"), port: "swp1", addr: "10.0.102.11/24"},
	}
	for i, n := range nodes {
		leaf := fmt.Sprintf("leaf%d", i+1)
		ns := lab.Pathspace(leaf)
		netnstest.IP(t, "-n", ns, "link", "add", "br0", "type", "bridge")
		netnstest.IP(t, "-n", ns, "addr", "add", fmt.Sprintf("10.0.10%d.1/24", i+1), "dev", "br0")
		netnstest.IP(t, "-n", ns, "link", "set", "br0", "up")
		vtyshFile(t, lab, leaf, rackLeafConf(65101+i, fmt.Sprintf("10.0.10%d.0/24", i+1), fmt.Sprintf("10.1.0.%d", 2*i)))
		setUpNode(t, lab, ns, n)
		startCalico(t, n)
	}
	vtyshFile(t, lab, "spine", spineConf)
	for _, n := range nodes {
		lab.WaitRoute(t, "spine learns "+n.name+"'s block", "spine", n.c.PodBlocks[0].String(), 90*time.Second)
	}
	waitPing(t, "pod on calico-1 pings pod on calico-2", nodes[0].podNS, nodes[1].pod, 60*time.Second)
	waitPing(t, "pod on calico-2 pings pod on calico-1", nodes[1].podNS, nodes[0].pod, 60*time.Second)
	for _, svc := range nodes[0].c.Services {
		waitECMP(t, "service range "+svc.String()+" from both racks", lab, "spine", svc.String(), 2, 60*time.Second)
	}
}

func vtyshFile(t *testing.T, lab *frrlab.Lab, router, conf string) {
	t.Helper()
	p := t.TempDir() + "/" + router + ".conf"
	if err := os.WriteFile(p, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "vtysh", "-N", lab.Pathspace(router), "-f", p).CombinedOutput(); err != nil || strings.Contains(string(out), "line ") {
		t.Fatalf("%s config: %v: %s", router, err, out)
	}
}

// waitECMP waits until router installs prefix with at least n next hops,
// failing at the deadline with the stage and the last answer.
func waitECMP(t *testing.T, stage string, lab *frrlab.Lab, router, prefix string, n int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	var out string
	for time.Now().Before(deadline) {
		out, _ = lab.Vtysh(router, "show ip route "+prefix+" json")
		var routes map[string][]struct {
			Installed bool `json:"installed"`
			Nexthops  []struct {
				Active bool `json:"active"`
			} `json:"nexthops"`
		}
		if json.Unmarshal([]byte(out), &routes) == nil {
			for _, r := range routes[prefix] {
				active := 0
				for _, h := range r.Nexthops {
					if h.Active {
						active++
					}
				}
				if r.Installed && active >= n {
					return
				}
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("%s: %s has no route to %s over %d next hops after %s (last: %.500s)", stage, router, prefix, n, within, out)
}
