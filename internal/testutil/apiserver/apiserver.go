// Package apiserver starts a real etcd and kube-apiserver for a test, with
// the NetworkDevice CRD installed from the file the deploy tree ships
// (deploy/agent/crd), and stops them when the test ends.
package apiserver

import (
	"os"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/yaml"

	"underlay.dev/underlay/deploy/agent/crd"
)

// Start runs the API server from the binaries KUBEBUILDER_ASSETS points
// at (hack/k8s-bins.sh builds them) and returns its config. Without them
// the test skips, unless UNDERLAY_REQUIRE_CHECKERS=1, where it fails.
func Start(t testing.TB) *rest.Config {
	t.Helper()
	assets := os.Getenv("KUBEBUILDER_ASSETS")
	if assets == "" {
		if os.Getenv("UNDERLAY_REQUIRE_CHECKERS") == "1" {
			t.Fatal("KUBEBUILDER_ASSETS is not set: run hack/k8s-bins.sh")
		}
		t.Skip("KUBEBUILDER_ASSETS is not set: run hack/k8s-bins.sh")
	}
	var def apiextensionsv1.CustomResourceDefinition
	if err := yaml.Unmarshal(crd.NetworkDevices, &def); err != nil {
		t.Fatalf("NetworkDevice CRD: %v", err)
	}
	env := &envtest.Environment{BinaryAssetsDirectory: assets,
		CRDInstallOptions: envtest.CRDInstallOptions{CRDs: []*apiextensionsv1.CustomResourceDefinition{&def}}}
	cfg, err := env.Start()
	if err != nil {
		t.Fatalf("starting the API server (binaries from %s): %v", assets, err)
	}
	t.Cleanup(func() {
		if err := env.Stop(); err != nil {
			t.Errorf("stopping the API server: %v", err)
		}
	})
	return cfg
}
