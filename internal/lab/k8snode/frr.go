package k8snode

import (
	"bytes"
	_ "embed"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"text/template"
)

//go:embed frr.conf.tmpl
var frrTemplate string

var frrTmpl = template.Must(template.New("frr").Parse(frrTemplate))

type frrView struct {
	*Config
	Peers    []frrPeer
	Families []frrFamily
}

type frrFamily struct {
	Name     string // ipv4, ipv6
	Networks []netip.Prefix
	Peers    []frrPeer
}

type frrPeer struct {
	ID, Map, RemoteAS, Interface string
	Port, Keepalive, Hold        int
	GracefulRestart, InAll       bool
	Out, In                      []frrEntry
	OutFamilies, InFamilies      []frrEntry // one per family with entries
}

// frrEntry is one prefix-list line or one route-map entry per family.
type frrEntry struct {
	Family string // ip, ipv6 (prefix-list and match keywords)
	Seq    int
	Prefix netip.Prefix
	GE, LE int
}

// FRRConfig is the node's frr.conf as frr-k8s renders FRRConfigurations:
// each neighbour with an out route-map permitting the prefixes it may be
// sent and an in route-map for what it may send, network statements for
// the router's prefixes.
func FRRConfig(c *Config) ([]byte, error) {
	v := frrView{Config: c}
	for _, p := range c.Peers {
		v.Peers = append(v.Peers, newFRRPeer(c, p))
	}
	for _, fam := range []string{"ipv4", "ipv6"} {
		f := frrFamily{Name: fam, Peers: v.Peers}
		for _, p := range c.Announce() {
			if p.Addr().Is6() == (fam == "ipv6") {
				f.Networks = append(f.Networks, p)
			}
		}
		if fam == "ipv4" || len(f.Networks) > 0 {
			v.Families = append(v.Families, f)
		}
	}
	var b bytes.Buffer
	if err := frrTmpl.ExecuteTemplate(&b, "frr", v); err != nil {
		return nil, fmt.Errorf("node %s: frr.conf: %w", c.Node, err)
	}
	return b.Bytes(), nil
}

func newFRRPeer(c *Config, p Peer) frrPeer {
	id := p.Address.String()
	if p.Interface != "" {
		id = p.Interface
	}
	fp := frrPeer{ID: id, Map: strings.NewReplacer(".", "-", ":", "-").Replace(id), Interface: p.Interface,
		Port: p.Port, Keepalive: int(p.Keepalive.Seconds()), Hold: int(p.Hold.Seconds()),
		GracefulRestart: p.GracefulRestart, InAll: p.Receive == nil}
	switch {
	case p.ASN != 0:
		fp.RemoteAS = fmt.Sprint(p.ASN)
	case p.Dynamic != "":
		fp.RemoteAS = p.Dynamic
	default:
		fp.RemoteAS = "external"
	}
	out := p.Advertise
	if out == nil {
		out = c.Announce()
	}
	for i, q := range out {
		fp.Out = append(fp.Out, frrEntry{Family: ipFamily(q), Seq: i + 1, Prefix: q})
	}
	for i, r := range p.Receive {
		fp.In = append(fp.In, frrEntry{Family: ipFamily(r.Prefix), Seq: i + 1, Prefix: r.Prefix, GE: r.GE, LE: r.LE})
	}
	fp.OutFamilies, fp.InFamilies = families(fp.Out), families(fp.In)
	return fp
}

func ipFamily(p netip.Prefix) string {
	if p.Addr().Is6() {
		return "ipv6"
	}
	return "ip"
}

func families(es []frrEntry) []frrEntry {
	var out []frrEntry
	for _, fam := range []string{"ip", "ipv6"} {
		if slices.ContainsFunc(es, func(e frrEntry) bool { return e.Family == fam }) {
			out = append(out, frrEntry{Family: fam, Seq: len(out) + 1})
		}
	}
	return out
}
