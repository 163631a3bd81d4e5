package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"underlay.dev/underlay/internal/agent/driver"
	"underlay.dev/underlay/internal/agent/store"
	"underlay.dev/underlay/internal/bundle"
	"underlay.dev/underlay/internal/checker"
	"underlay.dev/underlay/internal/checker/nvuedoc"
	"underlay.dev/underlay/internal/checker/sonicyang"
	"underlay.dev/underlay/internal/expect"
	"underlay.dev/underlay/internal/gitops"
	"underlay.dev/underlay/internal/platform"
	"underlay.dev/underlay/internal/testutil/golden"
)

var examples = []string{"baremetal", "border", "k8s-calico", "k8s-cilium", "k8s-dualstack", "seed-lab", "seed-lab-update", "unnumbered"}

func examplePath(name string) (intent, rendered string) {
	dir := filepath.Join("..", "..", "examples", name)
	return filepath.Join(dir, "fabric.yaml"), filepath.Join(dir, "rendered")
}

// TestExamplesAreCurrent: the committed trees and lock files are exactly
// what the intents render (run with -update to re-render them).
func TestExamplesAreCurrent(t *testing.T) {
	for _, ex := range examples {
		intent, rendered := examplePath(ex)
		args := []string{"render", intent, "-o", rendered, "--check"}
		if golden.Updating() {
			args = []string{"render", "-q", intent, "-o", rendered}
		}
		if code, stdout, stderr := run(t, args...); code != 0 {
			t.Errorf("%s: exit %d\n%s%s", ex, code, stdout, stderr)
		}
	}
}

// TestExamplesPassRealCheckers feeds every rendered file of every example
// to the real parser or schema of its platform.
func TestExamplesPassRealCheckers(t *testing.T) {
	if testing.Short() {
		t.Skip("runs vtysh, ifupdown2 and yanglint")
	}
	ctx := context.Background()
	checked := 0
	for _, ex := range examples {
		_, rendered := examplePath(ex)
		files, _ := filepath.Glob(filepath.Join(rendered, "*", "*"))
		for _, file := range files {
			if fi, err := os.Stat(file); err == nil && fi.IsDir() {
				continue // clusters/<name>: the CNIs' objects, created in a real API server by render/cluster's tests
			}
			content, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var cerr error
			switch filepath.Base(file) {
			case "frr.conf":
				cerr = checker.FRR(ctx, content)
			case "interfaces":
				cerr = checker.Ifupdown2(ctx, content)
			case "config_db.json":
				var s *sonicyang.Schema
				if s, cerr = sonicyang.Shared(); cerr == nil {
					cerr = s.Check(ctx, content)
				}
			case "nvue.yaml":
				cerr = nvuedoc.Validate(content)
			case platform.FileDHCPRelay:
				// the agent's admission: shell-sourced, the three variables in
				// the form dhcrelay takes them
				cerr = (&driver.DHCPRelay{Path: "/etc/default/isc-dhcp-relay"}).Precheck(ctx, store.Files{platform.FileDHCPRelay: content})
			case gitops.KustomizationFile, expect.FileName, gitops.AgentFile:
				continue // built by kustomize below; agent.yaml is applied to a real API server in internal/agent/kube
			default:
				t.Errorf("%s: no checker for this file", file)
			}
			golden.Checked(t, file, cerr)
			checked++
		}
	}
	if checked < 40 {
		t.Errorf("checked only %d files", checked)
	}
}

// TestExamplesBuildWithKustomize builds each tree as Flux's
// kustomize-controller would and checks the ConfigMaps it yields.
func TestExamplesBuildWithKustomize(t *testing.T) {
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	for _, ex := range examples {
		_, rendered := examplePath(ex)
		resMap, err := k.Run(filesys.MakeFsOnDisk(), rendered)
		if err != nil {
			t.Fatalf("%s: kustomize build: %v", ex, err)
		}
		dirs, _ := filepath.Glob(filepath.Join(rendered, "*", gitops.KustomizationFile))
		agents, _ := filepath.Glob(filepath.Join(rendered, "*", gitops.AgentFile))
		kinds := map[string]int{}
		for _, r := range resMap.Resources() {
			kinds[r.GetKind()]++
			if r.GetNamespace() == "" || r.GetLabels()[bundle.LabelFabric] == "" {
				t.Errorf("%s: %s %s has no namespace or fabric label", ex, r.GetKind(), r.GetName())
			}
			if r.GetKind() != "ConfigMap" {
				continue
			}
			dev := r.GetLabels()[bundle.LabelDevice]
			if r.GetName() != bundle.ConfigMapName(dev) || !strings.HasPrefix(r.GetAnnotations()[bundle.AnnotationHash], "sha256:") {
				t.Errorf("%s: unexpected ConfigMap %s/%s labels %v", ex, r.GetNamespace(), r.GetName(), r.GetLabels())
			}
		}
		want := map[string]int{"ConfigMap": len(dirs)}
		for _, kind := range []string{"ServiceAccount", "Role", "RoleBinding", "NetworkDevice", "DaemonSet"} {
			if len(agents) > 0 {
				want[kind] = len(agents)
			}
		}
		if diff := cmp.Diff(want, kinds); diff != "" {
			t.Errorf("%s: resources by kind (-want +got):\n%s", ex, diff)
		}
	}
	for _, dir := range []string{"flux", "agent"} {
		if _, err := k.Run(filesys.MakeFsOnDisk(), filepath.Join("..", "..", "deploy", dir)); err != nil {
			t.Errorf("deploy/%s: %v", dir, err)
		}
	}
}

// TestSeedLabChange738 is the demo's canonical change: the diff must show
// the new loopback on each device and its announcement, nothing else.
func TestSeedLabChange738(t *testing.T) {
	before, _ := examplePath("seed-lab")
	after, _ := examplePath("seed-lab-update")
	code, stdout, stderr := run(t, "diff", "--exit-code", before, after)
	if code != ExitFailed {
		t.Fatalf("diff --exit-code: exit %d, want 1: %s", code, stderr)
	}
	golden.Assert(t, "TestSeedLabChange738.diff", []byte(stdout))
	for _, line := range strings.Split(stdout, "\n") {
		changed := (strings.HasPrefix(line, "+") || strings.HasPrefix(line, "-")) &&
			!strings.HasPrefix(line, "+++") && !strings.HasPrefix(line, "---")
		if changed && !strings.Contains(line, "198.51.100.") && strings.TrimSpace(line[1:]) != `"20":` &&
			!strings.Contains(line, "action: permit") && !strings.Contains(line, "match:") &&
			strings.TrimSpace(line) != `-        "Loopback0|192.0.2.100/32": {}` && strings.TrimSpace(line) != `+        "Loopback0|192.0.2.100/32": {},` {
			t.Errorf("unexpected change: %s", line)
		}
	}
	if code, _, _ := run(t, "diff", "--exit-code", before, before); code != 0 {
		t.Errorf("diff of an intent with itself: exit %d", code)
	}
}

func TestVerifyExamples(t *testing.T) {
	for _, ex := range examples {
		intent, _ := examplePath(ex)
		if code, stdout, _ := run(t, "verify", intent); code != 0 {
			t.Errorf("%s: exit %d\n%s", ex, code, stdout)
		}
	}
	intent, _ := examplePath("unnumbered")
	code, stdout, _ := run(t, "verify", intent, "--trace", "leaf1-host1", "10.255.0.12/32")
	if code != 0 || !strings.Contains(stdout, "leaf1-host1: AS path") || !strings.Contains(stdout, "originates it") {
		t.Errorf("trace: exit %d\n%s", code, stdout)
	}
}
