package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/agent/kube"
)

func TestStatusTable(t *testing.T) {
	assets := os.Getenv("KUBEBUILDER_ASSETS")
	if assets == "" {
		if os.Getenv("UNDERLAY_REQUIRE_CHECKERS") == "1" {
			t.Fatal("KUBEBUILDER_ASSETS is not set: run hack/k8s-bins.sh")
		}
		t.Skip("KUBEBUILDER_ASSETS is not set: run hack/k8s-bins.sh")
	}
	env := &envtest.Environment{BinaryAssetsDirectory: assets, ErrorIfCRDPathMissing: true,
		CRDDirectoryPaths: []string{filepath.Join("..", "..", "deploy", "agent", "crd")}}
	cfg, err := env.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer env.Stop()
	restConfig = func() (*rest.Config, error) { return cfg, nil }
	scheme, _ := kube.Scheme()
	c, _ := client.New(cfg, client.Options{Scheme: scheme})
	ctx := context.Background()
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "dc1"}}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"spine", "leaf1"} {
		nd := &v1alpha1.NetworkDevice{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "dc1",
			Labels: map[string]string{"underlay.dev/fabric": "dc1"}}, Spec: v1alpha1.NetworkDeviceSpec{Fabric: "dc1", Platform: "cumulus"}}
		if err := c.Create(ctx, nd); err != nil {
			t.Fatal(err)
		}
		nd.Status = v1alpha1.NetworkDeviceStatus{DesiredRevision: "sha256:abcdef0123456789", AppliedRevision: "sha256:abcdef0123456789",
			Sessions: "2/2", LastApplyDuration: "412ms", RollbackCount: 1}
		meta.SetStatusCondition(&nd.Status.Conditions, metav1.Condition{Type: v1alpha1.ConditionReady, Status: metav1.ConditionTrue, Reason: "Applied"})
		if err := c.Status().Update(ctx, nd); err != nil {
			t.Fatal(err)
		}
	}
	code, stdout, stderr := run(t, "status", "--fabric", "dc1")
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if code != 0 || len(lines) != 3 || !strings.HasPrefix(lines[1], "dc1        leaf1") ||
		!strings.Contains(lines[1], "True   Applied  2/2       sha256:abcdef012345") {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	if code, stdout, _ := run(t, "status", "-o", "json"); code != 0 || !strings.Contains(stdout, `"appliedRevision": "sha256:abcdef0123456789"`) {
		t.Errorf("json: exit %d\n%s", code, stdout)
	}
}
