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
//
// An external neighbour peering by address is a BGP_NEIGHBOR row like a
// fabric peer. A group is never a BGP_PEER_RANGE row: bgpcfgd's template
// for that table (bgpd/templates/dynamic) makes passive, ebgp-multihop 255
// peers with FROM_/TO_BGP_SPEAKER route maps and Loopback1 as source, not
// the group the intent describes, so a device with a group runs split and
// frr.conf holds its peer group and listen range. A Kubernetes cluster's
// session settings (model.SessionOptions) are frr.conf's too, so they
// render in split mode only (every leaf runs split).
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

// row is one CONFIG_DB row: field → a string, or a list of strings for a
// leaf-list (DHCPV4_RELAY dhcpv4_servers), as config_db.json holds them.
type row = map[string]any

// tables is config_db.json: table → key → row.
type tables map[string]map[string]row

// put adds a row, creating its table: CONFIG_DB holds no empty tables, so
// the tables only some devices have appear with their first row.
func (db tables) put(table, key string, r row) {
	if db[table] == nil {
		db[table] = map[string]row{}
	}
	db[table][key] = r
}

// ConfigDB builds the config_db.json of d. encoding/json sorts map keys,
// so the output is deterministic.
func ConfigDB(d *model.Device, split bool) ([]byte, error) {
	db := tables{
		"DEVICE_METADATA":    {"localhost": metadata(d, split)},
		"PORT":               {},
		"INTERFACE":          {},
		"LOOPBACK_INTERFACE": {"Loopback0": {}},
		"DEVICE_NEIGHBOR":    {},
	}
	for _, in := range d.Interfaces {
		if err := addInterface(db, in); err != nil {
			return nil, fmt.Errorf("device %s: %w", d.Name, err)
		}
	}
	if err := addVRFs(db, d); err != nil {
		return nil, fmt.Errorf("device %s: %w", d.Name, err)
	}
	if err := addRelays(db, d); err != nil {
		return nil, fmt.Errorf("device %s: %w", d.Name, err)
	}
	if !split {
		rows, err := neighbors(d)
		if err != nil {
			return nil, fmt.Errorf("device %s: %w", d.Name, err)
		}
		db["BGP_NEIGHBOR"] = rows
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "    ")
	if err := enc.Encode(db); err != nil {
		return nil, fmt.Errorf("encoding config_db.json of %s: %w", d.Name, err)
	}
	return b.Bytes(), nil
}

// addInterface renders one of d.Interfaces: the loopback as Loopback0's
// addresses, a routed port (addRouted), a server's port, bond or bond
// member, the bridge's VLANs and the SVIs (servers.go). Only an SVI may be
// in a VRF: resolve puts nothing else there.
func addInterface(db tables, in *model.Interface) error {
	if in.Instance != model.DefaultInstance && in.Kind != model.KindSVI {
		return fmt.Errorf("interface %s is in routing instance %s; only SVIs in a VRF are rendered for SONiC", in.Name, in.Instance)
	}
	switch in.Kind {
	case model.KindLoopback:
		for _, a := range in.Addrs {
			db["LOOPBACK_INTERFACE"]["Loopback0|"+a.String()] = row{}
		}
		return nil
	case model.KindRouted:
		return addRouted(db, in)
	case model.KindAccess, model.KindTrunk:
		return addSwitchPort(db, in)
	case model.KindBond:
		return addPortChannel(db, in)
	case model.KindMember:
		return addMember(db, in)
	case model.KindBridge:
		for _, v := range in.VLANs {
			addVLAN(db, v)
		}
		return nil
	case model.KindSVI:
		return addSVI(db, in)
	}
	return fmt.Errorf("interface %s: kind %s is not rendered for SONiC", in.Name, in.Kind)
}

// addRouted renders a routed port as its PORT row, its INTERFACE rows and,
// on a fabric link, its DEVICE_NEIGHBOR. A port only server subnets use
// has no MTU (SONiC's default) and no neighbour. A subnet without a port
// renders nothing here: frr.conf (split mode, which every leaf runs)
// anchors it with a blackhole route. A STATIC_ROUTE row would not be
// inert: bgpcfgd runs in every routing mode (its supervisord entry depends
// only on frr_mgmt_framework_config), and its StaticRouteMgr would push a
// second, tagged copy of the route and `redistribute static` into the FRR
// configuration underlay owns.
func addRouted(db tables, in *model.Interface) error {
	if err := addPort(db, in.Name, in.MTU); err != nil {
		return err
	}
	iface := row{}
	if in.Unnumbered {
		iface["ipv6_use_link_local_only"] = "enable"
	}
	db["INTERFACE"][in.Name] = iface
	for _, a := range in.Addrs {
		db["INTERFACE"][in.Name+"|"+a.String()] = row{}
	}
	if p := in.Port; p != nil {
		db["DEVICE_NEIGHBOR"][in.Name] = row{"name": p.Peer.Name, "port": p.PeerPort}
	}
	return nil
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
func addPort(db tables, name string, mtu int) error {
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

// neighbors are the BGP_NEIGHBOR rows of unified mode: one per session,
// keyed by the neighbour's address (the default instance's keys carry no
// VRF prefix, as bgpcfgd's template list has them). Only numbered sessions
// fit there; resolve picks split mode for anything else
// (resolve.SONiCSplitReason), so the rest is an error naming why.
func neighbors(d *model.Device) (map[string]row, error) {
	out := map[string]row{}
	for _, in := range d.Instances {
		if in.Name != model.DefaultInstance {
			return nil, fmt.Errorf("routing instance %s: only the default instance is rendered for SONiC", in.Name)
		}
		for _, s := range in.Sessions {
			switch {
			case s.Group != nil:
				return nil, fmt.Errorf("group %s: unified mode cannot carry it (bgpcfgd's BGP_PEER_RANGE template makes passive, "+
					"multihop peers with route maps of its own): use split", s.Group.Name)
			case s.Unnumbered || (s.External != nil && !s.External.Address.IsValid()):
				return nil, fmt.Errorf("the session to %s is not by address, which BGP_NEIGHBOR needs: use split", s.Description())
			case s.Options() != model.SessionOptions{Cluster: s.Options().Cluster}:
				return nil, fmt.Errorf("the session to %s has a cluster's settings (iBGP, as-override, a default route, BFD, "+
					"graceful restart, timers), which bgpcfgd's BGP_NEIGHBOR template does not render: use split", s.Description())
			}
			name := s.Description()
			if s.Fabric() {
				name = s.Peer.Name
			}
			r := row{"asn": s.PeerASN.String(), "name": name,
				"holdtime": strconv.Itoa(d.BGP.Hold), "keepalive": strconv.Itoa(d.BGP.Keepalive),
				"admin_status": "up", "nhopself": "0", "rrclient": "0"}
			if s.LocalAddr.IsValid() {
				r["local_addr"] = s.LocalAddr.String()
			}
			out[s.Neighbor()] = r
		}
	}
	return out, nil
}
