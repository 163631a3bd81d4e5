package driver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/platform"
)

// sonicTable is what the SONiC driver owns of one CONFIG_DB table.
type sonicTable struct {
	// Key accepts the keys underlay renders; KeyDoc says which in errors.
	Key    func(string) bool
	KeyDoc string
	// Fields are the fields underlay renders, each with the only values it
	// renders (nil: any string).
	Fields map[string][]string
	// Lists are the fields underlay renders as lists of strings (YANG
	// leaf-lists), each with the test every item passes.
	Lists map[string]func(string) bool
	// Check, when set, refuses a row whose fields do not agree with each
	// other or with its key (a VLAN's vlanid, a map's VNI): a reason, or "".
	Check func(key string, row map[string]any) string
	// Rows says which rows of the running table are underlay's.
	Rows sonicRows
	// Retired: underlay no longer renders the table. Admission refuses
	// any row of it, but its rows stay owned, so the patch removes what
	// an older underlay wrote.
	Retired string
}

// sonicRows is how much of a table's running rows underlay owns.
type sonicRows int

const (
	// ownKeys: every running key that Key accepts is underlay's, so a key
	// the file no longer holds is removed. A row is replaced whole.
	ownKeys sonicRows = iota
	// ownFields: only the file's keys, and in them only Fields; other
	// keys and fields (SONiC's own, or the hardware's: a port never
	// rendered, DEVICE_METADATA's buffer_model) stay, and no key is ever
	// removed.
	ownFields
)

// SONiCOwned is the part of CONFIG_DB the SONiC driver owns: exactly the
// tables, keys and fields internal/render/sonic renders (the server side
// of a leaf, VLANs to the DHCP relay, is sonicServerTables). Precheck refuses
// a config_db.json with anything else (a FEATURE|bgp entry that disables
// BGP, DEVICE_METADATA's default_bgp_status or frr_mgmt_framework_config,
// an INTERFACE's vrf_name, a PORT admin_status down); the patch, the
// reload and the drift check leave every other table (MGMT_INTERFACE,
// MGMT_VRF_CONFIG, NTP_SERVER, SYSLOG_SERVER, AAA, SNMP_*, FEATURE, …),
// key and field on the switch alone.
var SONiCOwned = withTables(map[string]sonicTable{
	"DEVICE_METADATA": {Key: eq("localhost"), KeyDoc: "localhost", Rows: ownFields, Fields: map[string][]string{
		"hostname": nil, "bgp_asn": nil, "hwsku": nil, "platform": nil, "mac": nil,
		"type":                       {"ToRRouter", "LeafRouter", "SpineRouter"},
		"docker_routing_config_mode": {"split", "unified"},
		// SONiC's DHCPv4 relay agent (DHCPV4_RELAY) instead of isc-dhcp-relay.
		"has_sonic_dhcpv4_relay": {"True"},
	}},
	"PORT": {Key: sonicPort, KeyDoc: "an EthernetN port", Rows: ownFields, Fields: map[string][]string{
		"lanes": nil, "alias": nil, "index": nil, "speed": nil, "mtu": nil, "admin_status": {"up"},
	}},
	"INTERFACE": {Key: portOrAddr(sonicPort), KeyDoc: "EthernetN or EthernetN|address/length", Rows: ownKeys,
		Fields: map[string][]string{"ipv6_use_link_local_only": {"enable"}}},
	"LOOPBACK_INTERFACE": {Key: portOrAddr(eq("Loopback0")), KeyDoc: "Loopback0 or Loopback0|address/length", Rows: ownKeys},
	"DEVICE_NEIGHBOR": {Key: sonicPort, KeyDoc: "an EthernetN port", Rows: ownKeys,
		Fields: map[string][]string{"name": nil, "port": nil}},
	// Default-VRF routes only: mgmt|… and Vrf…|… are the operator's.
	"STATIC_ROUTE": {Key: defaultVRF(parsesAsPrefix), KeyDoc: "a prefix or default|prefix", Rows: ownKeys,
		Retired: "bgpcfgd turns its rows into FRR commands in every routing mode; the subnet's blackhole anchor is in frr.conf"},
	// Unified mode only; in split mode the file holds none, and the rows
	// bgpcfgd would otherwise still read are removed.
	"BGP_NEIGHBOR": {Key: defaultVRF(parsesAsAddr), KeyDoc: "a neighbor address", Rows: ownKeys, Fields: map[string][]string{
		"asn": nil, "name": nil, "local_addr": nil, "holdtime": nil, "keepalive": nil,
		"admin_status": {"up"}, "nhopself": {"0"}, "rrclient": {"0"},
	}},
}, sonicServerTables)

// withTables is the union of table sets with distinct names.
func withTables(sets ...map[string]sonicTable) map[string]sonicTable {
	out := map[string]sonicTable{}
	for _, set := range sets {
		for name, t := range set {
			if _, dup := out[name]; dup {
				panic("driver: SONiC table " + name + " owned twice")
			}
			out[name] = t
		}
	}
	return out
}

var sonicPort = platform.MustGet(model.PlatformSONiC).Ports.Pattern.MatchString

func eq(s string) func(string) bool { return func(k string) bool { return k == s } }

func portOrAddr(port func(string) bool) func(string) bool {
	return func(k string) bool {
		p, a, ok := strings.Cut(k, "|")
		return port(p) && (!ok || parsesAsPrefix(a))
	}
}

