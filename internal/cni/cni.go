// Package cni describes the Kubernetes network plugins whose node agents
// peer with the fabric: what each can do (the peering modes, BFD) and its
// defaults. It is the one descriptor per CNI that resolve checks an
// intent against and the cluster renderers read.
package cni

import (
	"fmt"
	"math"

	"underlay.dev/underlay/internal/model"
)

// Descriptor is what one CNI's BGP speaker can do.
type Descriptor struct {
	Name model.CNI
	// Agent is the node agent that speaks BGP, for messages and docs.
	Agent string
	// NoUnnumbered, when set, is why the CNI cannot peer over IPv6
	// link-local addresses (BGP unnumbered).
	NoUnnumbered string
	// BFD: the CNI can run BFD on its sessions.
	BFD bool
	// NodeInterface: an unnumbered session names the node's own
	// interface, which the intent must then give.
	NodeInterface bool
	// MaxASN is the largest AS number the CNI's resources hold; 0 for
	// every 4-byte one.
	MaxASN uint32
	// BlockSize and BlockSizeV6 are the prefix lengths its IPAM hands
	// nodes by default.
	BlockSize, BlockSizeV6 int
	// BlockRange and BlockRangeV6 are the block lengths its IPAM takes,
	// first to last; zero where it leaves the choice to the pool.
	BlockRange, BlockRangeV6 [2]int
}

var descriptors = []Descriptor{
	{Name: model.CNICalico, Agent: "calico-node (BIRD)",
		NoUnnumbered: "Calico peers only with IP addresses it is given, never over link-local or unnumbered sessions (projectcalico/calico#10844)",
		// asNumber and localASNumber are int32 in Calico's CRDs: the API
		// server refuses larger values though BGP's are 4 bytes
		MaxASN: math.MaxInt32,
		// an IPPool's blockSize: 20-32 (IPv4), 116-128 (IPv6), Calico's docs
		BlockSize: 26, BlockSizeV6: 122, BlockRange: [2]int{20, 32}, BlockRangeV6: [2]int{116, 128}},
	{Name: model.CNICilium, Agent: "cilium-agent (GoBGP)", BlockSize: 24, BlockSizeV6: 120},
	{Name: model.CNIFRRK8s, Agent: "frr-k8s (FRR)", BFD: true, NodeInterface: true, BlockSize: 24, BlockSizeV6: 64},
}

// All returns every descriptor, in the order the intent's docs list them.
func All() []Descriptor { return descriptors }

// Lookup returns the named CNI's descriptor.
func Lookup(name string) (Descriptor, error) {
	for _, d := range descriptors {
		if string(d.Name) == name {
			return d, nil
		}
	}
	return Descriptor{}, fmt.Errorf("unknown CNI %q: want calico, cilium or frr-k8s", name)
}
