package gitops

import (
	"bytes"
	"sort"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

func portName(name string) intstr.IntOrString { return intstr.FromString(name) }

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
