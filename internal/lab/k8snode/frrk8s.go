package k8snode

import (
	"fmt"
	"net/netip"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// FRRConfiguration is frr-k8s's frrk8s.metallb.io/v1beta1 object: BGP
// routers for the nodes its nodeSelector picks (empty: every node).
type FRRConfiguration struct {
	Metadata Meta `json:"metadata"`
	Spec     struct {
		NodeSelector metav1.LabelSelector `json:"nodeSelector,omitempty"`
		BGP          struct {
			Routers []FRRRouter `json:"routers,omitempty"`
		} `json:"bgp"`
	} `json:"spec"`
}

// FRRRouter is one router of an FRRConfiguration.
type FRRRouter struct {
	ASN       uint32        `json:"asn"`
	ID        string        `json:"id,omitempty"`
	VRF       string        `json:"vrf,omitempty"`
	Prefixes  []string      `json:"prefixes,omitempty"`
	Neighbors []FRRNeighbor `json:"neighbors,omitempty"`
}

// FRRNeighbor is one neighbour of a router.
type FRRNeighbor struct {
	Address               string `json:"address,omitempty"`
	Interface             string `json:"interface,omitempty"`
	ASN                   uint32 `json:"asn,omitempty"`
	DynamicASN            string `json:"dynamicASN,omitempty"`
	Port                  int    `json:"port,omitempty"`
	HoldTime              string `json:"holdTime,omitempty"`
	KeepaliveTime         string `json:"keepaliveTime,omitempty"`
	EnableGracefulRestart bool   `json:"enableGracefulRestart,omitempty"`
	ToAdvertise           struct {
		Allowed struct {
			Mode     string   `json:"mode,omitempty"`
			Prefixes []string `json:"prefixes,omitempty"`
		} `json:"allowed"`
	} `json:"toAdvertise"`
	ToReceive struct {
		Allowed struct {
			Mode     string `json:"mode,omitempty"`
			Prefixes []struct {
				Prefix string `json:"prefix"`
				GE     int    `json:"ge,omitempty"`
				LE     int    `json:"le,omitempty"`
			} `json:"prefixes,omitempty"`
		} `json:"allowed"`
	} `json:"toReceive"`
}

// frrK8sNode merges the routers of every FRRConfiguration that selects
// the node, as frr-k8s does: one router per VRF (only the default VRF is
// emulated), prefixes and neighbours added up.
func (o *Objects) frrK8sNode(name string) (*Config, error) {
	kn := o.kubeNode(name)
	c := &Config{Node: name, Agent: AgentFRRK8s}
	var prefixes []netip.Prefix
	for _, fc := range o.FRRK8s {
		sel := fc.Spec.NodeSelector
		ok, err := matches(&sel, kn.Metadata.Labels)
		if err != nil {
			return nil, fmt.Errorf("FRRConfiguration %s: nodeSelector: %w", fc.Metadata.Name, err)
		}
		if !ok {
			continue
		}
		for _, r := range fc.Spec.BGP.Routers {
			where := fmt.Sprintf("FRRConfiguration %s: router %d", fc.Metadata.Name, r.ASN)
			if err := c.mergeRouter(where, r); err != nil {
				return nil, err
			}
			ps, err := parsePrefixes(where+": prefixes", r.Prefixes)
			if err != nil {
				return nil, err
			}
			prefixes = append(prefixes, ps...)
			for _, n := range r.Neighbors {
				p, err := neighborPeer(n)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", where, err)
				}
				c.Peers = append(c.Peers, p)
			}
		}
	}
	if c.ASN == 0 {
		return nil, fmt.Errorf("node %s: no FRRConfiguration selects it", name)
	}
	if !c.RouterID.IsValid() {
		c.RouterID = kn.InternalIP()
	}
	pods, err := parsePrefixes("Node "+name+" spec.podCIDRs", kn.Spec.PodCIDRs)
	if err != nil {
		return nil, err
	}
	for _, p := range sortPrefixes(prefixes) {
		if isPodBlock(p, pods) {
			c.PodBlocks = append(c.PodBlocks, p)
		} else {
			c.Services = append(c.Services, p)
		}
	}
	return c, nil
}

// isPodBlock: frr-k8s has no notion of pods; a prefix inside the Node's
// podCIDRs is a pod block, and without podCIDRs every prefix that is not
// a host route is.
func isPodBlock(p netip.Prefix, pods []netip.Prefix) bool {
	if len(pods) == 0 {
		return p.Bits() < p.Addr().BitLen()
	}
	for _, q := range pods {
		if q.Bits() <= p.Bits() && q.Contains(p.Addr()) {
			return true
		}
	}
	return false
}

func (c *Config) mergeRouter(where string, r FRRRouter) error {
	if r.VRF != "" {
		return fmt.Errorf("%s: vrf %q: only the default VRF is emulated", where, r.VRF)
	}
	if c.ASN != 0 && c.ASN != r.ASN {
		return fmt.Errorf("%s: a second AS %d for the node's default VRF (frr-k8s rejects the merge)", where, c.ASN)
	}
	c.ASN = r.ASN
	if r.ID != "" {
		id, err := netip.ParseAddr(r.ID)
		if err != nil {
			return fmt.Errorf("%s: id %q: %w", where, r.ID, err)
		}
		c.RouterID = id
	}
	return nil
}

func neighborPeer(n FRRNeighbor) (Peer, error) {
	p := Peer{Name: n.Address + n.Interface, Interface: n.Interface, ASN: n.ASN, Dynamic: n.DynamicASN,
		Port: n.Port, GracefulRestart: n.EnableGracefulRestart}
	where := "neighbor " + p.Name
	if n.Address != "" {
		a, err := netip.ParseAddr(n.Address)
		if err != nil {
			return p, fmt.Errorf("%s: address: %w", where, err)
		}
		p.Address = a
	}
	var err error
	if p.Hold, err = parseDuration(where+": holdTime", n.HoldTime); err != nil {
		return p, err
	}
	if p.Keepalive, err = parseDuration(where+": keepaliveTime", n.KeepaliveTime); err != nil {
		return p, err
	}
	// frr-k8s advertises nothing and accepts nothing unless told.
	p.Advertise = []netip.Prefix{}
	if n.ToAdvertise.Allowed.Mode != "all" {
		if p.Advertise, err = parsePrefixes(where+": toAdvertise", n.ToAdvertise.Allowed.Prefixes); err != nil {
			return p, err
		}
		p.Advertise = append([]netip.Prefix{}, p.Advertise...)
	} else {
		p.Advertise = nil
	}
	if n.ToReceive.Allowed.Mode == "all" {
		return p, nil
	}
	p.Receive = []PrefixRule{}
	for _, r := range n.ToReceive.Allowed.Prefixes {
		q, err := netip.ParsePrefix(r.Prefix)
		if err != nil {
			return p, fmt.Errorf("%s: toReceive prefix %q: %w", where, r.Prefix, err)
		}
		p.Receive = append(p.Receive, PrefixRule{Prefix: q.Masked(), GE: r.GE, LE: r.LE})
	}
	return p, nil
}
