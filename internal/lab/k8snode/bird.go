package k8snode

import (
	"bytes"
	_ "embed"
	"fmt"
	"net/netip"
	"strings"
	"text/template"
)

//go:embed bird.conf.tmpl
var birdTemplate string

var birdTmpl = template.Must(template.New("bird").Parse(birdTemplate))

// birdView is what bird.conf.tmpl prints, IPv4 only: BIRD 1.6 runs a
// separate bird6 for IPv6, which the emulation does not start.
type birdView struct {
	*Config
	Exports    string
	Originated []netip.Prefix
	Peers      []birdPeer
}

type birdPeer struct {
	Name            string
	Address         netip.Addr
	Port            int
	ASN             uint32
	Keepalive, Hold int
}

// BIRDConfig is the node's bird.conf as calico-node's confd would write
// it: a session per peer, the export filter for pod blocks and services.
func BIRDConfig(c *Config) ([]byte, error) {
	v := birdView{Config: c}
	var exports []string
	for _, p := range c.Announce() {
		if p.Addr().Is4() {
			v.Originated = append(v.Originated, p)
			exports = append(exports, p.String())
		}
	}
	v.Exports = strings.Join(exports, ", ")
	for _, p := range c.Peers {
		if p.Interface != "" || !p.Address.IsValid() {
			return nil, fmt.Errorf("node %s: peer %s: Calico peers by address only (projectcalico/calico#10844: no unnumbered sessions)", c.Node, p.Describe())
		}
		if p.Address.Is6() {
			continue
		}
		v.Peers = append(v.Peers, birdPeer{
			Name:    "Global_" + strings.NewReplacer(".", "_", ":", "_").Replace(p.Address.String()),
			Address: p.Address, Port: p.Port, ASN: p.ASN,
			Keepalive: int(p.Keepalive.Seconds()), Hold: int(p.Hold.Seconds()),
		})
	}
	var b bytes.Buffer
	if err := birdTmpl.ExecuteTemplate(&b, "bird", v); err != nil {
		return nil, fmt.Errorf("node %s: bird.conf: %w", c.Node, err)
	}
	return b.Bytes(), nil
}
