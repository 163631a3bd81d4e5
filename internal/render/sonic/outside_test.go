package sonic

import (
	"testing"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/testutil/fabrics"
)

// outsideIntent is a SONiC border leaf peering beyond the fabric, as the
// intent has it: a firewall by address in a subnet on Ethernet20, a router
// over Ethernet24 (unnumbered), and a group of Kubernetes nodes listening
// on the subnet of Ethernet28.
const outsideIntent = `apiVersion: underlay.dev/v1alpha1
kind: Fabric
metadata: {name: outside}
spec:
  pools:
    asn: {spine: 65100-65199, leaf: 65001-65099}
    loopbackIPv4: 10.255.0.0/24
    linkIPv4: 10.254.0.0/24
  devices:
  - {name: spine1, role: spine, platform: sonic}
  - name: border1
    role: leaf
    platform: sonic
    subnets: [{prefix: 192.168.10.0/30, port: Ethernet20}, {prefix: 10.1.0.0/24, port: Ethernet28}]
    peers:
    - {name: fw1, asn: 65500, address: 192.168.10.2, announces: [0.0.0.0/0]}
    - {name: upstream1, asn: 64999, interface: Ethernet24, announces: [198.51.100.0/24]}
    groups:
    - name: k8s-rack1
      asn: external
      listen: [10.1.0.0/25]
      maxPrefixes: 16
      announces: [10.244.0.0/16]
      accept: [{prefix: 10.244.0.0/16, ge: 24, le: 24}]
  links:
  - border1:Ethernet0 -- spine1:Ethernet0
`

func outside(t *testing.T) *model.Fabric { return fabrics.Parse(t, "outside", []byte(outsideIntent)) }
