package lab_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/agent/store"
	"underlay.dev/underlay/internal/bundle"
	"underlay.dev/underlay/internal/lab"
	"underlay.dev/underlay/internal/model"
)

const (
	seedLab    = "../../examples/seed-lab/fabric.yaml"
	seedUpdate = "../../examples/seed-lab-update/fabric.yaml"
)

// TestSeedLabStory is the original demo's story on real FRR, a real API
// server and real agents: up, every loopback pings every other; change
// #738 reaches every device with no BGP session reset; the revert removes
// it everywhere; then the faults; down (in cleanup) leaves nothing.
func TestSeedLabStory(t *testing.T) {
	// Its own deadline, well below go test's -timeout: a hang fails at
	// the wait that hangs, naming it, and the lab still comes down.
	ctx := testContext(t, 12*time.Minute)
	l := newLab(ctx, t, seedLab, 15*time.Second)
	f := fabric(t, seedLab)
	var status strings.Builder
	if err := l.Status(ctx, &status); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"leaf1   cumulus ", "leaf2   nvue (emulated)", "spine   sonic (emulated)", "2/2 Established", "Ready"} {
		if !strings.Contains(status.String(), want) {
			t.Errorf("lab status lacks %q:\n%s", want, status.String())
		}
	}
	pingAll(ctx, t, l, f, f)

	before := peers(ctx, t, l)
	start := time.Now()
	if err := l.Sync(ctx, seedUpdate); err != nil {
		t.Fatal(err)
	}
	if err := l.WaitApplied(ctx, time.Minute); err != nil {
		logs(t, l)
		t.Fatal(err)
	}
	t.Logf("change #738: lab sync → applied on every device in %s", time.Since(start).Round(time.Millisecond))
	pingAll(ctx, t, l, f, fabric(t, seedUpdate))
	if after := peers(ctx, t, l); !sameSessions(before, after) {
		t.Errorf("a BGP session reset during change #738:\nbefore %v\nafter  %v", before, after)
	}

	if err := l.Sync(ctx, seedLab); err != nil {
		t.Fatal(err)
	}
	if err := l.WaitApplied(ctx, time.Minute); err != nil {
		t.Fatal(err)
	}
	if after := peers(ctx, t, l); !sameSessions(before, after) {
		t.Errorf("a BGP session reset during the revert:\nbefore %v\nafter  %v", before, after)
	}
	goneEverywhere(ctx, t, l, "198.51.100.")
	pingAll(ctx, t, l, f, f)

	t.Run("kill bgpd", func(t *testing.T) { killBGPd(ctx, t, l, f) })
	t.Run("session-breaking config rolls back", func(t *testing.T) { brokenConfig(ctx, t, l, f) })
	t.Run("kill -9 an agent during an apply", func(t *testing.T) { killAgent(ctx, t, l) })
	t.Run("API server stopped", func(t *testing.T) { apiServerOutage(ctx, t, l, f) })
}

func fabric(t *testing.T, path string) *model.Fabric {
	f, err := lab.LoadFabric(path)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// pingAll pings every loopback of want from every device of f, sourced
// from the device's first loopback.
func pingAll(ctx context.Context, t *testing.T, l *lab.Lab, f, want *model.Fabric) {
	t.Helper()
	n := 0
	for _, src := range f.Devices {
		from := src.Loopbacks[0].Addr().String()
		for _, dst := range want.Devices {
			for _, lo := range dst.Loopbacks {
				if !ping(ctx, l, src.Name, from, lo.Addr().String(), 20*time.Second) {
					t.Errorf("%s (from %s) cannot reach %s of %s", src.Name, from, lo.Addr(), dst.Name)
				}
				n++
			}
		}
	}
	t.Logf("%d loopback pings, each sourced from a loopback", n)
}

// peers snapshots every session's connection counters.
func peers(ctx context.Context, t *testing.T, l *lab.Lab) map[string]lab.Peer {
	t.Helper()
	st, err := l.LoadState()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]lab.Peer{}
	for _, d := range st.Devices {
		ps, err := lab.Peers(ctx, d.Netns)
		if err != nil {
			t.Fatal(err)
		}
		for name, p := range ps {
			out[d.Name+"/"+name] = p
		}
	}
	return out
}

