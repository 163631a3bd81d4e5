package k8snode

import (
	"context"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"underlay.dev/underlay/internal/testutil/frrlab"
	"underlay.dev/underlay/internal/testutil/netnstest"
)

func TestMain(m *testing.M) {
	MaybeGoBGPAgent() // the GoBGP node re-runs this binary in its namespace
	os.Exit(m.Run())
}

// leafConf is a leaf as underlay renders one for a cluster on a listen
// subnet, written by hand: iBGP members (AS per rack) on the first quarter
// of the node subnet, eBGP members (AS per node) on the second.
const leafConf = `router bgp 65101
 bgp router-id 10.0.0.1
 no bgp ebgp-requires-policy
 bgp bestpath as-path multipath-relax
 neighbor ibgp peer-group
 neighbor ibgp remote-as internal
 neighbor ebgp peer-group
 neighbor ebgp remote-as external
 bgp listen range 10.0.101.0/26 peer-group ibgp
 bgp listen range 10.0.101.64/26 peer-group ebgp
 address-family ipv4 unicast
  neighbor ibgp route-reflector-client
  neighbor ibgp next-hop-self force
  neighbor ebgp next-hop-self
 exit-address-family
exit
`

// labNode is one emulated node in the test topology.
type labNode struct {
	fixture, name, ns, port string
	addr                    string // on eth0, in the leaf's subnet
	c                       *Config
	pod                     netip.Addr
	podNS                   string
}

// TestNodesPeerWithLeaf runs a leaf and one node per CNI, each node's
// speaker configured only from its cluster's objects: each session comes
// up, the leaf learns every pod block and service, and the pods ping each
// other through the leaf.
func TestNodesPeerWithLeaf(t *testing.T) {
	netnstest.Require(t, "bird", "vtysh", "ping")
	lab := frrlab.New(t)
	lab.AddRouter("leaf", "10.0.0.1/32")
	leafNS := lab.Pathspace("leaf")
	netnstest.IP(t, "-n", leafNS, "link", "add", "br0", "type", "bridge")
	netnstest.IP(t, "-n", leafNS, "addr", "add", "10.0.101.1/24", "dev", "br0")
	netnstest.IP(t, "-n", leafNS, "link", "set", "br0", "up")
	applyLeaf(t, lab)
	nodes := []*labNode{
		{fixture: "calico.yaml", name: "calico-1", ns: netnstest.Name("k8sn", "calico"), port: "swp1", addr: "10.0.101.11/24"},
		{fixture: "cilium.yaml", name: "cilium-1", ns: netnstest.Name("k8sn", "cilium"), port: "swp2", addr: "10.0.101.71/24"},
		{fixture: "frr-k8s.yaml", name: "frr-1", ns: lab.Pathspace("frr-1"), port: "swp3", addr: "10.0.101.72/24"},
	}
	for _, n := range nodes {
		setUpNode(t, lab, leafNS, n)
	}
	startCalico(t, nodes[0])
	startCilium(t, nodes[1])
	startFRRK8s(t, lab, nodes[2])
	for _, n := range nodes {
		for _, p := range n.c.Announce() {
			lab.WaitRoute(t, "leaf learns "+n.name+"'s "+p.String(), "leaf", p.String(), 90*time.Second)
		}
	}
	// GoBGP's learned paths are in the node's kernel, via the leaf.
	waitKernelRoute(t, "GoBGP installs calico-1's block", nodes[1].ns, nodes[0].c.PodBlocks[0], "via 10.0.101.1 dev eth0 proto bgp", 30*time.Second)
	for _, a := range nodes {
		for _, b := range nodes {
			if a != b {
				waitPing(t, "pod on "+a.name+" pings pod on "+b.name, a.podNS, b.pod, 60*time.Second)
			}
		}
	}
}

func applyLeaf(t *testing.T, lab *frrlab.Lab) {
	p := t.TempDir() + "/leaf.conf"
	if err := os.WriteFile(p, []byte(leafConf), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "vtysh", "-N", lab.Pathspace("leaf"), "-f", p).CombinedOutput(); err != nil || strings.Contains(string(out), "line ") {
		t.Fatalf("leaf config: %v: %s", err, out)
	}
}

