package lab

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"underlay.dev/underlay/internal/load"
	"underlay.dev/underlay/internal/model"
)

// TestAgentArgsAreTheRenderedWorkloads: the lab starts each agent with
// its DaemonSet's container args, as kustomize builds and lab sync
// applies them: every rendered arg reaches the agent as rendered, except
// the flags naming a host thing the lab stands in for, which keep their
// flag and take a value in the lab's directory; the lab's additions are
// pinned per platform.
func TestAgentArgsAreTheRenderedWorkloads(t *testing.T) {
	file, err := load.File("../../examples/unnumbered/fabric.yaml")
	if err != nil {
		t.Fatal(err)
	}
	f := file.Fabric
	f.Namespace, f.Agent = "fab", &model.Agent{Image: "underlay-agent:lab", HealthTimeout: 45}
	objs, _, err := objects(f)
	if err != nil {
		t.Fatal(err)
	}
	l := &Lab{Dir: "/lab"}
	st := &State{Namespace: f.Namespace, HealthTimeout: "30s"}
	seen := map[string]bool{}
	for _, u := range objs {
		if u.GetKind() != "DaemonSet" {
			continue
		}
		var ds appsv1.DaemonSet
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, &ds); err != nil {
			t.Fatal(err)
		}
		name := ds.Spec.Template.Spec.NodeSelector["underlay.dev/device"]
		d := Device{Name: name, Platform: string(device(t, f, name).Platform), Netns: "lab-" + name}
		args, err := l.agentArgs(st, d, "/bin/underlay", &ds)
		if err != nil {
			t.Fatal(err)
		}
		checkRenderedArgs(t, name, ds.Spec.Template.Spec.Containers[0].Args, args)
		if !seen[d.Platform] {
			seen[d.Platform] = true
			if diff := cmp.Diff(wantLabArgs(d), args); diff != "" {
				t.Errorf("%s (%s) agent argv (-want +got):\n%s", name, d.Platform, diff)
			}
		}
	}
	if len(seen) != len(model.Platforms) {
		t.Errorf("checked platforms %v, want all of %v", seen, model.Platforms)
	}
}

// mappedFlags are the rendered flags the lab gives its own values.
var mappedFlags = map[string]bool{"--health-timeout": true, "--nvue-socket": true, "--nvue-credentials": true,
	"--sonic-dir": true, "--sonic-cli": true}

func checkRenderedArgs(t *testing.T, name string, rendered, args []string) {
	t.Helper()
	has := map[string]bool{}
	flags := map[string]bool{}
	for _, a := range args {
		has[a] = true
		flag, _, _ := strings.Cut(a, "=")
		flags[flag] = true
	}
	for _, a := range rendered {
		flag, _, _ := strings.Cut(a, "=")
		switch {
		case mappedFlags[flag] && !flags[flag]:
			t.Errorf("%s: the rendered %s has no lab stand-in in %q", name, a, args)
		case !mappedFlags[flag] && !has[a]:
			t.Errorf("%s: the rendered %s does not reach the lab's agent: %q", name, a, args)
		}
	}
}

func wantLabArgs(d Device) []string {
	dir := "/lab/devices/" + d.Name
	head := []string{"--device=" + d.Name, "--fabric=unnumbered", "--platform=" + d.Platform, "--health-timeout=30s"}
	tail := []string{"--namespace=fab", "--state-dir=" + dir + "/agent", "--frr-pathspace=" + d.Netns, "--metrics-addr=0", "--health-addr=0"}
	switch d.Platform {
	case "cumulus":
		return append(append(head, tail...), "--netns="+d.Netns, "--interfaces="+dir+"/interfaces")
	case "nvue":
		return append(append(head, "--nvue-socket="+dir+"/nvue.sock", "--nvue-credentials="+dir+"/nvue-credentials"), tail...)
	case "sonic":
		head = append(head, "--sonic-dir="+dir+"/sonic")
		for _, v := range []string{"/bin/underlay", "lab", "sonic-cli", "--dir=/lab", "--device=" + d.Name, "--"} {
			head = append(head, "--sonic-cli="+v)
		}
	}
	return append(head, tail...)
}

func device(t *testing.T, f *model.Fabric, name string) *model.Device {
	for _, d := range f.Devices {
		if d.Name == name {
			return d
		}
	}
	t.Fatalf("no device %s", name)
	return nil
}

// TestAgentArgsRefuseUnmappedHostPaths: a workload naming a host path the
// lab has no stand-in for (a new platform's) is refused, naming it.
func TestAgentArgsRefuseUnmappedHostPaths(t *testing.T) {
	l := &Lab{Dir: "/lab"}
	st := &State{Namespace: "fab", HealthTimeout: "30s"}
	d := Device{Name: "r1", Platform: "junos", Netns: "lab-r1"}
	for name, ds := range map[string]*appsv1.DaemonSet{
		"flag":  workloadWith([]string{"--device=r1", "--junos-dir=/config"}, ""),
		"mount": workloadWith([]string{"--device=r1"}, "/config"),
	} {
		if _, err := l.agentArgs(st, d, "/bin/underlay", ds); err == nil || !strings.Contains(err.Error(), "/config") {
			t.Errorf("%s: err %v, want one naming /config", name, err)
		}
	}
}

func workloadWith(args []string, hostPath string) *appsv1.DaemonSet {
	var ds appsv1.DaemonSet
	ds.Spec.Template.Spec.Containers = []corev1.Container{{Name: "agent", Args: args}}
	if hostPath != "" {
		ds.Spec.Template.Spec.Volumes = []corev1.Volume{{Name: "x", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: hostPath}}}}
	}
	return &ds
}
