package platform

import (
	"testing"

	"underlay.dev/underlay/internal/model"
)

// TestServers: every platform a leaf may run attaches servers; its
// reserved VLANs are the documented ranges, every VLAN of the L3VNI range
// is among them (VRF VLANs come from it), and the default bond name of
// its ports is one its own bond rule accepts.
func TestServers(t *testing.T) {
	tests := []struct {
		platform model.Platform
		reserved []int // VLANs reserved
		free     []int // VLANs not
		ports    map[string]string
	}{
		{model.PlatformCumulus, []int{3725, 3999, 4000, 4064}, []int{1, 100, 3724, 4065, 4094},
			map[string]string{"swp5": "bond5", "swp1s0": "bond1s0"}},
		{model.PlatformNVUE, []int{3725, 3999, 4000, 4064}, []int{1, 100, 3724, 4065, 4094},
			map[string]string{"swp5": "bond5"}},
		{model.PlatformSONiC, []int{1, 4000, 4064}, []int{2, 100, 3724, 3725, 3999, 4065, 4094},
			map[string]string{"Ethernet0": "PortChannel0", "Ethernet8": "PortChannel8", "Ethernet9996": "PortChannel9996"}},
	}
	for _, tt := range tests {
		s := MustGet(tt.platform).Servers
		if s == nil {
			t.Errorf("%s: no Servers", tt.platform)
			continue
		}
		for _, v := range tt.reserved {
			if s.Reserved(v) == nil {
				t.Errorf("%s: VLAN %d is not reserved", tt.platform, v)
			}
		}
		for _, v := range tt.free {
			if r := s.Reserved(v); r != nil {
				t.Errorf("%s: VLAN %d is reserved by %s", tt.platform, v, r)
			}
		}
		for v := model.L3VNIVLANFirst; v <= model.L3VNIVLANLast; v++ {
			if s.Reserved(v) == nil {
				t.Errorf("%s: VRF VLAN %d is not reserved for networks", tt.platform, v)
				break
			}
		}
		for port, bond := range tt.ports {
			if got := s.Bond.Name(port); got != bond || !s.Bond.Pattern.MatchString(got) {
				t.Errorf("%s: bond of %s is %s (valid %v), want %s", tt.platform, port, got, s.Bond.Pattern.MatchString(got), bond)
			}
		}
		if !s.Bond.Pattern.MatchString(s.Bond.Example) {
			t.Errorf("%s: the example bond %s breaks the rule", tt.platform, s.Bond.Example)
		}
	}
	for _, d := range All() {
		if d.MayTake(model.RoleLeaf) && d.Servers == nil {
			t.Errorf("%s may be a leaf but attaches no servers", d.Name)
		}
	}
}
