package k8snode

import (
	"strings"
	"testing"
)

// calicoLocalAS is Calico as underlay renders an AS-per-rack cluster: the
// node's AS is its rack's BGPPeer localASNumber (no Calico Node object).
const calicoLocalAS = `apiVersion: v1
kind: Node
metadata: {name: n1, labels: {kubernetes.io/hostname: n1}}
status: {addresses: [{type: InternalIP, address: 10.0.101.10}]}
---
apiVersion: crd.projectcalico.org/v1
kind: BGPConfiguration
metadata: {name: default}
spec: {nodeToNodeMeshEnabled: false}
---
apiVersion: crd.projectcalico.org/v1
kind: IPPool
metadata: {name: pods}
spec: {cidr: 10.244.0.0/16, blockSize: 26, nodeSelector: all()}
---
apiVersion: crd.projectcalico.org/v1
kind: BGPPeer
metadata: {name: rack1}
spec: {nodeSelector: "kubernetes.io/hostname in {'n1'}", peerIP: 10.0.101.1, asNumber: 65001, localASNumber: 65001}
`

// TestCalicoLocalAS: a selected BGPPeer's localASNumber is the AS the
// node speaks (iBGP with its leaf under AS per rack); two peers asking
// for different ones are refused, the emulation running one AS per node.
func TestCalicoLocalAS(t *testing.T) {
	var o Objects
	if err := o.Decode("local-as.yaml", strings.NewReader(calicoLocalAS)); err != nil {
		t.Fatal(err)
	}
	c, err := o.Node("n1")
	if err != nil {
		t.Fatal(err)
	}
	if c.ASN != 65001 || len(c.Peers) != 1 || c.Peers[0].ASN != 65001 {
		t.Errorf("node n1: AS %d, peers %+v; want AS 65001 (the peer's localASNumber), iBGP with 65001", c.ASN, c.Peers)
	}
	two := calicoLocalAS + `---
apiVersion: crd.projectcalico.org/v1
kind: BGPPeer
metadata: {name: rack1b}
spec: {nodeSelector: all(), peerIP: 10.0.101.2, asNumber: 65001, localASNumber: 65009}
`
	var o2 Objects
	if err := o2.Decode("local-as-two.yaml", strings.NewReader(two)); err != nil {
		t.Fatal(err)
	}
	if _, err := o2.Node("n1"); err == nil || !strings.Contains(err.Error(), "one AS per node") {
		t.Errorf("two localASNumbers: err %v, want the one-AS-per-node refusal", err)
	}
}
