package main

import (
	"bytes"
	"flag"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"underlay.dev/underlay/internal/agent/driver"
	"underlay.dev/underlay/internal/gitops"
	"underlay.dev/underlay/internal/intent"
	"underlay.dev/underlay/internal/load"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/render/renderers"
	"underlay.dev/underlay/internal/resolve"
)

// TestRenderedWorkloadsReachTheirDevice renders the agent workload of
// every device of an example with all four platforms, parses each
// DaemonSet's container args with the agent's own flag set, builds the
// driver those flags make, and checks that every host path and socket the
// driver and its prober open is mounted at that path (a host path, or a
// declared key of a Secret), and that a driver reaching the host through
// nsenter --target=1 runs in the host's PIDs. The Cumulus pod every
// platform used to get fails it for NVUE (no socket, no credentials) and
// SONiC (no /etc/sonic, patch files in the container's /tmp).
func TestRenderedWorkloadsReachTheirDevice(t *testing.T) {
	file, err := load.File("../../examples/unnumbered/fabric.yaml")
	if err != nil {
		t.Fatal(err)
	}
	f := file.Fabric
	f.Agent = &model.Agent{Image: "underlay-agent:test", HealthTimeout: 30}
	tree, err := gitops.Build(f, renderers.For)
	if err != nil {
		t.Fatal(err)
	}
	files, err := tree.Files()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[model.Platform]bool{}
	for _, d := range f.Devices {
		seen[d.Platform] = true
		t.Run(d.Name, func(t *testing.T) {
			ds := renderedDaemonSet(t, files[path.Join(d.Name, gitops.AgentFile)])
			checkWorkload(t, d, ds)
		})
	}
	for _, p := range model.Platforms {
		if !seen[p] {
			t.Errorf("the example has no %s device: its workload goes unchecked", p)
		}
	}
}

func checkWorkload(t *testing.T, d *model.Device, ds *appsv1.DaemonSet) {
	pod := ds.Spec.Template.Spec
	c := pod.Containers[0]
	fs := flag.NewFlagSet("underlay-agent", flag.ContinueOnError)
	o := newFlags(fs)
	if err := fs.Parse(c.Args); err != nil || fs.NArg() > 0 {
		t.Fatalf("the agent does not take its rendered args %q: %v (left over: %q)", c.Args, err, fs.Args())
	}
	if *o.platform != string(d.Platform) || *o.device != d.Name {
		t.Errorf("args say device %s platform %s, want %s %s", *o.device, *o.platform, d.Name, d.Platform)
	}
	drv, prober, err := driver.For(model.Platform(*o.platform), o.driverOptions())
	if err != nil {
		t.Fatalf("the rendered args make no driver: %v", err)
	}
	for _, p := range append(driver.HostPaths(drv, prober), *o.stateDir) {
		if why := mounted(pod, c, p); why != "" {
			t.Errorf("the driver opens %s, which the workload %s", p, why)
		}
	}
	if len(o.sonicCLI) > 0 && o.sonicCLI[0] == "nsenter" && slices.Contains(o.sonicCLI, "--target=1") && !pod.HostPID {
		t.Errorf("SONiC commands run through nsenter --target=1, but the pod is not in the host's PIDs")
	}
	if !pod.HostNetwork {
		t.Errorf("the agent configures the host's routing but is not on the host's network")
	}
}

// mounted says why p is not reachable at p in container c of pod, or "".
func mounted(pod corev1.PodSpec, c corev1.Container, p string) string {
	vols := map[string]corev1.Volume{}
	for _, v := range pod.Volumes {
		vols[v.Name] = v
	}
	for _, m := range c.VolumeMounts {
		rel, err := filepath.Rel(m.MountPath, p)
		if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
			continue
		}
		v := vols[m.Name]
		switch {
		case v.HostPath != nil && v.HostPath.Path != m.MountPath:
			return "mounts from host path " + v.HostPath.Path + " at " + m.MountPath
		case v.HostPath != nil:
			return ""
		case v.Secret != nil:
			for _, it := range v.Secret.Items {
				if it.Path == rel {
					return ""
				}
			}
			return "mounts from Secret " + v.Secret.SecretName + " without that key"
		}
	}
	return "does not mount"
}

func renderedDaemonSet(t *testing.T, agentYAML []byte) *appsv1.DaemonSet {
	t.Helper()
	for _, doc := range bytes.Split(agentYAML, []byte("\n---\n")) {
		var ds appsv1.DaemonSet
		if err := yaml.UnmarshalStrict(doc, &ds); err == nil && ds.Kind == "DaemonSet" {
			return &ds
		}
	}
	t.Fatalf("no DaemonSet in agent.yaml:\n%s", agentYAML)
	return nil
}

// TestRelayingLeafWorkload: the workload of a Cumulus leaf that relays
// DHCP (the bare-metal example, issue #11) turns the relay driver on
// with a path the workload mounts; the spine's relays nothing and
// mounts no /etc/default.
func TestRelayingLeafWorkload(t *testing.T) {
	doc, err := intent.Load("../../examples/baremetal/fabric.yaml")
	if err != nil {
		t.Fatal(err)
	}
	res, errs := resolve.Resolve(doc.Fabric, nil)
	if len(errs) > 0 {
		t.Fatal(doc.Locate(errs))
	}
	f := res.Fabric
	f.Agent = &model.Agent{Image: "underlay-agent:test", HealthTimeout: 30}
	var cumulus []*model.Device
	for _, d := range f.Devices {
		if d.Platform == model.PlatformCumulus {
			cumulus = append(cumulus, d)
		}
	}
	f.Devices = cumulus
	tree, err := gitops.Build(f, renderers.For)
	if err != nil {
		t.Fatal(err)
	}
	files, err := tree.Files()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range cumulus {
		t.Run(d.Name, func(t *testing.T) {
			ds := renderedDaemonSet(t, files[path.Join(d.Name, gitops.AgentFile)])
			checkWorkload(t, d, ds)
			fs := flag.NewFlagSet("underlay-agent", flag.ContinueOnError)
			o := newFlags(fs)
			if err := fs.Parse(ds.Spec.Template.Spec.Containers[0].Args); err != nil {
				t.Fatal(err)
			}
			if relays := len(d.Relays) > 0; relays != (*o.relayFile != "") {
				t.Errorf("relays %v, --dhcp-relay-file %q", relays, *o.relayFile)
			}
		})
	}
}
