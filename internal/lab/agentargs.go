package lab

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"underlay.dev/underlay/internal/gitops"
	"underlay.dev/underlay/internal/platform"
)

// workload reads device d's agent DaemonSet as lab sync applied it, as
// the kubelet would.
func (l *Lab) workload(ctx context.Context, c client.Client, st *State, d Device) (*appsv1.DaemonSet, error) {
	var ds appsv1.DaemonSet
	key := client.ObjectKey{Namespace: st.Namespace, Name: gitops.AgentName(d.Name)}
	if err := c.Get(ctx, key, &ds); err != nil {
		return nil, fmt.Errorf("the agent workload of %s (lab sync applies it): %w", d.Name, err)
	}
	return &ds, nil
}

// agentArgs is the agent's command line for device d: the container args
// of its rendered DaemonSet, as production runs them, with each flag that
// names a host thing the lab stands in for mapped (labFlag), then what a
// pod gets from Kubernetes or the host and the lab must say instead
// (labAdded). A rendered flag naming a host path the lab has no stand-in
// for is an error, so a new platform cannot reach the lab unmapped.
func (l *Lab) agentArgs(st *State, d Device, self string, ds *appsv1.DaemonSet) ([]string, error) {
	cs := ds.Spec.Template.Spec.Containers
	if len(cs) != 1 {
		return nil, fmt.Errorf("the agent workload of %s has %d containers, want 1", d.Name, len(cs))
	}
	var args []string
	cli, relay := false, false
	for _, a := range cs[0].Args {
		name, value, _ := strings.Cut(a, "=")
		relay = relay || name == "--dhcp-relay-file"
		switch name {
		case "--sonic-cli":
			// The rendered nsenter into the host becomes the lab's SONiC
			// CLI emulation, once, where the prefix began.
			if !cli {
				for _, v := range []string{self, "lab", "sonic-cli", "--dir=" + l.Dir, "--device=" + d.Name, "--"} {
					args = append(args, "--sonic-cli="+v)
				}
			}
			cli = true
			continue
		}
		mapped, ok, err := l.labFlag(st, d, name, value)
		if err != nil {
			return nil, fmt.Errorf("the agent workload of %s: %s: %w", d.Name, a, err)
		}
		if ok {
			a = name + "=" + mapped
		}
		args = append(args, a)
	}
	added, err := l.labAdded(st, d, ds)
	if err != nil {
		return nil, err
	}
	if relay {
		// systemctl restart/stop of dhcrelay.service: the lab's dhcrelay.
		for _, verb := range []string{"restart", "stop"} {
			for _, v := range []string{self, "lab", "dhcrelay", "--dir=" + l.Dir, "--device=" + d.Name, verb} {
				added = append(added, "--dhcp-relay-"+verb+"="+v)
			}
		}
	}
	return append(args, added...), nil
}

// labFlag maps the value of a rendered flag: the lab's health timeout
// (`up --health-timeout`) and its stand-ins for NVUE's socket and
// credentials and SONiC's directory. Other values must not be paths.
func (l *Lab) labFlag(st *State, d Device, name, value string) (string, bool, error) {
	dir := l.path("devices", d.Name)
	switch {
	case name == "--health-timeout":
		return st.HealthTimeout, true, nil
	case name == "--nvue-socket" && value == platform.NVUESocket:
		return l.nvueSocket(d.Name), true, nil
	case name == "--nvue-credentials":
		return l.nvueCredentials(d.Name), true, nil
	case name == "--sonic-dir" && value == platform.SONiCDir:
		return filepath.Join(dir, "sonic"), true, nil
	case name == "--dhcp-relay-file":
		// Written where the lab's dhcrelay reads it (RelayCommand).
		return l.RelayFile(d.Name), true, nil
	case strings.HasPrefix(value, "/"):
		return "", false, fmt.Errorf("the lab has no stand-in for host path %s", value)
	}
	return "", false, nil
}

// labAdded are the flags a pod does without and the lab needs: the
// namespace (the downward API's POD_NAMESPACE), the state directory (a
// host path), FRR's pathspace (each lab device's FRR is one), no metrics
// or health ports (agents share the host's network), and for a workload
// that mounts /etc/network, ifreload in the device's namespace on the
// lab's interfaces file.
func (l *Lab) labAdded(st *State, d Device, ds *appsv1.DaemonSet) ([]string, error) {
	dir := l.path("devices", d.Name)
	out := []string{"--namespace=" + st.Namespace, "--state-dir=" + dir + "/agent", "--frr-pathspace=" + d.Netns,
		"--metrics-addr=0", "--health-addr=0"}
	for _, v := range ds.Spec.Template.Spec.Volumes {
		if v.HostPath == nil {
			continue
		}
		switch v.HostPath.Path {
		case platform.NetworkDir:
			out = append(out, "--netns="+d.Netns, "--interfaces="+dir+"/interfaces")
			if o := st.Daemon("ovs", d.Name); o != nil {
				// Open vSwitch stands in for the switch's bridge and bonds.
				out = append(out, "--lab-ovs-dir="+o.Dir)
			}
		case platform.StateDir, platform.FRRConfDir, platform.FRRRunDir, platform.NVUERunDir, platform.SONiCDir:
			// --state-dir, --frr-pathspace, or mapped in labFlag.
		case platform.IfupdownStateDir:
			// ifreload --netns runs with a /run of its own per device.
		case relayDir:
			// --dhcp-relay-file, mapped in labFlag.
		default:
			return nil, fmt.Errorf("the agent workload of %s mounts host path %s, which the lab has no stand-in for", d.Name, v.HostPath.Path)
		}
	}
	return out, nil
}

// relayDir is where a relaying Cumulus leaf's agent writes isc-dhcp-relay
// (platform.DHCPRelayDir).
const relayDir = "/etc/default"

// nvueCredentials is the lab's stand-in for the NVUE credentials Secret:
// the emulator of device d requires what it holds.
func (l *Lab) nvueCredentials(d string) string { return l.path("devices", d, "nvue-credentials") }