func sameSessions(a, b map[string]lab.Peer) bool {
	if len(a) != len(b) {
		return false
	}
	for k, p := range a {
		q := b[k]
		if p.State != "Established" || q.State != "Established" || p.Established != q.Established || p.Dropped != q.Dropped {
			return false
		}
	}
	return true
}

// goneEverywhere checks that no device holds an address or a route (FRR
// or kernel) in prefix.
func goneEverywhere(ctx context.Context, t *testing.T, l *lab.Lab, prefix string) {
	t.Helper()
	st, _ := l.LoadState()
	for _, d := range st.Devices {
		for _, cmd := range [][]string{{"ip", "-j", "addr"}, {"ip", "-j", "route"}, {"vtysh", "-c", "show ip route json"}} {
			var out strings.Builder
			if err := l.Exec(ctx, d.Name, cmd, nil, &out, &out); err != nil {
				t.Fatalf("%s: %v", d.Name, err)
			}
			if strings.Contains(out.String(), prefix) {
				t.Errorf("%s still has %s… in `%s`", d.Name, prefix, strings.Join(cmd, " "))
			}
		}
	}
}

// killBGPd kills bgpd on leaf1: watchfrr restarts it and the sessions
// come back.
func killBGPd(ctx context.Context, t *testing.T, l *lab.Lab, f *model.Fabric) {
	st, _ := l.LoadState()
	d, _ := st.Device("leaf1")
	var pid int
	if _, err := fmt.Sscan(readFile(t, "/var/run/frr/"+d.Netns+"/bgpd.pid"), &pid); err != nil {
		t.Fatal(err)
	}
	before := peers(ctx, t, l)["spine/10.0.0.1"]
	start := time.Now()
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if err := l.WaitEstablished(ctx, time.Minute); err != nil {
		t.Fatal(err)
	}
	after := peers(ctx, t, l)["spine/10.0.0.1"]
	if after.Established <= before.Established {
		t.Fatalf("the spine's session to leaf1 never dropped (%+v → %+v): bgpd was not killed?", before, after)
	}
	t.Logf("bgpd killed on leaf1: sessions Established again after %s", time.Since(start).Round(100*time.Millisecond))
	pingAll(ctx, t, l, f, f)
}

