package ovs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
)

// Current loads the instance's bridges, ports and interfaces in one
// ovs-vsctl call (three JSON tables, in order).
func (i Instance) Current(ctx context.Context) (Current, error) {
	out, err := i.Vsctl(ctx, "--format=json",
		"--columns=name,datapath_type,ports", "list", "Bridge", "--",
		"--columns=_uuid,name,tag,trunks,vlan_mode,lacp,bond_mode,other_config,interfaces", "list", "Port", "--",
		"--columns=_uuid,name,type,mtu_request", "list", "Interface")
	if err != nil {
		return Current{}, err
	}
	return parseCurrent([]byte(out))
}

// table is ovs-vsctl's --format=json output for one command.
type table struct {
	Headings []string `json:"headings"`
	Data     [][]any  `json:"data"`
}

func (t table) rows() []map[string]any {
	var out []map[string]any
	for _, r := range t.Data {
		m := map[string]any{}
		for j, h := range t.Headings {
			if j < len(r) {
				m[h] = r[j]
			}
		}
		out = append(out, m)
	}
	return out
}

func parseCurrent(b []byte) (Current, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var t [3]table
	for j := range t {
		if err := dec.Decode(&t[j]); err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return Current{}, fmt.Errorf("reading ovs-vsctl's tables: %w", err)
		}
	}
	ifaces := map[string]map[string]any{}
	for _, r := range t[2].rows() {
		ifaces[uuid(r["_uuid"])] = r
	}
	ports := map[string]map[string]any{}
	for _, r := range t[1].rows() {
		ports[uuid(r["_uuid"])] = r
	}
	cur := Current{Bridges: map[string]string{}, Ports: map[string]CurrentPort{}}
	for _, br := range t[0].rows() {
		name := str(br["name"])
		cur.Bridges[name] = str(br["datapath_type"])
		for _, pu := range atoms(br["ports"]) {
			p := ports[uuid(pu)]
			if p == nil || str(p["name"]) == name {
				continue // the bridge's own local port
			}
			cur.Ports[str(p["name"])] = currentPort(name, p, ifaces)
		}
	}
	return cur, nil
}

func currentPort(bridge string, p map[string]any, ifaces map[string]map[string]any) CurrentPort {
	c := CurrentPort{Bridge: bridge, Settings: map[string]string{}}
	for _, k := range []string{"tag", "vlan_mode", "lacp", "bond_mode"} {
		if a := atoms(p[k]); len(a) > 0 {
			c.Settings[k] = str(a[0])
		} else {
			c.Settings[k] = ""
		}
	}
	var trunks []int
	for _, a := range atoms(p["trunks"]) {
		n, _ := strconv.Atoi(str(a))
		trunks = append(trunks, n)
	}
	c.Settings["trunks"] = vlanList(trunks)
	c.OtherConfig = map[string]string{}
	for _, k := range otherConfigKeys {
		if v := mapValue(p["other_config"], k); v != "" {
			c.OtherConfig[k] = v
		}
	}
	for j, iu := range atoms(p["interfaces"]) {
		iface := ifaces[uuid(iu)]
		c.Interfaces = append(c.Interfaces, str(iface["name"]))
		if j == 0 {
			c.Internal = str(iface["type"]) == "internal"
			if a := atoms(iface["mtu_request"]); len(a) > 0 {
				c.MTU, _ = strconv.Atoi(str(a[0]))
			}
		}
	}
	slices.Sort(c.Interfaces)
	return c
}

// atoms are the elements of an OVSDB value: a set ["set", [...]] or one
// atom (a string, a number, or ["uuid", "..."]).
func atoms(v any) []any {
	if l, ok := v.([]any); ok && len(l) == 2 && l[0] == "set" {
		if elems, ok := l[1].([]any); ok {
			return elems
		}
	}
	if v == nil {
		return nil
	}
	return []any{v}
}

func uuid(v any) string {
	if l, ok := v.([]any); ok && len(l) == 2 && l[0] == "uuid" {
		return str(l[1])
	}
	return ""
}

func mapValue(v any, key string) string {
	l, ok := v.([]any)
	if !ok || len(l) != 2 || l[0] != "map" {
		return ""
	}
	pairs, _ := l[1].([]any)
	for _, kv := range pairs {
		if p, ok := kv.([]any); ok && len(p) == 2 && str(p[0]) == key {
			return str(p[1])
		}
	}
	return ""
}

func str(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	}
	return ""
}
