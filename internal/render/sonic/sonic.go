// Package sonic renders a SONiC switch: a complete config_db.json (it is
// loaded with `config reload` or diffed into `config apply-patch`, so
// nothing may be left out) and, in split routing mode, frr.conf.
//
// Routing mode: config_db's BGP_NEIGHBOR, rendered into FRR by bgpcfgd's
// templates, covers numbered IPv4 eBGP without route policy, with the
// template's fixed settings (multipath-relax, maximum-paths 64/514, no
// compare-routerid) — the seed lab's spine. Anything more (BGP unnumbered,
// IPv6 sessions, the generated prefix filters, server subnets, settings
// the template fixes otherwise, ties it would break by age) cannot be
// expressed there, so the device runs in split mode (DEVICE_METADATA
// docker_routing_config_mode: split) with an frr.conf of ours, while
// config_db still owns ports and addresses. resolve makes the choice
// (resolve.SONiCSplitReason). bgpcfgd runs in split mode too, so a split
// config_db holds none of the tables it turns into FRR commands.
package sonic

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/platform"
	"underlay.dev/underlay/internal/render"
	"underlay.dev/underlay/internal/render/frr"
	"underlay.dev/underlay/internal/resolve"
)

// Renderer renders platform sonic.
type Renderer struct{}

var _ render.Renderer = Renderer{}

// Platform is sonic.
func (Renderer) Platform() model.Platform { return model.PlatformSONiC }

// DefaultSpeed is the port speed written to PORT (Mb/s) for four-lane
// ports; real hardware's port_config decides, so keep it overridable later.
const DefaultSpeed = "100000"

// Split reports whether d runs in split routing mode: as resolve decided
// (pinned by spec.devices[].sonic.routingMode, otherwise split whenever
// resolve.SONiCSplitReason finds something unified mode cannot carry).
func Split(d *model.Device) bool {
	switch d.Sonic.RoutingMode {
	case resolve.SONiCSplit:
		return true
	case resolve.SONiCUnified:
		return false
	}
	return resolve.SONiCSplitReason(d) != ""
}

// Render returns config_db.json, plus frr.conf in split mode.
func (Renderer) Render(f *model.Fabric, d *model.Device) ([]render.File, error) {
	if d.Sonic.RoutingMode == resolve.SONiCUnified {
		// validate reports this first, at sonic.routingMode's line.
		if why := resolve.SONiCSplitReason(d); why != "" {
			return nil, fmt.Errorf("device %s: sonic.routingMode unified cannot carry its routing (%s): use split", d.Name, why)
		}
	}
	split := Split(d)
	db, err := ConfigDB(d, split)
	if err != nil {
		return nil, err
	}
	files := []render.File{{Name: platform.FileConfigDB, Content: db}}
	if split {
		conf, err := frr.Render(f, d, frr.Options{})
		if err != nil {
			return nil, err
		}
		files = append(files, render.File{Name: platform.FileFRR, Content: conf})
	}
	return files, nil
}

type row = map[string]string

// ConfigDB builds the config_db.json of d. encoding/json sorts map keys,
// so the output is deterministic.
func ConfigDB(d *model.Device, split bool) ([]byte, error) {
	db := map[string]map[string]row{
		"DEVICE_METADATA":    {"localhost": metadata(d, split)},
		"PORT":               {},
		"INTERFACE":          {},
		"LOOPBACK_INTERFACE": {"Loopback0": {}},
		"DEVICE_NEIGHBOR":    {},
	}
	for _, p := range d.Ports {
		if err := addPort(db, p.Name, p.MTU); err != nil {
			return nil, fmt.Errorf("device %s: %w", d.Name, err)
		}
		db["DEVICE_NEIGHBOR"][p.Name] = row{"name": p.Peer.Name, "port": p.PeerPort}
		iface := row{}
		if p.Unnumbered {
			iface["ipv6_use_link_local_only"] = "enable"
		}
		db["INTERFACE"][p.Name] = iface
		for _, a := range p.Addrs {
			db["INTERFACE"][p.Name+"|"+a.String()] = row{}
		}
	}
	for _, lo := range d.Loopbacks {
		db["LOOPBACK_INTERFACE"]["Loopback0|"+lo.String()] = row{}
	}
	if err := addSubnets(db, d); err != nil {
		return nil, err
	}
	if !split {
		db["BGP_NEIGHBOR"] = neighbors(d)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "    ")
	if err := enc.Encode(db); err != nil {
		return nil, fmt.Errorf("encoding config_db.json of %s: %w", d.Name, err)
	}
	return b.Bytes(), nil
}

var routerType = map[model.Role]string{
	model.RoleLeaf: "ToRRouter", model.RoleSpine: "LeafRouter", model.RoleSuperspine: "SpineRouter",
}

func metadata(d *model.Device, split bool) row {
	mode := "unified"
	if split {
		mode = "split"
	}
	return row{
		"hostname": d.Name, "bgp_asn": d.ASN.String(), "type": routerType[d.Role],
		"hwsku": d.Sonic.HWSKU, "platform": d.Sonic.Platform, "mac": d.Sonic.MAC,
		"docker_routing_config_mode": mode,
	}
}

// addPort adds a PORT row; lanes follow SONiC's convention that
// EthernetN starts at lane N with four lanes.
func addPort(db map[string]map[string]row, name string, mtu int) error {
	n, err := strconv.Atoi(strings.TrimPrefix(name, "Ethernet"))
	if err != nil || !strings.HasPrefix(name, "Ethernet") {
		return fmt.Errorf("port %q is not a SONiC EthernetN port", name)
	}
	r := row{"lanes": fmt.Sprintf("%d,%d,%d,%d", n, n+1, n+2, n+3), "alias": fmt.Sprintf("etp%d", n/4+1),
		"index": strconv.Itoa(n / 4), "speed": DefaultSpeed, "admin_status": "up"}
	if mtu > 0 {
		r["mtu"] = strconv.Itoa(mtu)
	}
	db["PORT"][name] = r
	return nil
}

// addSubnets gives each gateway port its address. A subnet without a port
// renders nothing here: frr.conf (split mode, which every leaf runs)
// anchors it with a blackhole route. A STATIC_ROUTE row would not be
// inert: bgpcfgd runs in every routing mode (its supervisord entry depends
// only on frr_mgmt_framework_config), and its StaticRouteMgr would push a
// second, tagged copy of the route and `redistribute static` into the FRR
// configuration underlay owns.
func addSubnets(db map[string]map[string]row, d *model.Device) error {
	for _, s := range d.Subnets {
		if s.Port == "" {
			continue
		}
		if _, ok := db["PORT"][s.Port]; !ok {
			if err := addPort(db, s.Port, 0); err != nil {
				return fmt.Errorf("device %s: %w", d.Name, err)
			}
			db["INTERFACE"][s.Port] = row{}
		}
		db["INTERFACE"][s.Port+"|"+s.Gateway.String()] = row{}
	}
	return nil
}

func neighbors(d *model.Device) map[string]row {
	out := map[string]row{}
	for _, s := range d.Sessions {
		out[s.PeerAddr.String()] = row{
			"asn": s.PeerASN.String(), "name": s.Peer.Name, "local_addr": s.LocalAddr.String(),
			"holdtime": strconv.Itoa(d.BGP.Hold), "keepalive": strconv.Itoa(d.BGP.Keepalive),
			"admin_status": "up", "nhopself": "0", "rrclient": "0",
		}
	}
	return out
}
