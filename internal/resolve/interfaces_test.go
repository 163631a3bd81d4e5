package resolve_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"underlay.dev/underlay/internal/model"
)

// TestInterfaces: the loopback first, then link ports and subnet-only ports
// in natural order (swp2 before swp10), a subnet-only port with its gateway
// and no MTU (the intent does not say it).
func TestInterfaces(t *testing.T) {
	text := strings.Replace(base, "{name: leaf1, role: leaf, platform: cumulus}",
		"{name: leaf1, role: leaf, platform: cumulus, subnets: [{prefix: 10.1.0.0/24, port: swp10}, {prefix: 10.3.0.0/24}]}", 1)
	text = strings.Replace(text, "  - spine1:Ethernet4 -- leaf2:swp1\n", "  - spine1:Ethernet4 -- leaf2:swp1\n  - spine1:Ethernet8 -- leaf1:swp2\n", 1)
	res, errs := resolveText(t, text, nil)
	if errs != nil {
		t.Fatal(errs)
	}
	var leaf1 *model.Device
	for _, d := range res.Fabric.Devices {
		if d.Name == "leaf1" {
			leaf1 = d
		}
	}
	var got []string
	for _, i := range leaf1.Interfaces {
		link := "-"
		if i.Link() != nil {
			link = i.Port.Peer.Name + ":" + i.Port.PeerPort
		}
		got = append(got, fmt.Sprintf("%s %s mtu=%d %v %s %s", i.Name, i.Kind, i.MTU, i.Addrs, link, i.Instance))
	}
	want := []string{
		"lo loopback mtu=0 [10.255.0.1/32] - default",
		"swp1 routed mtu=9216 [10.0.0.1/31] spine1:Ethernet0 default",
		"swp2 routed mtu=9216 [10.0.0.3/31] spine1:Ethernet8 default",
		"swp10 routed mtu=0 [10.1.0.1/24] - default",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("leaf1 interfaces (-want +got):\n%s", d)
	}
	if in := leaf1.Default(); in.Name != model.DefaultInstance || len(in.Sessions) != 2 || in.ASN != leaf1.ASN {
		t.Errorf("default instance = %+v", in)
	}
}
