package lab_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"underlay.dev/underlay/internal/lab"
	"underlay.dev/underlay/internal/lab/k8snode"
)

// TestK8sCiliumStory is issue #12's lab for Cilium's BGP control plane:
// one node per rack, each on its own routed leaf port, peering unnumbered
// (IPv6 link-local, the leaf found by autoDiscovery from the leaf's
// router advertisements), each node's speaker an emulation of the
// cilium-agent (GoBGP, configured only from the Cilium objects lab sync
// applied to the API server). The pods reach each other across the racks
// and the LoadBalancer Service's address both racks announce is ECMP on
// the spine; down (in cleanup) leaves nothing.
func TestK8sCiliumStory(t *testing.T) {
	cniStory(t, "testdata/k8s/cilium.yaml", k8snode.AgentCilium, "10.100.0.1/32", []string{"swp1", "swp1"})
}

// TestK8sFRRK8sStory is the same for frr-k8s: nodes on their racks'
// subnets, each running real FRR loaded from the cluster's
// FRRConfigurations (underlay's and the one per node the lab adds in the
// pod network's place with its pod block); the service range both racks
// announce is ECMP on the spine.
func TestK8sFRRK8sStory(t *testing.T) {
	cniStory(t, "testdata/k8s/frr-k8s.yaml", k8snode.AgentFRRK8s, "10.100.0.0/24", []string{"10.0.101.10", "10.0.102.10"})
}

// cniStory brings up fixture's lab (one spine, leaf1 and leaf2, node1 and
// node2 one per rack, of one cluster whose agent is agent), and checks
// each stage at its own deadline: the nodes run labelled agents, status
// says so, each leaf's session with its node (named nodePeer[i] on leaf
// i+1) is Established, the pods reach each other, service is ECMP.
func cniStory(t *testing.T, fixture string, agent k8snode.Agent, service string, nodePeer []string) {
	ctx := testContext(t, 8*time.Minute)
	start := time.Now()
	l := newLab(ctx, t, fixture, 15*time.Second)
	t.Logf("lab up, node agents started: %s", time.Since(start).Round(time.Millisecond))
	nodes := clusterNodes(t, l)
	for _, name := range []string{"node1", "node2"} {
		n, ok := nodes[name]
		if !ok || n.Agent != string(agent) || len(n.Processes) == 0 {
			t.Fatalf("%s is not a running %s in the lab state: %+v", name, agent, n)
		}
	}
	var status strings.Builder
	if err := l.Status(ctx, &status); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"node1", "node2"} {
		if !lineWith(status.String(), name, string(agent), "pid ") {
			t.Errorf("lab status has no line for %s as a running %q:\n%s", name, agent, status.String())
		}
	}
	up := time.Now()
	for i, leaf := range []string{"leaf1", "leaf2"} {
		waitEstablished(ctx, t, l, leaf+"'s session with its node", leaf, nodePeer[i], 2*time.Minute)
	}
	t.Logf("leaf-node sessions Established %s after lab up returned", time.Since(up).Round(time.Millisecond))
	reach := time.Now()
	waitPodPing(ctx, t, "pod on node1 reaches pod on node2 (rack leaf2)", nodes["node1"], nodes["node2"].Pod, 2*time.Minute)
	waitPodPing(ctx, t, "pod on node2 reaches pod on node1 (rack leaf1)", nodes["node2"], nodes["node1"].Pod, 30*time.Second)
	t.Logf("pods in two racks reach each other %s after the sessions were Established", time.Since(reach).Round(time.Millisecond))
	waitSpinePaths(ctx, t, l, "service announced by both racks is ECMP on spine1", service, 2, time.Minute)
}

// lineWith reports whether a line of s holds every one of parts, in order.
func lineWith(s string, parts ...string) bool {
	for _, line := range strings.Split(s, "\n") {
		rest, ok := line, true
		for _, p := range parts {
			i := strings.Index(rest, p)
			if i < 0 {
				ok = false
				break
			}
			rest = rest[i+len(p):]
		}
		if ok {
			return true
		}
	}
	return false
}

// waitEstablished waits until device's session with peer (FRR's name for
// it: an address or an interface) is Established.
func waitEstablished(ctx context.Context, t *testing.T, l *lab.Lab, stage, device, peer string, within time.Duration) {
	t.Helper()
	st, err := l.LoadState()
	if err != nil {
		t.Fatal(err)
	}
	netns := ""
	for _, d := range st.Devices {
		if d.Name == device {
			netns = d.Netns
		}
	}
	deadline := time.Now().Add(within)
	var last map[string]lab.Peer
	for time.Now().Before(deadline) && ctx.Err() == nil {
		last, err = lab.Peers(ctx, netns)
		if err == nil && last[peer].State == "Established" {
			return
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Fatalf("%s: %s's session with %s is not Established within %s: %v; sessions: %+v", stage, device, peer, within, err, last)
}
