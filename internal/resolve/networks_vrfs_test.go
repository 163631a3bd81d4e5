package resolve_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestTooManyVRFs: every VRF needs a VLAN of NVUE's L3VNI VLAN range
// (4000-4064, 65 VLANs); one VRF more is one error on spec.networks that
// names the range and the fix (fewer VRFs), not "enlarge the pool": the
// range is the platform's. 65 VRFs fit.
func TestTooManyVRFs(t *testing.T) {
	withVRFs := func(n int) string {
		var b strings.Builder
		for i := range n - 1 { // tenant-a is one already
			fmt.Fprintf(&b, "  - {name: t%d, kind: tenant, vlan: %d, subnets: [{leaf: leaf2, prefix: 10.%d.%d.0/24}]}\n", i, 500+i, 40+i/200, i%200)
		}
		return replace(netBase, "  servers:\n", b.String()+"  servers:\n")
	}
	runLockTable(t, []struct {
		name         string
		fabric, lock string
		want         []string
	}{
		{name: "65 VRFs", fabric: withVRFs(65)},
		{name: "66 VRFs", fabric: withVRFs(66), want: []string{
			`fabric.yaml:20: spec.networks: Invalid value: "4000-4064": 66 VRFs need a VLAN each for their L3VNI, 1 more than VLANs 4000-4064 hold (NVUE's L3VNI VLAN range, which underlay maps VRFs to on every platform, 65 VLANs); put the networks in at most 65 VRFs: give several networks one vrf, or vrf: default`}},
	})
}
