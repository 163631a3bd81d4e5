package driver

import (
	"encoding/json"
	"testing"
)

// sonicOperatorTables is configuration a SONiC switch holds that underlay
// never renders: the management port and VRF, NTP, syslog, AAA, TACACS+,
// SNMP, the image's FEATURE table and a management-VRF static route, each
// valid under SONiC's YANG models.
func sonicOperatorTables() map[string]any {
	return map[string]any{
		"MGMT_INTERFACE":  map[string]any{"eth0|10.250.0.10/24": map[string]any{"gwaddr": "10.250.0.1"}},
		"MGMT_PORT":       map[string]any{"eth0": map[string]any{"admin_status": "up", "alias": "eth0"}},
		"MGMT_VRF_CONFIG": map[string]any{"vrf_global": map[string]any{"mgmtVrfEnabled": "true"}},
		"NTP_SERVER":      map[string]any{"10.250.0.5": map[string]any{"association_type": "server", "iburst": "on"}},
		"SYSLOG_SERVER":   map[string]any{"10.250.0.6": map[string]any{"vrf": "mgmt"}},
		"AAA":             map[string]any{"authentication": map[string]any{"login": "local"}},
		"TACPLUS_SERVER":  map[string]any{"10.250.0.7": map[string]any{"priority": "1", "tcp_port": "49"}},
		"SNMP_COMMUNITY":  map[string]any{"netops-ro": map[string]any{"TYPE": "RO"}},
		"FEATURE": map[string]any{"bgp": map[string]any{"state": "enabled", "auto_restart": "enabled"},
			"lldp": map[string]any{"state": "enabled", "auto_restart": "enabled"}},
	}
}

// sonicSwitch is a switch that ran the seed spine: the rendered
// config_db.json plus the operator's tables, fields SONiC itself keeps in
// tables underlay owns (DEVICE_METADATA's buffer_model, an unused port, a
// port's FEC, a management-VRF route), and rows an earlier revision left
// that underlay owns and no longer renders (a port address, a BGP
// neighbor).
func sonicSwitch(t *testing.T) []byte {
	t.Helper()
	var db map[string]map[string]map[string]any
	if err := json.Unmarshal(renderedSpine(t, "seed-lab"), &db); err != nil {
		t.Fatal(err)
	}
	for k, v := range sonicOperatorTables() {
		b, _ := json.Marshal(v)
		var rows map[string]map[string]any
		must(t, json.Unmarshal(b, &rows))
		db[k] = rows
	}
	md := db["DEVICE_METADATA"]["localhost"]
	md["buffer_model"], md["synchronous_mode"], md["timezone"] = "traditional", "enable", "Europe/Berlin"
	db["PORT"]["Ethernet0"]["fec"] = "rs"
	db["PORT"]["Ethernet8"] = map[string]any{"lanes": "8,9,10,11", "alias": "etp3", "index": "2", "speed": "100000", "admin_status": "down"}
	db["STATIC_ROUTE"] = map[string]map[string]any{"mgmt|0.0.0.0/0": {"nexthop": "10.250.0.1"}}
	db["INTERFACE"]["Ethernet8"] = map[string]any{}
	db["INTERFACE"]["Ethernet8|10.9.9.0/31"] = map[string]any{}
	db["BGP_NEIGHBOR"] = map[string]map[string]any{"10.9.9.1": {"asn": "65009", "name": "gone", "local_addr": "10.9.9.0",
		"holdtime": "180", "keepalive": "60", "admin_status": "up", "nhopself": "0", "rrclient": "0"}}
	b, err := json.MarshalIndent(db, "", "    ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}