func defaultVRF(key func(string) bool) func(string) bool {
	return func(k string) bool { return key(strings.TrimPrefix(k, "default|")) }
}

// owns reports whether a running key of the table is underlay's.
func (t sonicTable) owns(key string, inFile bool) bool {
	if t.Rows == ownFields {
		return inFile
	}
	return t.Key(key)
}

// parseSONiC decodes config_db.json without admitting it: Apply and
// Drift also take the baseline captured from the switch (driver.Capturer),
// which is never admitted. What they change stays inside SONiCOwned.
func parseSONiC(doc []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	var db map[string]any
	if err := dec.Decode(&db); err != nil || db == nil {
		return nil, fmt.Errorf("config_db.json: not a JSON object: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("config_db.json: data after the document")
	}
	return db, nil
}

// admitSONiC decodes config_db.json and refuses every table, key, field
// and value outside SONiCOwned, naming them.
func admitSONiC(doc []byte) (map[string]any, error) {
	db, err := parseSONiC(doc)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrRejected, err)
	}
	var errs []string
	for _, name := range slices.Sorted(maps.Keys(db)) {
		rows, _ := db[name].(map[string]any)
		t, ok := SONiCOwned[name]
		if !ok {
			errs = append(errs, fmt.Sprintf("table %q%s is not one underlay renders; refused", name, firstKey(rows)))
			continue
		}
		if rows == nil {
			errs = append(errs, fmt.Sprintf("table %q: want an object of keys", name))
		}
		for _, k := range slices.Sorted(maps.Keys(rows)) {
			t.admitRow(name, k, rows[k], &errs)
		}
	}
	if len(errs) > 0 {
		return nil, refusedPaths(platform.FileConfigDB, errs)
	}
	return db, nil
}

func firstKey(rows map[string]any) string {
	if keys := slices.Sorted(maps.Keys(rows)); len(keys) > 0 {
		return fmt.Sprintf(" (key %q)", keys[0])
	}
	return ""
}

func (t sonicTable) admitRow(table, key string, raw any, errs *[]string) {
	if t.Retired != "" && t.Key(key) {
		*errs = append(*errs, fmt.Sprintf("%s|%s: underlay no longer renders %s (%s); refused", table, key, table, t.Retired))
		return
	}
	if !t.Key(key) {
		*errs = append(*errs, fmt.Sprintf("%s key %q is not one underlay renders (want %s); refused", table, key, t.KeyDoc))
		return
	}
	row, ok := raw.(map[string]any)
	if !ok {
		*errs = append(*errs, fmt.Sprintf("%s|%s: want an object of fields", table, key))
		return
	}
	for _, f := range slices.Sorted(maps.Keys(row)) {
		if item, isList := t.Lists[f]; isList {
			admitList(table, key, f, row[f], item, errs)
			continue
		}
		values, known := t.Fields[f]
		v, isString := row[f].(string)
		switch {
		case !known:
			*errs = append(*errs, fmt.Sprintf("%s|%s field %q is not one underlay renders; refused", table, key, f))
		case !isString:
			*errs = append(*errs, fmt.Sprintf("%s|%s field %q: want a string", table, key, f))
		case values != nil && !slices.Contains(values, v):
			*errs = append(*errs, fmt.Sprintf("%s|%s field %q is %q; underlay renders only %s; refused",
				table, key, f, v, strings.Join(values, " or ")))
		}
	}
	if t.Check != nil {
		if why := t.Check(key, row); why != "" {
			*errs = append(*errs, fmt.Sprintf("%s|%s: %s; refused", table, key, why))
		}
	}
}

// admitList admits a list field: strings, each passing item.
func admitList(table, key, f string, raw any, item func(string) bool, errs *[]string) {
	list, ok := raw.([]any)
	if !ok || len(list) == 0 {
		*errs = append(*errs, fmt.Sprintf("%s|%s field %q: want a list of strings", table, key, f))
		return
	}
	for _, e := range list {
		if s, ok := e.(string); !ok || !item(s) {
			*errs = append(*errs, fmt.Sprintf("%s|%s field %q: item %v is not one underlay renders; refused", table, key, f, e))
		}
	}
}

// sonicTarget is the CONFIG_DB the switch should run: running, with what
// underlay owns (SONiCOwned) made equal to desired and everything else as
// it was. A table left with no rows is dropped: CONFIG_DB cannot hold an
// empty table.
func sonicTarget(running, desired map[string]any) map[string]any {
	out := make(map[string]any, len(running)+len(desired))
	for t, rows := range running {
		out[t] = rows
	}
	for name, t := range SONiCOwned {
		rr, _ := running[name].(map[string]any)
		dr, _ := desired[name].(map[string]any)
		rows := map[string]any{}
		for k, r := range rr {
			if _, inFile := dr[k]; !t.owns(k, inFile) {
				rows[k] = r
			}
		}
		for k, d := range dr {
			rows[k] = t.row(rr[k], d)
		}
		if len(rows) > 0 {
			out[name] = rows
		} else {
			delete(out, name)
		}
	}
	return out
}

// row is the row the switch should hold for a key of the file.
func (t sonicTable) row(running, desired any) any {
	r, _ := running.(map[string]any)
	if t.Rows != ownFields || r == nil {
		return desired
	}
	out := map[string]any{}
	for f, v := range r {
		if _, owned := t.Fields[f]; !owned {
			out[f] = v
		}
	}
	d, _ := desired.(map[string]any)
	for f, v := range d {
		out[f] = v
	}
	return out
}
