// Package e2e runs the real underlay-agent binary against a real
// kube-apiserver and real FRR routers in network namespaces.
package e2e

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/agent/driver"
	"underlay.dev/underlay/internal/agent/kube"
	"underlay.dev/underlay/internal/bundle"
	"underlay.dev/underlay/internal/expect"
	"underlay.dev/underlay/internal/gen"
	"underlay.dev/underlay/internal/lab"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/render/frr"
	"underlay.dev/underlay/internal/resolve"
	"underlay.dev/underlay/internal/testutil/fabrics"
	"underlay.dev/underlay/internal/testutil/frrlab"
)

func kubeconfig(t *testing.T, env *envtest.Environment) string {
	user, err := env.AddUser(envtest.User{Name: "agent", Groups: []string{"system:masters"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := lab.WriteKubeconfig(user.Config(), path); err != nil {
		t.Fatal(err)
	}
	return path
}

func rendered(t *testing.T, f *model.Fabric, d *model.Device) (*corev1.ConfigMap, string) {
	conf, err := frr.Render(f, d, frr.Options{})
	if err != nil {
		t.Fatal(err)
	}
	exp, _ := expect.File(d)
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: bundle.ConfigMapName(d.Name), Namespace: "dc1"},
		Data: map[string]string{"frr.conf": string(conf), exp.Name: string(exp.Content)}}
	rev, _ := kube.Revision(cm)
	return cm, rev
}

// TestAgentBinaryOnRealFRR measures ConfigMap update → change applied and
// healthy on a real FRR router (status AppliedRevision), and the idle RSS
// of the agent process.
func TestAgentBinaryOnRealFRR(t *testing.T) {
	assets := requireAssets(t)
	lab := frrlab.New(t)
	f := fabrics.Clos(t, gen.Clos{Spines: 1, Leaves: 1, Unnumbered: true})
	lab.AddFabric(f)
	spine, leaf := f.Devices[1], f.Devices[0]
	ctx := context.Background()
	spineFiles, _ := rendered(t, f, spine)
	if err := (&driver.FRR{Pathspace: lab.Pathspace("spine1")}).Apply(ctx, storeFiles(spineFiles)); err != nil {
		t.Fatal(err)
	}

	env, c := startAPI(t, assets)
	bin := buildAgent(t)
	stateDir, kc := t.TempDir(), kubeconfig(t, env)
	logf, _ := os.Create(filepath.Join(t.TempDir(), "agent.log"))
	startAgent := func() *exec.Cmd {
		a := exec.Command(bin, "--device="+leaf.Name, "--namespace=dc1", "--platform=linux-frr",
			"--frr-pathspace="+lab.Pathspace(leaf.Name), "--state-dir="+stateDir, "--health-timeout=30s",
			"--metrics-addr=127.0.0.1:0", "--health-addr=0")
		a.Env = append(os.Environ(), "KUBECONFIG="+kc)
		a.Stdout, a.Stderr = logf, logf
		if err := a.Start(); err != nil {
			t.Fatal(err)
		}
		return a
	}
	agent := startAgent()
	defer func() { agent.Process.Kill(); agent.Wait() }()

	cm, rev := rendered(t, f, leaf)
	start := time.Now()
	if err := c.Create(ctx, cm); err != nil {
		t.Fatal(err)
	}
	waitApplied(t, c, leaf.Name, rev, 60*time.Second)
	t.Logf("first apply (BGP session establishment included): %s", time.Since(start).Round(time.Millisecond))
	time.Sleep(3 * time.Second)
	t.Logf("agent idle RSS: %d KiB", rssKiB(t, agent.Process.Pid))

	var took []time.Duration
	for i := 1; i <= 20; i++ {
		p := netip.MustParsePrefix(fmt.Sprintf("198.51.100.%d/32", i))
		lab.AddAddress(leaf.Name, p.String())
		leaf.Default().Originated = append(leaf.Default().Originated, p)
		resolve.ApplyPolicies(f)
		resolve.Derive(f) // again: the default instance, which renderers read, holds Originated as Derive saw it
		next, rev := rendered(t, f, leaf)
		var cur corev1.ConfigMap
		if err := c.Get(ctx, client.ObjectKeyFromObject(next), &cur); err != nil {
			t.Fatal(err)
		}
		cur.Data = next.Data
		start := time.Now()
		if err := c.Update(ctx, &cur); err != nil {
			t.Fatal(err)
		}
		waitApplied(t, c, leaf.Name, rev, 30*time.Second)
		took = append(took, time.Since(start))
	}
	sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
	t.Logf("ConfigMap update → applied on real FRR and reported: p50 %s, p95 %s, max %s (n=%d)",
		took[len(took)/2].Round(time.Millisecond), took[len(took)*95/100-1].Round(time.Millisecond),
		took[len(took)-1].Round(time.Millisecond), len(took))
	lab.WaitRoute(t, "the last change reaching the spine", "spine1", "198.51.100.20/32", 30*time.Second)

	// kill -9 in the middle of an apply; the next start converges.
	p := netip.MustParsePrefix("198.51.100.99/32")
	lab.AddAddress(leaf.Name, p.String())
	leaf.Default().Originated = append(leaf.Default().Originated, p)
	resolve.ApplyPolicies(f)
	resolve.Derive(f) // again: the default instance, which renderers read, holds Originated as Derive saw it
	next, rev := rendered(t, f, leaf)
	var cur corev1.ConfigMap
	if err := c.Get(ctx, client.ObjectKeyFromObject(next), &cur); err != nil {
		t.Fatal(err)
	}
	cur.Data = next.Data
	if err := c.Update(ctx, &cur); err != nil {
		t.Fatal(err)
	}
	// The in-flight marker exists exactly while the agent applies.
	marker := filepath.Join(stateDir, "applying.revision")
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if _, err := os.Stat(marker); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the agent never started applying")
		}
	}
	agent.Process.Signal(syscall.SIGKILL)
	agent.Wait()
	if _, err := os.Stat(marker); err != nil {
		t.Fatal("the kill did not land during the apply (the marker is gone): the test proves nothing")
	}
	agent = startAgent()
	waitApplied(t, c, leaf.Name, rev, 60*time.Second)
	lab.WaitRoute(t, "after kill -9 and restart, the change reaching the spine", "spine1", "198.51.100.99/32", 30*time.Second)
}

func storeFiles(cm *corev1.ConfigMap) map[string][]byte {
	out := map[string][]byte{}
	for k, v := range cm.Data {
		out[k] = []byte(v)
	}
	return out
}

func waitApplied(t *testing.T, c client.Client, device, rev string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		var nd v1alpha1.NetworkDevice
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := c.Get(ctx, client.ObjectKey{Namespace: "dc1", Name: device}, &nd)
		cancel()
		if err == nil {
			if nd.Status.AppliedRevision == rev {
				return
			}
			if nd.Status.LastError != "" && nd.Status.DesiredRevision == rev {
				t.Fatalf("apply of %s failed: %s", rev, nd.Status.LastError)
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s to apply %s: not applied within %s (last error: %v)", device, rev, within, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func rssKiB(t *testing.T, pid int) int {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			n, _ := strconv.Atoi(strings.Fields(line)[1])
			return n
		}
	}
	return 0
}
