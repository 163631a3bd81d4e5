package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"underlay.dev/underlay/internal/agent/kube"
)

// requireAssets skips (or, with UNDERLAY_REQUIRE_CHECKERS=1, fails) where
// the test cannot run, and returns the Kubernetes binaries' directory.
func requireAssets(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the agent, starts FRR and a kube-apiserver")
	}
	assets := os.Getenv("KUBEBUILDER_ASSETS")
	if assets == "" {
		if os.Getenv("UNDERLAY_REQUIRE_CHECKERS") == "1" {
			t.Fatal("KUBEBUILDER_ASSETS is not set: run hack/k8s-bins.sh")
		}
		t.Skip("KUBEBUILDER_ASSETS is not set")
	}
	return assets
}

// startAPI starts a real etcd and kube-apiserver with the NetworkDevice
// CRD and the namespace dc1, stopped when the test ends.
func startAPI(t *testing.T, assets string) (*envtest.Environment, client.Client) {
	t.Helper()
	env := &envtest.Environment{BinaryAssetsDirectory: assets, ErrorIfCRDPathMissing: true,
		CRDDirectoryPaths: []string{filepath.Join("..", "..", "..", "deploy", "agent", "crd")}}
	if _, err := env.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { env.Stop() })
	scheme, err := kube.Scheme()
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(env.Config, client.Options{Scheme: scheme})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Create(t.Context(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "dc1"}}); err != nil {
		t.Fatal(err)
	}
	return env, c
}

// buildAgent builds the agent binary into a temporary directory.
func buildAgent(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "underlay-agent")
	if out, err := exec.Command("go", "build", "-o", bin, "underlay.dev/underlay/cmd/underlay-agent").CombinedOutput(); err != nil {
		t.Fatalf("building the agent: %v\n%s", err, out)
	}
	return bin
}
