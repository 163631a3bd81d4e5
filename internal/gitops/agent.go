package gitops

import (
	"bytes"
	"fmt"
	"strconv"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/bundle"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/platform"
)

// AgentFile is the per-device file with the agent's resources.
const AgentFile = "agent.yaml"

// AgentName names the ServiceAccount, Role, RoleBinding and DaemonSet of
// a device's agent.
func AgentName(device string) string { return "underlay-agent-" + device }

// agentObjects are a device agent's resources. The Role names exactly the
// device's ConfigMap and NetworkDevice (resourceNames), so an agent can
// read only its own config and write only its own status; the agent's
// cache lists and watches them with a metadata.name field selector, which
// resourceNames authorise. The DaemonSet runs on the node labelled
// underlay.dev/device=<device>, tolerating every taint (switches are
// usually tainted), on the host's network, with what the platform's
// descriptor says its driver needs from the host (daemonSet).
func agentObjects(f *model.Fabric, d *model.Device) ([]any, error) {
	name := AgentName(d.Name)
	labels := map[string]string{bundle.LabelFabric: f.Name, bundle.LabelDevice: d.Name, "app.kubernetes.io/name": "underlay-agent"}
	om := func(kind string) metav1.ObjectMeta { return metav1.ObjectMeta{Name: name, Labels: labels} }
	role := &rbacv1.Role{TypeMeta: tm("rbac.authorization.k8s.io/v1", "Role"), ObjectMeta: om("Role"), Rules: []rbacv1.PolicyRule{
		{APIGroups: []string{""}, Resources: []string{"configmaps"}, ResourceNames: []string{bundle.ConfigMapName(d.Name)}, Verbs: []string{"get", "list", "watch"}},
		{APIGroups: []string{v1alpha1.Group}, Resources: []string{"networkdevices"}, ResourceNames: []string{d.Name}, Verbs: []string{"get", "list", "watch"}},
		{APIGroups: []string{v1alpha1.Group}, Resources: []string{"networkdevices/status"}, ResourceNames: []string{d.Name}, Verbs: []string{"get", "update", "patch"}},
		{APIGroups: []string{"events.k8s.io"}, Resources: []string{"events"}, Verbs: []string{"create", "patch"}},
	}}
	binding := &rbacv1.RoleBinding{TypeMeta: tm("rbac.authorization.k8s.io/v1", "RoleBinding"), ObjectMeta: om("RoleBinding"),
		RoleRef:  rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: name},
		Subjects: []rbacv1.Subject{{Kind: "ServiceAccount", Name: name}}}
	nd := &v1alpha1.NetworkDevice{TypeMeta: tm(v1alpha1.GroupVersion.String(), "NetworkDevice"),
		ObjectMeta: metav1.ObjectMeta{Name: d.Name, Labels: map[string]string{bundle.LabelFabric: f.Name, bundle.LabelDevice: d.Name}},
		Spec:       v1alpha1.NetworkDeviceSpec{Fabric: f.Name, Platform: string(d.Platform)}}
	ds, err := daemonSet(f, d, name, labels)
	if err != nil {
		return nil, err
	}
	return []any{
		&corev1.ServiceAccount{TypeMeta: tm("v1", "ServiceAccount"), ObjectMeta: om("ServiceAccount")},
		role, binding, nd, ds,
	}, nil
}

func tm(apiVersion, kind string) metav1.TypeMeta {
	return metav1.TypeMeta{APIVersion: apiVersion, Kind: kind}
}

// daemonSet runs the agent with exactly what the platform's descriptor
// declares: its host mounts (at the same paths), its Secrets (read-only,
// only the declared keys), the flags that point the driver at them, and
// the host's PIDs when the driver needs them; on a leaf that relays DHCP,
// also what the relay needs (platform.Agent.Relay), so every other
// device's workload stays as it was.
func daemonSet(f *model.Fabric, d *model.Device, name string, labels map[string]string) (*appsv1.DaemonSet, error) {
	desc, err := platform.Get(d.Platform)
	if err != nil {
		return nil, fmt.Errorf("agent of %s: %w", d.Name, err)
	}
	privileged := true
	// A leaf that relays DHCP gets the relay's mount and flag besides.
	agent := desc.Agent.For(len(d.Relays) > 0)
	vols, mounts := agentVolumes(agent)
	c := corev1.Container{Name: "agent", Image: f.Agent.Image,
		Args: append([]string{"--device=" + d.Name, "--fabric=" + f.Name, "--platform=" + string(d.Platform),
			"--health-timeout=" + strconv.Itoa(f.Agent.HealthTimeout) + "s"}, agent.Args...),
		Env:             []corev1.EnvVar{{Name: "POD_NAMESPACE", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.namespace"}}}},
		Ports:           []corev1.ContainerPort{{Name: "metrics", ContainerPort: 9469}, {Name: "healthz", ContainerPort: 9470}},
		LivenessProbe:   &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: portName("healthz")}}},
		SecurityContext: &corev1.SecurityContext{Privileged: &privileged}, VolumeMounts: mounts}
	return &appsv1.DaemonSet{TypeMeta: tm("apps/v1", "DaemonSet"), ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels},
		Spec: appsv1.DaemonSetSpec{Selector: &metav1.LabelSelector{MatchLabels: map[string]string{bundle.LabelDevice: d.Name, "app.kubernetes.io/name": "underlay-agent"}},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: corev1.PodSpec{
				ServiceAccountName: name, HostNetwork: true, HostPID: agent.HostPID, DNSPolicy: corev1.DNSClusterFirstWithHostNet,
				NodeSelector: map[string]string{bundle.LabelDevice: d.Name},
				Tolerations:  []corev1.Toleration{{Operator: corev1.TolerationOpExists}},
				Containers:   []corev1.Container{c}, Volumes: vols}}}}, nil
}

func renderAgent(f *model.Fabric, d *model.Device) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(header)
	objs, err := agentObjects(f, d)
	if err != nil {
		return nil, err
	}
	for i, o := range objs {
		y, err := yaml.Marshal(o)
		if err != nil {
			return nil, fmt.Errorf("encoding agent resources of %s: %w", d.Name, err)
		}
		if i > 0 {
			b.WriteString("---\n")
		}
		b.Write(stripStatus(y))
	}
	return b.Bytes(), nil
}
