package lab_test

import (
	"context"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
	"time"

	"underlay.dev/underlay/internal/lab"
)

const (
	k8sLab   = "testdata/k8s/fabric.yaml"
	k8sNode3 = "testdata/k8s/fabric-node3.yaml"
)

// TestK8sStory is issue #12's lab: Calico nodes (an emulation of
// calico-node: BIRD configured only from the objects lab sync applied to
// the API server) in two racks; their pods reach each other through the
// fabric; the service range both racks announce is ECMP on the spine;
// adding node3 to the cluster (one line) brings its pod into reach with
// no session reset elsewhere; down (in cleanup) leaves nothing.
func TestK8sStory(t *testing.T) {
	ctx := testContext(t, 10*time.Minute)
	l := newLab(ctx, t, k8sLab, 15*time.Second)
	nodes := clusterNodes(t, l)
	for _, name := range []string{"node1", "node2"} {
		n, ok := nodes[name]
		if !ok || !strings.Contains(n.Agent, "emulation") || len(n.Processes) == 0 {
			t.Fatalf("%s is not a running, labelled node agent emulation in the lab state: %+v", name, n)
		}
	}
	if _, ok := nodes["node3"]; ok {
		t.Fatal("node3 runs a node agent before it is in the cluster")
	}
	var status strings.Builder
	if err := l.Status(ctx, &status); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"NODE AGENT", "node1  prod     calico-node (BIRD 1.6) emulation  pid ", "node2  prod     calico-node (BIRD 1.6) emulation  pid "} {
		if !strings.Contains(status.String(), want) {
			t.Errorf("lab status lacks %q:\n%s", want, status.String())
		}
	}
	waitPodPing(ctx, t, "pod on node1 reaches pod on node2 (rack leaf2)", nodes["node1"], nodes["node2"].Pod, 2*time.Minute)
	waitPodPing(ctx, t, "pod on node2 reaches pod on node1 (rack leaf1)", nodes["node2"], nodes["node1"].Pod, 30*time.Second)
	waitSpinePaths(ctx, t, l, "service range announced by both racks is ECMP on spine1", "10.100.0.0/24", 2, time.Minute)

	before := peers(ctx, t, l)
	start := time.Now()
	if err := l.Sync(ctx, k8sNode3); err != nil {
		t.Fatal(err)
	}
	if err := l.WaitApplied(ctx, time.Minute); err != nil {
		logs(t, l)
		t.Fatalf("adding node3: %v", err)
	}
	if err := l.BootServers(ctx); err != nil {
		t.Fatalf("adding node3: starting its node agent: %v", err)
	}
	nodes = clusterNodes(t, l)
	n3, ok := nodes["node3"]
	if !ok {
		t.Fatal("node3 was added to the cluster but runs no node agent")
	}
	waitPodPing(ctx, t, "pod on node2 reaches node3's new pod", nodes["node2"], n3.Pod, 2*time.Minute)
	waitPodPing(ctx, t, "node3's new pod reaches pod on node1 (same rack)", n3, nodes["node1"].Pod, 30*time.Second)
	t.Logf("node3 added: lab sync → its pod reached from the other rack in %s", time.Since(start).Round(time.Millisecond))
	after := peers(ctx, t, l)
	for k, p := range before {
		q, ok := after[k]
		if !ok || p.State != "Established" || q.State != "Established" || p.Established != q.Established || p.Dropped != q.Dropped {
			t.Errorf("session %s reset while node3 joined: before %+v, after %+v", k, p, q)
		}
	}
}

func clusterNodes(t *testing.T, l *lab.Lab) map[string]lab.ClusterNode {
	t.Helper()
	st, err := l.LoadState()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]lab.ClusterNode{}
	for _, n := range st.Nodes {
		out[n.Name] = n
	}
	return out
}

// waitPodPing pings to from the node's pod namespace until it answers,
// failing at its own deadline with the stage.
func waitPodPing(ctx context.Context, t *testing.T, stage string, from lab.ClusterNode, to string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	var out []byte
	var err error
	for time.Now().Before(deadline) && ctx.Err() == nil {
		out, err = exec.CommandContext(ctx, "ip", "netns", "exec", from.PodNetns, "ping", "-c1", "-W1", to).CombinedOutput()
		if err == nil {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("%s: %s gets no answer from %s within %s: %v: %s", stage, from.Pod, to, within, err, out)
}

// waitSpinePaths waits until spine1's FRR routes prefix over want active
// next hops (`show ip route PREFIX json`).
func waitSpinePaths(ctx context.Context, t *testing.T, l *lab.Lab, stage, prefix string, want int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	got := 0
	var last string
	for time.Now().Before(deadline) && ctx.Err() == nil {
		var out strings.Builder
		if err := l.Exec(ctx, "spine1", []string{"vtysh", "-c", "show ip route " + prefix + " json"}, nil, &out, &out); err == nil {
			last = out.String()
			if got = activeNexthops(last, prefix); got == want {
				return
			}
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Fatalf("%s: %s has %d active next hops, want %d, within %s; last: %.2000s", stage, prefix, got, want, within, last)
}

func activeNexthops(js, prefix string) int {
	var routes map[string][]struct {
		Selected bool `json:"selected"`
		Nexthops []struct {
			Active bool `json:"active"`
		} `json:"nexthops"`
	}
	if json.Unmarshal([]byte(js), &routes) != nil {
		return 0
	}
	n := 0
	for _, r := range routes[prefix] {
		if !r.Selected {
			continue
		}
		for _, h := range r.Nexthops {
			if h.Active {
				n++
			}
		}
	}
	return n
}
