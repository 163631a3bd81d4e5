package k8snode

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strings"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// Objects are the decoded objects of one cluster that shape its nodes'
// BGP: the CNI's, and the Kubernetes Nodes and Services they refer to
// (which the kubelet and users create, not underlay).
type Objects struct {
	Nodes    []KubeNode
	Services []KubeService
	Calico   CalicoObjects
	Cilium   CiliumObjects
	FRRK8s   []FRRConfiguration
}

// Meta is the part of metadata the agents read.
type Meta struct {
	Name      string            `json:"name"`
	Namespace string            `json:"namespace,omitempty"`
	Labels    map[string]string `json:"labels,omitempty"`
}

type typeMeta struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   Meta   `json:"metadata"`
}

// KubeNode is a core/v1 Node: its labels, pod CIDRs and addresses.
type KubeNode struct {
	Metadata Meta `json:"metadata"`
	Spec     struct {
		PodCIDRs []string `json:"podCIDRs,omitempty"`
	} `json:"spec"`
	Status struct {
		Addresses []struct {
			Type    string `json:"type"`
			Address string `json:"address"`
		} `json:"addresses,omitempty"`
	} `json:"status"`
}

// InternalIP is the node's first IPv4 InternalIP address, the router id
// Calico and Cilium default to.
func (n *KubeNode) InternalIP() netip.Addr {
	for _, a := range n.Status.Addresses {
		if ip, err := netip.ParseAddr(a.Address); err == nil && a.Type == "InternalIP" && ip.Is4() {
			return ip
		}
	}
	return netip.Addr{}
}

// KubeService is a core/v1 Service: the addresses Cilium advertises.
type KubeService struct {
	Metadata Meta `json:"metadata"`
	Spec     struct {
		ClusterIPs  []string `json:"clusterIPs,omitempty"`
		ExternalIPs []string `json:"externalIPs,omitempty"`
	} `json:"spec"`
	Status struct {
		LoadBalancer struct {
			Ingress []struct {
				IP string `json:"ip,omitempty"`
			} `json:"ingress,omitempty"`
		} `json:"loadBalancer"`
	} `json:"status"`
}

// decoders by kind: each unmarshals one document into its slice of o.
var decoders = map[string]func(o *Objects, doc []byte) error{
	"Node/v1":                                into(func(o *Objects) *[]KubeNode { return &o.Nodes }),
	"Service/v1":                             into(func(o *Objects) *[]KubeService { return &o.Services }),
	"BGPConfiguration/projectcalico.org":     into(func(o *Objects) *[]CalicoBGPConfiguration { return &o.Calico.Configurations }),
	"BGPPeer/projectcalico.org":              into(func(o *Objects) *[]CalicoBGPPeer { return &o.Calico.Peers }),
	"IPPool/projectcalico.org":               into(func(o *Objects) *[]CalicoIPPool { return &o.Calico.Pools }),
	"Node/projectcalico.org":                 into(func(o *Objects) *[]CalicoNode { return &o.Calico.Nodes }),
	"CiliumBGPClusterConfig/cilium.io":       into(func(o *Objects) *[]CiliumBGPClusterConfig { return &o.Cilium.ClusterConfigs }),
	"CiliumBGPPeerConfig/cilium.io":          into(func(o *Objects) *[]CiliumBGPPeerConfig { return &o.Cilium.PeerConfigs }),
	"CiliumBGPAdvertisement/cilium.io":       into(func(o *Objects) *[]CiliumBGPAdvertisement { return &o.Cilium.Advertisements }),
	"CiliumBGPNodeConfigOverride/cilium.io":  into(func(o *Objects) *[]CiliumBGPNodeConfigOverride { return &o.Cilium.Overrides }),
	"FRRConfiguration/frrk8s.metallb.io":     into(func(o *Objects) *[]FRRConfiguration { return &o.FRRK8s }),
	"Kustomization/kustomize.config.k8s.io":  skip,
	"Namespace/v1":                           skip,
	"CustomResourceDefinition/apiextensions": skip,
}