func readFile(t *testing.T, path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// brokenConfig pushes a leaf1 ConfigMap whose BGP neighbor has the wrong
// ASN (as a bad hand edit in Git would): the agent applies it, the health
// gate sees the session down, it rolls back on its own and reports
// Degraded with the reason; the fabric converges back.
func brokenConfig(ctx context.Context, t *testing.T, l *lab.Lab, f *model.Fabric) {
	c, err := l.Client()
	if err != nil {
		t.Fatal(err)
	}
	breakLeaf1(ctx, t, c, f.Namespace)
	err = l.WaitApplied(ctx, 90*time.Second)
	if err == nil || !strings.Contains(err.Error(), "leaf1") {
		t.Fatalf("a session-breaking config was applied, or the failure does not name leaf1: %v", err)
	}
	t.Logf("refused: %v", err)
	var nd v1alpha1.NetworkDevice
	if err := c.Get(ctx, client.ObjectKey{Namespace: f.Namespace, Name: "leaf1"}, &nd); err != nil {
		t.Fatal(err)
	}
	degraded := false
	for _, cond := range nd.Status.Conditions {
		degraded = degraded || (cond.Type == v1alpha1.ConditionDegraded && cond.Status == "True" && cond.Message != "")
	}
	if !degraded || nd.Status.RollbackCount < 1 {
		t.Errorf("leaf1 status after rollback: %+v", nd.Status)
	}
	if err := l.WaitEstablished(ctx, time.Minute); err != nil {
		t.Fatal(err)
	}
	pingAll(ctx, t, l, f, f)
	// Git fixed: the good config again.
	if err := l.Sync(ctx, seedLab); err != nil {
		t.Fatal(err)
	}
	if err := l.WaitApplied(ctx, time.Minute); err != nil {
		t.Fatal(err)
	}
}

// breakLeaf1 rewrites leaf1's ConfigMap with its BGP neighbor's ASN wrong
// (65199 for the spine's 65100), with a matching content hash, as a bad
// hand edit in Git would: the agent applies it, its health gate sees the
// session down and it rolls back.
func breakLeaf1(ctx context.Context, t *testing.T, c client.Client, namespace string) {
	t.Helper()
	var cm corev1.ConfigMap
	key := client.ObjectKey{Namespace: namespace, Name: bundle.ConfigMapName("leaf1")}
	if err := c.Get(ctx, key, &cm); err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(cm.Data["frr.conf"], "remote-as 65100", "remote-as 65199", 1)
	if bad == cm.Data["frr.conf"] {
		t.Fatal("leaf1's frr.conf has no remote-as 65100")
	}
	cm.Data["frr.conf"] = bad
	files := store.Files{}
	for k, v := range cm.Data {
		files[k] = []byte(v)
	}
	cm.Annotations[bundle.AnnotationHash] = bundle.ContentHash(files)
	if err := c.Update(ctx, &cm); err != nil {
		t.Fatal(err)
	}
}

// killAgent kills the spine's agent with SIGKILL in the middle of
// applying #738; the supervisor restarts it (as the kubelet would) and it
// converges.
func killAgent(ctx context.Context, t *testing.T, l *lab.Lab) {
	var sup lab.SupervisorStatus
	if err := l.Control(ctx, "GET", "/status", &sup); err != nil {
		t.Fatal(err)
	}
	victim := sup.Agents["spine"]
	if err := l.Sync(ctx, seedUpdate); err != nil {
		t.Fatal(err)
	}
	// The agent's in-flight marker exists exactly while it applies.
	marker := filepath.Join(l.Dir, "devices", "spine", "agent", "applying.revision")
	for deadline := time.Now().Add(30 * time.Second); !exists(marker); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the spine's agent never started applying #738")
		}
	}
	if err := syscall.Kill(victim.PID, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	if !exists(marker) {
		t.Fatal("the kill did not land during the apply (the marker is gone): the test proves nothing")
	}
	start := time.Now()
	if err := l.WaitApplied(ctx, 90*time.Second); err != nil {
		logs(t, l)
		t.Fatal(err)
	}
	if err := l.Control(ctx, "GET", "/status", &sup); err != nil {
		t.Fatal(err)
	}
	if sup.Agents["spine"].Restarts <= victim.Restarts || sup.Agents["spine"].PID == victim.PID {
		t.Errorf("the spine's agent was not restarted: %+v → %+v", victim, sup.Agents["spine"])
	}
	t.Logf("agent killed during apply: restarted and applied %s later", time.Since(start).Round(100*time.Millisecond))
	if err := l.WaitEstablished(ctx, time.Minute); err != nil {
		t.Fatal(err)
	}
}

// apiServerOutage freezes the API server: devices keep routing, and once
// it is back the agents apply the next change.
func apiServerOutage(ctx context.Context, t *testing.T, l *lab.Lab, f *model.Fabric) {
	pid := l.APIServerPID()
	if pid == 0 {
		t.Fatal("no kube-apiserver found")
	}
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	resumed := false
	resume := func() {
		if !resumed {
			syscall.Kill(pid, syscall.SIGCONT)
			resumed = true
		}
	}
	defer resume()
	time.Sleep(10 * time.Second)
	pingAll(ctx, t, l, f, fabric(t, seedUpdate))
	resume()
	start := time.Now()
	var err error
	for time.Since(start) < time.Minute {
		if err = l.Sync(ctx, seedLab); err == nil {
			break
		}
		time.Sleep(time.Second)
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := l.WaitApplied(ctx, 90*time.Second); err != nil {
		logs(t, l)
		t.Fatal(err)
	}
	t.Logf("after a 10 s API server outage, the next change applied %s after the server came back", time.Since(start).Round(100*time.Millisecond))
	goneEverywhere(ctx, t, l, "198.51.100.")
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
