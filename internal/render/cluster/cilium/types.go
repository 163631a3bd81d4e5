package cilium

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// The types below mirror the fields underlay sets of Cilium's cilium.io/v2
// BGP CRDs (../testdata/crds/cilium, copies of
// cilium/cilium pkg/k8s/apis/cilium.io/client/crds/v2): the Go module
// github.com/cilium/cilium is far too large a dependency for a handful of
// structs. JSON names are the CRDs'; the API-server test rejects any other.

// APIVersion is the group/version the objects are written in (v2, the
// storage version; v2alpha1 is deprecated).
const APIVersion = "cilium.io/v2"

// ClusterConfig is a CiliumBGPClusterConfig: BGP instances of the
// selected nodes.
type ClusterConfig struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              ClusterConfigSpec `json:"spec"`
}

// ClusterConfigSpec selects nodes and gives them instances.
type ClusterConfigSpec struct {
	NodeSelector *Selector  `json:"nodeSelector,omitempty"`
	BGPInstances []Instance `json:"bgpInstances"`
}

// Instance is one BGP speaker of a node.
type Instance struct {
	Name     string `json:"name"`
	LocalASN uint32 `json:"localASN,omitempty"`
	Peers    []Peer `json:"peers,omitempty"`
}

// Peer is a neighbour of the instance: an address or auto-discovered.
type Peer struct {
	Name          string         `json:"name"`
	PeerASN       uint32         `json:"peerASN,omitempty"`
	PeerAddress   string         `json:"peerAddress,omitempty"`
	AutoDiscovery *AutoDiscovery `json:"autoDiscovery,omitempty"`
	PeerConfigRef *Ref           `json:"peerConfigRef,omitempty"`
}

// AutoDiscovery finds the peer on the node instead of naming its address.
type AutoDiscovery struct {
	Mode           string          `json:"mode"`
	DefaultGateway *DefaultGateway `json:"defaultGateway,omitempty"`
}

// DefaultGateway follows the node's default route of a family.
type DefaultGateway struct {
	AddressFamily string `json:"addressFamily"`
}

// Ref names another object.
type Ref struct {
	Name string `json:"name"`
}

// Selector is a Kubernetes label selector.
type Selector struct {
	MatchLabels      map[string]string `json:"matchLabels,omitempty"`
	MatchExpressions []Requirement     `json:"matchExpressions,omitempty"`
}

// Requirement is one expression of a Selector.
type Requirement struct {
	Key      string   `json:"key"`
	Operator string   `json:"operator"`
	Values   []string `json:"values,omitempty"`
}

// PeerConfig is a CiliumBGPPeerConfig: session settings peers refer to.
type PeerConfig struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              PeerConfigSpec `json:"spec"`
}

// PeerConfigSpec is the part of CiliumBGPPeerConfig underlay sets.
type PeerConfigSpec struct {
	Timers          *Timers         `json:"timers,omitempty"`
	GracefulRestart GracefulRestart `json:"gracefulRestart"`
	Families        []Family        `json:"families"`
}

// Timers of the session, in seconds; 0 keeps Cilium's default.
type Timers struct {
	HoldTimeSeconds      int `json:"holdTimeSeconds,omitempty"`
	KeepAliveTimeSeconds int `json:"keepAliveTimeSeconds,omitempty"`
}

// GracefulRestart is written whole: Enabled false is a choice.
type GracefulRestart struct {
	Enabled bool `json:"enabled"`
}

// Family is an address family of the session with what it advertises.
type Family struct {
	AFI            string    `json:"afi"`
	SAFI           string    `json:"safi"`
	Advertisements *Selector `json:"advertisements,omitempty"`
}

// Advertisement is a CiliumBGPAdvertisement: prefixes peers announce.
type Advertisement struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              AdvertisementSpec `json:"spec"`
}

// AdvertisementSpec lists what is advertised.
type AdvertisementSpec struct {
	Advertisements []AdvertisementItem `json:"advertisements"`
}

// AdvertisementItem is the pod CIDRs, or services of some address types.
type AdvertisementItem struct {
	AdvertisementType string    `json:"advertisementType"`
	Service           *Service  `json:"service,omitempty"`
	Selector          *Selector `json:"selector,omitempty"`
}

// Service is which service addresses are advertised.
type Service struct {
	Addresses []string `json:"addresses"`
}

// NodeConfigOverride is a CiliumBGPNodeConfigOverride: one node's values,
// named after the node.
type NodeConfigOverride struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              NodeConfigOverrideSpec `json:"spec"`
}

// NodeConfigOverrideSpec overrides instances by name.
type NodeConfigOverrideSpec struct {
	BGPInstances []InstanceOverride `json:"bgpInstances"`
}

// InstanceOverride is one instance's node-specific values.
type InstanceOverride struct {
	Name     string `json:"name"`
	LocalASN uint32 `json:"localASN,omitempty"`
}
