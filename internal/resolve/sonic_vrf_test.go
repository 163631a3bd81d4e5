package resolve_test

import (
	"strings"
	"testing"
)

// TestSONiCVRFNameLength: SONiC names VRF X Vrf-X (its YANG wants the
// prefix), a device name of at most 15 characters, so a VRF carried by a
// SONiC leaf has at most 11; a Cumulus leaf takes all 15.
func TestSONiCVRFNameLength(t *testing.T) {
	intent := func(platform, vrf string) string {
		return strings.NewReplacer("{name: leaf2, role: leaf, platform: nvue}", "{name: leaf2, role: leaf, platform: "+platform+"}",
			"spine1:Ethernet4 -- leaf2:swp1", "spine1:Ethernet4 -- leaf2:Ethernet0").Replace(base) +
			"  networks:\n  - {name: " + vrf + ", kind: tenant, pool: 10.100.0.0/16}\n" +
			"  servers:\n  - {name: s1, leaf: leaf2, ports: [Ethernet8], untagged: " + vrf + "}\n"
	}
	if _, errs := resolveText(t, intent("sonic", "tenant-abcd"), nil); errs != nil {
		t.Errorf("an 11-character VRF on SONiC: %v", errs)
	}
	_, errs := resolveText(t, intent("sonic", "tenant-abcde"), nil)
	if errs == nil || !strings.Contains(errs.Error(), "fabric.yaml:17:") ||
		!strings.Contains(errs.Error(), "the VRF is Vrf-tenant-abcde, longer than the 15 characters of a device name: use at most 11 characters") {
		t.Errorf("a 12-character VRF on SONiC: %v", errs)
	}
}
