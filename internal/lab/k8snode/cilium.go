package k8snode

import (
	"fmt"
	"net/netip"
	"slices"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// CiliumObjects are Cilium's BGP control plane objects (cilium.io/v2).
type CiliumObjects struct {
	ClusterConfigs []CiliumBGPClusterConfig
	PeerConfigs    []CiliumBGPPeerConfig
	Advertisements []CiliumBGPAdvertisement
	Overrides      []CiliumBGPNodeConfigOverride
}

func (c *CiliumObjects) present() bool { return len(c.ClusterConfigs) > 0 }

// CiliumBGPClusterConfig gives the nodes it selects BGP instances.
type CiliumBGPClusterConfig struct {
	Metadata Meta `json:"metadata"`
	Spec     struct {
		NodeSelector *metav1.LabelSelector `json:"nodeSelector,omitempty"`
		BGPInstances []struct {
			Name     string `json:"name"`
			LocalASN uint32 `json:"localASN,omitempty"`
			Peers    []struct {
				Name          string               `json:"name"`
				PeerAddress   string               `json:"peerAddress,omitempty"`
				PeerASN       uint32               `json:"peerASN,omitempty"`
				PeerInterface string               `json:"peerInterface,omitempty"`
				AutoDiscovery *ciliumAutoDiscovery `json:"autoDiscovery,omitempty"`
				PeerConfigRef *struct {
					Name string `json:"name"`
				} `json:"peerConfigRef,omitempty"`
			} `json:"peers,omitempty"`
		} `json:"bgpInstances"`
	} `json:"spec"`
}

// CiliumBGPPeerConfig is a session's timers, restart and families, each
// family naming the advertisements it carries by label.
type CiliumBGPPeerConfig struct {
	Metadata Meta `json:"metadata"`
	Spec     struct {
		Transport *struct {
			PeerPort int `json:"peerPort,omitempty"`
		} `json:"transport,omitempty"`
		Timers *struct {
			HoldTimeSeconds      int `json:"holdTimeSeconds,omitempty"`
			KeepAliveTimeSeconds int `json:"keepAliveTimeSeconds,omitempty"`
		} `json:"timers,omitempty"`
		GracefulRestart *struct {
			Enabled bool `json:"enabled"`
		} `json:"gracefulRestart,omitempty"`
		Families []struct {
			AFI            string                `json:"afi"`
			SAFI           string                `json:"safi"`
			Advertisements *metav1.LabelSelector `json:"advertisements,omitempty"`
		} `json:"families,omitempty"`
	} `json:"spec"`
}

// CiliumBGPAdvertisement says what a family announces: the node's pod
// CIDRs, or the addresses of the Services its selector picks.
type CiliumBGPAdvertisement struct {
	Metadata Meta `json:"metadata"`
	Spec     struct {
		Advertisements []struct {
			AdvertisementType string                `json:"advertisementType"`
			Selector          *metav1.LabelSelector `json:"selector,omitempty"`
			Service           *struct {
				Addresses []string `json:"addresses"`
			} `json:"service,omitempty"`
		} `json:"advertisements"`
	} `json:"spec"`
}

// CiliumBGPNodeConfigOverride (named after its node) sets a node's router
// id or AS per instance.
type CiliumBGPNodeConfigOverride struct {
	Metadata Meta `json:"metadata"`
	Spec     struct {
		BGPInstances []struct {
			Name     string `json:"name"`
			RouterID string `json:"routerID,omitempty"`
			LocalASN uint32 `json:"localASN,omitempty"`
		} `json:"bgpInstances"`
	} `json:"spec"`
}

func matches(sel *metav1.LabelSelector, l map[string]string) (bool, error) {
	s, err := metav1.LabelSelectorAsSelector(sel) // nil selects nothing, {} everything
	if err != nil {
		return false, err
	}
	return s.Matches(labels.Set(l)), nil
}

func (o *Objects) ciliumNode(name string) (*Config, error) {
	kn := o.kubeNode(name)
	c := &Config{Node: name, Agent: AgentCilium, RouterID: kn.InternalIP()}
	found := 0
	for _, cc := range o.Cilium.ClusterConfigs {
		sel := cc.Spec.NodeSelector
		if sel == nil {
			sel = &metav1.LabelSelector{} // a cluster config without a selector is every node's
		}
		ok, err := matches(sel, kn.Metadata.Labels)
		if err != nil {
			return nil, fmt.Errorf("CiliumBGPClusterConfig %s: nodeSelector: %w", cc.Metadata.Name, err)
		}
		if !ok {
			continue
		}
		if found += len(cc.Spec.BGPInstances); found > 1 {
			return nil, fmt.Errorf("node %s: more than one BGP instance (CiliumBGPClusterConfig %s): the emulation runs one GoBGP server per node", name, cc.Metadata.Name)
		}
		if err := o.ciliumInstance(c, kn, &cc); err != nil {
			return nil, fmt.Errorf("CiliumBGPClusterConfig %s: %w", cc.Metadata.Name, err)
		}
	}
	if found == 0 {
		return nil, fmt.Errorf("node %s: no CiliumBGPClusterConfig selects it", name)
	}
	if !c.RouterID.IsValid() {
		return nil, fmt.Errorf("node %s: no router id: no CiliumBGPNodeConfigOverride routerID and no IPv4 InternalIP", name)
	}
	c.PodBlocks, c.Services = sortPrefixes(c.PodBlocks), sortPrefixes(c.Services)
	return c, nil
}

func (o *Objects) ciliumInstance(c *Config, kn *KubeNode, cc *CiliumBGPClusterConfig) error {
	inst := cc.Spec.BGPInstances[0]
	c.ASN = inst.LocalASN
	for _, ov := range o.Cilium.Overrides {
		for _, oi := range ov.Spec.BGPInstances {
			if ov.Metadata.Name != c.Node || oi.Name != inst.Name {
				continue
			}
			if oi.LocalASN != 0 {
				c.ASN = oi.LocalASN
			}
			if oi.RouterID != "" {
				a, err := netip.ParseAddr(oi.RouterID)
				if err != nil {
					return fmt.Errorf("CiliumBGPNodeConfigOverride %s: routerID %q: %w", ov.Metadata.Name, oi.RouterID, err)
				}
				c.RouterID = a
			}
		}
	}
	for _, p := range inst.Peers {
		peer := Peer{Name: p.Name, ASN: p.PeerASN, Interface: p.PeerInterface}
		if err := ciliumDiscovery(&peer, p.AutoDiscovery); err != nil {
			return fmt.Errorf("peer %s: %w", p.Name, err)
		}
		if p.PeerAddress != "" {
			a, err := netip.ParseAddr(p.PeerAddress)
			if err != nil {
				return fmt.Errorf("peer %s: peerAddress %q: %w", p.Name, p.PeerAddress, err)
			}
			peer.Address = a
		}
		if !peer.Address.IsValid() && peer.Interface == "" && peer.Discover == nil {
			return fmt.Errorf("peer %s: neither peerAddress, peerInterface nor autoDiscovery", p.Name)
		}
		if p.PeerConfigRef != nil {
			if err := o.ciliumPeerConfig(c, kn, &peer, p.PeerConfigRef.Name); err != nil {
				return fmt.Errorf("peer %s: %w", p.Name, err)
			}
		}
		c.Peers = append(c.Peers, peer)
	}
	return nil
}

// ciliumAutoDiscovery is a CiliumBGPClusterConfig peer's autoDiscovery.
type ciliumAutoDiscovery struct {
	Mode       string `json:"mode"`
	Unnumbered *struct {
		Interface string `json:"interface"`
	} `json:"unnumbered,omitempty"`
	DefaultGateway *struct {
		AddressFamily string `json:"addressFamily"`
	} `json:"defaultGateway,omitempty"`
}

// ciliumDiscovery reads a peer's autoDiscovery: Unnumbered over a named
// interface, or (Unnumbered or DefaultGateway) following the node's
// default route of a family, which the agent looks up on the node when it
// starts (Discover).
func ciliumDiscovery(peer *Peer, a *ciliumAutoDiscovery) error {
	if a == nil {
		return nil
	}
	switch {
	case a.Mode == "Unnumbered" && a.Unnumbered != nil:
		peer.Interface = a.Unnumbered.Interface
	case (a.Mode == "Unnumbered" || a.Mode == "DefaultGateway") && a.DefaultGateway != nil:
		if f := a.DefaultGateway.AddressFamily; f != "ipv4" && f != "ipv6" {
			return fmt.Errorf("autoDiscovery.defaultGateway.addressFamily %q: want ipv4 or ipv6", f)
		}
		peer.Discover = &Discovery{Mode: a.Mode, Family: a.DefaultGateway.AddressFamily}
	default:
		return fmt.Errorf("autoDiscovery mode %q: want Unnumbered (with unnumbered or defaultGateway) or DefaultGateway (with defaultGateway)", a.Mode)
	}
	return nil
}

func (o *Objects) ciliumPeerConfig(c *Config, kn *KubeNode, peer *Peer, name string) error {
	i := slices.IndexFunc(o.Cilium.PeerConfigs, func(p CiliumBGPPeerConfig) bool { return p.Metadata.Name == name })
	if i < 0 {
		return fmt.Errorf("peerConfigRef %s: no CiliumBGPPeerConfig of that name", name)
	}
	s := o.Cilium.PeerConfigs[i].Spec
	if s.Transport != nil {
		peer.Port = s.Transport.PeerPort
	}
	if s.Timers != nil {
		peer.Keepalive = time.Duration(s.Timers.KeepAliveTimeSeconds) * time.Second
		peer.Hold = time.Duration(s.Timers.HoldTimeSeconds) * time.Second
	}
	peer.GracefulRestart = s.GracefulRestart != nil && s.GracefulRestart.Enabled
	peer.Advertise = []netip.Prefix{}
	for _, f := range s.Families {
		if f.SAFI != "unicast" || f.Advertisements == nil {
			continue
		}
		pods, svcs, err := o.ciliumAdvertised(kn, f.Advertisements, f.AFI == "ipv6")
		if err != nil {
			return fmt.Errorf("CiliumBGPPeerConfig %s: family %s: %w", name, f.AFI, err)
		}
		c.PodBlocks = append(c.PodBlocks, pods...)
		c.Services = append(c.Services, svcs...)
		peer.Advertise = append(peer.Advertise, append(pods, svcs...)...)
	}
	peer.Advertise = sortPrefixes(peer.Advertise)
	return nil
}

// ciliumAdvertised is what the advertisements sel picks announce in one
// family: the node's pod CIDRs and selected Services' addresses.
func (o *Objects) ciliumAdvertised(kn *KubeNode, sel *metav1.LabelSelector, v6 bool) (pods, svcs []netip.Prefix, err error) {
	family := func(p netip.Prefix) bool { return p.Addr().Is6() == v6 }
	for _, ad := range o.Cilium.Advertisements {
		ok, err := matches(sel, ad.Metadata.Labels)
		if err != nil || !ok {
			continue
		}
		for _, a := range ad.Spec.Advertisements {
			switch a.AdvertisementType {
			case "PodCIDR":
				ps, err := parsePrefixes("Node "+kn.Metadata.Name+" spec.podCIDRs", kn.Spec.PodCIDRs)
				if err != nil {
					return nil, nil, err
				}
				pods = append(pods, slices.DeleteFunc(ps, func(p netip.Prefix) bool { return !family(p) })...)
			case "Service":
				ps, err := o.ciliumServices(a.Selector, a.Service)
				if err != nil {
					return nil, nil, fmt.Errorf("CiliumBGPAdvertisement %s: %w", ad.Metadata.Name, err)
				}
				svcs = append(svcs, slices.DeleteFunc(ps, func(p netip.Prefix) bool { return !family(p) })...)
			default:
				return nil, nil, fmt.Errorf("CiliumBGPAdvertisement %s: advertisementType %s is not emulated (PodCIDR, Service are)", ad.Metadata.Name, a.AdvertisementType)
			}
		}
	}
	return pods, svcs, nil
}

// ciliumServices are the host routes of the addresses of the Services
// sel picks, of the kinds the advertisement names.
func (o *Objects) ciliumServices(sel *metav1.LabelSelector, svc *struct {
	Addresses []string `json:"addresses"`
}) ([]netip.Prefix, error) {
	if svc == nil {
		return nil, nil
	}
	var out []netip.Prefix
	for _, s := range o.Services {
		ok, err := matches(sel, s.Metadata.Labels)
		if err != nil {
			return nil, fmt.Errorf("service selector: %w", err)
		}
		if !ok {
			continue
		}
		for _, kind := range svc.Addresses {
			var addrs []string
			switch kind {
			case "ClusterIP":
				addrs = s.Spec.ClusterIPs
			case "ExternalIP":
				addrs = s.Spec.ExternalIPs
			case "LoadBalancerIP":
				for _, in := range s.Status.LoadBalancer.Ingress {
					addrs = append(addrs, in.IP)
				}
			}
			for _, a := range addrs {
				ip, err := netip.ParseAddr(a)
				if err != nil {
					return nil, fmt.Errorf("service %s: %s %q: %w", s.Metadata.Name, kind, a, err)
				}
				out = append(out, netip.PrefixFrom(ip, ip.BitLen()))
			}
		}
	}
	return out, nil
}
