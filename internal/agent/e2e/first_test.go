package e2e

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/agent/driver"
	"underlay.dev/underlay/internal/gen"
	"underlay.dev/underlay/internal/testutil/fabrics"
	"underlay.dev/underlay/internal/testutil/frrlab"
)

// TestFirstConfigMapRollsBackToOriginal: a router runs a working config
// before its agent starts; the first ConfigMap drops its uplink session.
// The agent captured the running config before applying and rolls back to
// it: the session comes back and status says RolledBack (the router was
// left on the broken config before: "no last-known-good to roll back to").
func TestFirstConfigMapRollsBackToOriginal(t *testing.T) {
	assets := requireAssets(t)
	lab := frrlab.New(t)
	f := fabrics.Clos(t, gen.Clos{Spines: 1, Leaves: 1, Unnumbered: true})
	lab.AddFabric(f)
	spine, leaf := f.Devices[1], f.Devices[0]
	ctx := context.Background()
	for _, d := range f.Devices { // the leaf's working config predates the agent
		cm, _ := rendered(t, f, d)
		if err := (&driver.FRR{Pathspace: lab.Pathspace(d.Name)}).Apply(ctx, storeFiles(cm)); err != nil {
			t.Fatal(err)
		}
	}
	probe := &driver.FRR{Pathspace: lab.Pathspace(leaf.Name)}
	spineLo := spine.Loopbacks[0].String()
	healthy := func() bool {
		s, err := probe.Probe(ctx)
		return err == nil && s.Sessions["swp49"] == "Established" && s.Prefixes[spineLo]
	}
	waitTrue(t, "the hand-made config is healthy", 30*time.Second, healthy)
	checkPeer(t, probe, "swp49", spine.Name)

	env, c := startAPI(t, assets)
	bin := buildAgent(t)
	agent := exec.Command(bin, "--device="+leaf.Name, "--namespace=dc1", "--platform=linux-frr",
		"--frr-pathspace="+lab.Pathspace(leaf.Name), "--state-dir="+t.TempDir(), "--health-timeout=6s",
		"--metrics-addr=0", "--health-addr=0", "--drift-interval=0")
	agent.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig(t, env))
	if err := agent.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { agent.Process.Kill(); agent.Wait() }()

	leaf.Sessions()[len(leaf.Sessions())-1].PeerASN = 65999 // the uplink session cannot come up
	cm, _ := rendered(t, f, leaf)
	if err := c.Create(ctx, cm); err != nil {
		t.Fatal(err)
	}
	var nd v1alpha1.NetworkDevice
	waitTrue(t, "status HealthCheckFailed, RolledBack", 60*time.Second, func() bool {
		err := c.Get(ctx, client.ObjectKey{Namespace: "dc1", Name: leaf.Name}, &nd)
		cond := meta.FindStatusCondition(nd.Status.Conditions, v1alpha1.ConditionDegraded)
		ready := meta.FindStatusCondition(nd.Status.Conditions, v1alpha1.ConditionReady)
		return err == nil && cond != nil && cond.Reason == v1alpha1.ReasonHealthCheckFailed &&
			ready != nil && ready.Reason == v1alpha1.ReasonRolledBack
	})
	if !strings.Contains(nd.Status.LastError, "health gate") || nd.Status.RollbackCount != 1 {
		t.Errorf("status: rollbacks %d, lastError %q", nd.Status.RollbackCount, nd.Status.LastError)
	}
	if h := nd.Status.History; len(h) != 1 || h[0].Outcome != "RolledBack" || h[0].Reason != v1alpha1.ReasonHealthCheckFailed {
		t.Errorf("history %+v, want one RolledBack at HealthCheckFailed", h)
	}
	waitTrue(t, "the session is back after the rollback", 30*time.Second, healthy)
	if out, _ := lab.Vtysh(leaf.Name, "show running-config"); strings.Contains(out, "65999") {
		t.Errorf("the leaf still runs the broken config:\n%s", out)
	}
}

func waitTrue(t *testing.T, stage string, within time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", stage, within)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// checkPeer: what the prober reads of a session from real FRR's `show bgp
// summary json` (description, since when, prefix counts) is there.
func checkPeer(t *testing.T, probe *driver.FRR, neighbor, description string) {
	t.Helper()
	st, err := probe.Probe(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	p := st.Peers[neighbor]
	since := time.Since(p.EstablishedSince)
	if p.Description == "" || !strings.Contains(p.Description, description) || since < 0 || since > 10*time.Minute ||
		p.PrefixesReceived == 0 || p.PrefixesSent == 0 {
		t.Errorf("peer %s as probed: %+v (established %s ago), want description naming %s and prefixes both ways",
			neighbor, p, since, description)
	}
}