func into[T any](field func(*Objects) *[]T) func(*Objects, []byte) error {
	return func(o *Objects, doc []byte) error {
		var v T
		if err := yaml.Unmarshal(doc, &v); err != nil {
			return err
		}
		*field(o) = append(*field(o), v)
		return nil
	}
}

func skip(*Objects, []byte) error { return nil }

// kindKey is kind/group: the version does not change what the agents read
// (Calico's projectcalico.org/v3 and crd.projectcalico.org/v1 carry the
// same spec; Cilium serves v2 and v2alpha1 alike for these fields).
func kindKey(t typeMeta) string {
	group, _, found := strings.Cut(t.APIVersion, "/")
	if !found {
		group = t.APIVersion // core: "v1"
	}
	group = strings.TrimPrefix(group, "crd.")
	group = strings.TrimSuffix(group, ".k8s.io")
	return t.Kind + "/" + group
}

// Decode reads every YAML document of r (named name in errors) into o.
// Kinds that do not shape a node's BGP are an error, so a fixture or
// rendered tree with an object the emulation ignores says so.
func (o *Objects) Decode(name string, r io.Reader) error {
	rd := utilyaml.NewYAMLReader(bufio.NewReader(r))
	for i := 0; ; i++ {
		doc, err := rd.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: document %d: %w", name, i+1, err)
		}
		if len(bytes.TrimSpace(doc)) == 0 {
			continue
		}
		var t typeMeta
		if err := yaml.Unmarshal(doc, &t); err != nil {
			return fmt.Errorf("%s: document %d: %w", name, i+1, err)
		}
		if t.Kind == "" {
			continue // a comment-only document
		}
		dec, ok := decoders[kindKey(t)]
		if !ok {
			return fmt.Errorf("%s: document %d: %s %s %q: not a kind the node emulation reads (known: %s)",
				name, i+1, t.APIVersion, t.Kind, t.Metadata.Name, knownKinds())
		}
		if err := dec(o, doc); err != nil {
			return fmt.Errorf("%s: document %d (%s %q): %w", name, i+1, t.Kind, t.Metadata.Name, err)
		}
	}
}

func knownKinds() string {
	var ks []string
	for k := range decoders {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return strings.Join(ks, ", ")
}

// kubeNode is the Node called name, or one with only the hostname label
// the kubelet sets when the objects do not hold it.
func (o *Objects) kubeNode(name string) *KubeNode {
	for i := range o.Nodes {
		if o.Nodes[i].Metadata.Name == name {
			return &o.Nodes[i]
		}
	}
	return &KubeNode{Metadata: Meta{Name: name, Labels: map[string]string{"kubernetes.io/hostname": name}}}
}

// Node derives node name's BGP configuration from the objects of the one
// CNI they hold.
func (o *Objects) Node(name string) (*Config, error) {
	var cnis []string
	if o.Calico.present() {
		cnis = append(cnis, "calico")
	}
	if o.Cilium.present() {
		cnis = append(cnis, "cilium")
	}
	if len(o.FRRK8s) > 0 {
		cnis = append(cnis, "frr-k8s")
	}
	if len(cnis) != 1 {
		return nil, fmt.Errorf("node %s: the objects hold the BGP objects of %d CNIs %v: want exactly one", name, len(cnis), cnis)
	}
	switch cnis[0] {
	case "calico":
		return o.calicoNode(name)
	case "cilium":
		return o.ciliumNode(name)
	default:
		return o.frrK8sNode(name)
	}
}

func parsePrefixes(field string, ss []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range ss {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, fmt.Errorf("%s %q: %w", field, s, err)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

func sortPrefixes(ps []netip.Prefix) []netip.Prefix {
	slices.SortFunc(ps, func(a, b netip.Prefix) int {
		if c := a.Addr().Compare(b.Addr()); c != 0 {
			return c
		}
		return a.Bits() - b.Bits()
	})
	return slices.Compact(ps)
}
