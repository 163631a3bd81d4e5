package calico

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// The types below mirror the fields underlay sets of Calico's
// crd.projectcalico.org/v1 CRDs (../testdata/crds/calico, copies of
// libcalico-go/config/crd); the Go module github.com/projectcalico/api is
// not on the module proxy here. Their JSON names are the CRDs'; the
// API-server test rejects any other (strict field validation).

// APIVersion is the group/version the objects are written in.
const APIVersion = "crd.projectcalico.org/v1"

// BGPConfiguration is Calico's global BGP settings; Calico reads only the
// one named "default" for the cluster.
type BGPConfiguration struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              BGPConfigurationSpec `json:"spec"`
}

// BGPConfigurationSpec is the part of BGPConfiguration underlay sets.
type BGPConfigurationSpec struct {
	// NodeToNodeMeshEnabled is written even when false (no omitempty):
	// false is the point, Calico's default is true.
	NodeToNodeMeshEnabled  bool   `json:"nodeToNodeMeshEnabled"`
	ASNumber               uint32 `json:"asNumber,omitempty"`
	ServiceClusterIPs      []CIDR `json:"serviceClusterIPs,omitempty"`
	ServiceExternalIPs     []CIDR `json:"serviceExternalIPs,omitempty"`
	ServiceLoadBalancerIPs []CIDR `json:"serviceLoadBalancerIPs,omitempty"`
}

// CIDR is one service range.
type CIDR struct {
	CIDR string `json:"cidr"`
}

// BGPPeer is a BGP session of the selected nodes with one peer.
type BGPPeer struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              BGPPeerSpec `json:"spec"`
}

// BGPPeerSpec is the part of BGPPeer underlay sets: either Node or
// NodeSelector.
type BGPPeerSpec struct {
	Node          string `json:"node,omitempty"`
	NodeSelector  string `json:"nodeSelector,omitempty"`
	PeerIP        string `json:"peerIP"`
	ASNumber      uint32 `json:"asNumber"`
	LocalASNumber uint32 `json:"localASNumber,omitempty"`
	// KeepaliveTime is a Go duration ("10s").
	KeepaliveTime string `json:"keepaliveTime,omitempty"`
}

// IPPool is a range Calico's IPAM hands pod address blocks out of.
type IPPool struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              IPPoolSpec `json:"spec"`
}

// IPPoolSpec is the part of IPPool underlay sets. NATOutgoing is written
// even when false: pods' addresses are routed by the fabric.
type IPPoolSpec struct {
	CIDR         string `json:"cidr"`
	BlockSize    int    `json:"blockSize"`
	NATOutgoing  bool   `json:"natOutgoing"`
	IPIPMode     string `json:"ipipMode"`
	VXLANMode    string `json:"vxlanMode"`
	NodeSelector string `json:"nodeSelector"`
}
