package gitops

import (
	"bytes"
	"sort"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"underlay.dev/underlay/internal/platform"
)

func portName(name string) intstr.IntOrString { return intstr.FromString(name) }

// agentVolumes are the volumes and mounts of an agent: each host path at
// the same path, each Secret read-only with only its declared keys,
// readable by the agent alone; sorted by name.
func agentVolumes(a platform.Agent) ([]corev1.Volume, []corev1.VolumeMount) {
	var vols []corev1.Volume
	var mounts []corev1.VolumeMount
	for _, m := range a.AllMounts() {
		vols = append(vols, corev1.Volume{Name: m.Volume, VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: m.Path}}})
		mounts = append(mounts, corev1.VolumeMount{Name: m.Volume, MountPath: m.Path})
	}
	mode := int32(0o400)
	for _, s := range a.Secrets {
		var items []corev1.KeyToPath
		for _, k := range s.Keys {
			items = append(items, corev1.KeyToPath{Key: k, Path: k})
		}
		vols = append(vols, corev1.Volume{Name: s.Volume, VolumeSource: corev1.VolumeSource{
			Secret: &corev1.SecretVolumeSource{SecretName: s.Name, Items: items, DefaultMode: &mode}}})
		mounts = append(mounts, corev1.VolumeMount{Name: s.Volume, MountPath: s.Path, ReadOnly: true})
	}
	sortVolumes(vols, mounts)
	return vols, mounts
}

func sortVolumes(vols []corev1.Volume, mounts []corev1.VolumeMount) {
	sort.Slice(vols, func(i, j int) bool { return vols[i].Name < vols[j].Name })
	sort.Slice(mounts, func(i, j int) bool { return mounts[i].Name < mounts[j].Name })
}

// stripStatus drops the empty status and creationTimestamp that typed
// objects marshal, which would make Flux report drift.
func stripStatus(y []byte) []byte {
	var out [][]byte
	skip := false
	for _, line := range bytes.SplitAfter(y, []byte("\n")) {
		t := bytes.TrimSpace(line)
		switch {
		case bytes.Equal(t, []byte("creationTimestamp: null")):
			continue
		case bytes.HasPrefix(line, []byte("status:")):
			skip = true
			continue
		case skip && (bytes.HasPrefix(line, []byte(" ")) || len(t) == 0):
			continue
		}
		skip = false
		out = append(out, line)
	}
	return bytes.Join(out, nil)
}
