package nvue

import (
	"testing"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/testutil/fabrics"
)

// outsideIntent is an NVUE border leaf peering beyond the fabric, as the
// intent has it (examples/border has its group on a SONiC leaf): a
// firewall by address in a subnet on swp20, a router over swp21
// (unnumbered), and a group of Kubernetes nodes listening on part of the
// subnet of swp10, with a listen limit and maximum prefixes.
const outsideIntent = `apiVersion: underlay.dev/v1alpha1
kind: Fabric
metadata: {name: outside}
spec:
  pools:
    asn: {spine: 65100-65199, leaf: 65001-65099}
    loopbackIPv4: 10.255.0.0/24
    linkIPv4: 10.254.0.0/24
  devices:
  - {name: spine1, role: spine, platform: cumulus}
  - name: border1
    role: leaf
    platform: nvue
    subnets: [{prefix: 192.168.10.0/30, port: swp20}, {prefix: 10.1.0.0/24, port: swp10}]
    peers:
    - {name: fw1, asn: 65500, address: 192.168.10.2, announces: [0.0.0.0/0]}
    - {name: upstream1, asn: 64999, interface: swp21, announces: [198.51.100.0/24]}
    groups:
    - name: k8s-rack1
      asn: external
      listen: [10.1.0.0/25]
      listenLimit: 64
      maxPrefixes: 16
      announces: [10.244.0.0/24]
      accept: [{prefix: 10.244.0.0/16, ge: 24, le: 24}]
  links:
  - border1:swp49 -- spine1:swp1
`

func outside(t *testing.T) *model.Fabric { return fabrics.Parse(t, "outside", []byte(outsideIntent)) }
