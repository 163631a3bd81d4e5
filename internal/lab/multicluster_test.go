package lab

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// twoClusters writes examples/k8s-calico with its racks split between
// cluster prod (leaf1) and a second cluster dev (leaf2) of CNI cni, and
// returns the intent's path.
func twoClusters(t *testing.T, cni string) string {
	t.Helper()
	src, err := os.ReadFile("../../examples/k8s-calico/fabric.yaml")
	if err != nil {
		t.Fatal(err)
	}
	lock, err := os.ReadFile("../../examples/k8s-calico/fabric.lock.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := string(src)
	for _, e := range [][2]string{
		{"    racks: [leaf1, leaf2]\n", "    racks: [leaf1]\n"},
		{"  checks:\n", "  - {name: dev, cni: " + cni + ", network: k8s, racks: [leaf2], podCIDRs: [10.245.0.0/16], services: {loadBalancer: [10.201.0.0/24]}}\n  checks:\n"},
		{"  - {name: pods-rack2-from-leaf1, from: leaf1, to: 10.244.0.64/26, minPaths: 2}\n", ""},
		{"  - {name: lb-ecmp-on-spine, from: spine1, to: 10.100.0.0/24, minPaths: 2}\n", ""},
	} {
		if !strings.Contains(text, e[0]) {
			t.Fatalf("the example has no %q", e[0])
		}
		text = strings.Replace(text, e[0], e[1], 1)
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "fabric.yaml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "fabric.lock.yaml"), lock, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestTwoCalicoClustersRefused: two Calico clusters both render the
// cluster-scoped BGPConfiguration "default"; the lab's one API server
// cannot hold both, and lab up and lab sync say so, naming both clusters.
// Clusters of different CNIs share no object and pass.
func TestTwoCalicoClustersRefused(t *testing.T) {
	f, err := LoadFabric(twoClusters(t, "calico"))
	if err != nil {
		t.Fatal(err)
	}
	err = checkClusters(f)
	want := `clusters dev and prod (both calico) both render BGPConfiguration "default" (crd.projectcalico.org/v1, cluster-scoped)`
	if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "one API server") {
		t.Fatalf("two Calico clusters: got %v, want %q…", err, want)
	}
	_, objs, err := objects(f)
	if err != nil {
		t.Fatal(err)
	}
	if err := oneAPIServer(f, objs); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("sync's check: got %v, want %q…", err, want)
	}
	for _, cni := range []string{"cilium", "frr-k8s"} {
		f, err := LoadFabric(twoClusters(t, cni))
		if err != nil {
			t.Fatal(err)
		}
		if err := checkClusters(f); err != nil {
			t.Errorf("calico and %s: %v", cni, err)
		}
	}
}