// setUpNode derives the node's configuration from its fixture, makes its
// namespace (frr-k8s nodes get theirs from frrlab, with FRR), connects its
// eth0 to the leaf's bridge and puts a pod behind it: a namespace whose
// address is the second of the node's first pod block, the first being
// the node's side of the pod's veth.
func setUpNode(t *testing.T, lab *frrlab.Lab, leafNS string, n *labNode) {
	t.Helper()
	c, err := load(t, n.fixture).Node(n.name)
	if err != nil {
		t.Fatal(err)
	}
	n.c = c
	if c.Agent == AgentFRRK8s {
		lab.AddRouter(n.name)
	} else {
		netnstest.New(t, n.ns)
		sysctl(t, n.ns, "net.ipv4.ip_forward=1")
	}
	netnstest.Veth(t, n.ns, "eth0", leafNS, n.port)
	netnstest.IP(t, "-n", leafNS, "link", "set", n.port, "master", "br0")
	netnstest.IP(t, "-n", n.ns, "addr", "add", n.addr, "dev", "eth0")
	if len(c.PodBlocks) == 0 {
		t.Fatalf("node %s announces no pod block", n.name)
	}
	block := c.PodBlocks[0]
	gw := block.Addr().Next()
	n.pod = gw.Next()
	n.podNS = n.ns + "-pod"
	netnstest.New(t, n.podNS)
	netnstest.Veth(t, n.podNS, "eth0", n.ns, "pod0")
	netnstest.IP(t, "-n", n.ns, "addr", "add", netip.PrefixFrom(gw, block.Bits()).String(), "dev", "pod0")
	netnstest.IP(t, "-n", n.podNS, "addr", "add", netip.PrefixFrom(n.pod, block.Bits()).String(), "dev", "eth0")
	netnstest.IP(t, "-n", n.podNS, "route", "add", "default", "via", gw.String())
}

func sysctl(t *testing.T, ns, kv string) {
	t.Helper()
	if out, err := exec.Command("ip", "netns", "exec", ns, "sysctl", "-qw", kv).CombinedOutput(); err != nil {
		t.Fatalf("sysctl %s in %s: %v: %s", kv, ns, err, out)
	}
}

func startCalico(t *testing.T, n *labNode) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := StartBIRD(ctx, n.ns, t.TempDir(), n.c); err != nil {
		t.Fatalf("start BIRD for %s: %v", n.name, err)
	}
}

func startCilium(t *testing.T, n *labNode) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	sp, err := Start(ctx, n.ns, dir, exe, n.c)
	if err != nil {
		t.Fatalf("start GoBGP for %s: %v", n.name, err)
	}
	t.Cleanup(func() {
		if err := sp.Stop(); err != nil {
			t.Logf("GoBGP node %s killed after 10s: %v", n.name, err)
		}
		if t.Failed() {
			b, _ := os.ReadFile(dir + "/gobgp.log")
			t.Logf("GoBGP node %s log:\n%.3000s", n.name, b)
		}
	})
}

func startFRRK8s(t *testing.T, lab *frrlab.Lab, n *labNode) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := ApplyFRR(ctx, lab.Pathspace(n.name), t.TempDir(), n.c); err != nil {
		t.Fatalf("configure FRR for %s: %v", n.name, err)
	}
}

// waitPing pings to from namespace ns until it answers, failing at the
// deadline with the stage and the last answer.
func waitPing(t *testing.T, stage, ns string, to netip.Addr, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	var out []byte
	var err error
	for time.Now().Before(deadline) {
		out, err = exec.Command("ip", "netns", "exec", ns, "ping", "-c", "1", "-W", "1", to.String()).CombinedOutput()
		if err == nil {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("%s: no answer from %s within %s: %v: %s", stage, to, within, err, out)
}

// waitKernelRoute waits until ns's main table routes p with want in the
// route's line, failing at the deadline with the stage.
func waitKernelRoute(t *testing.T, stage, ns string, p netip.Prefix, want string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	var out []byte
	for time.Now().Before(deadline) {
		out, _ = exec.Command("ip", "-n", ns, "route", "show", p.String()).CombinedOutput()
		if strings.Contains(string(out), want) {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("%s: %s has no route %s %s within %s (last: %q)", stage, ns, p, want, within, out)
}
