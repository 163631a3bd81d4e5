package sonicyang

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func load(t *testing.T) *Schema {
	t.Helper()
	s, err := Shared()
	if err != nil {
		if os.Getenv("UNDERLAY_REQUIRE_CHECKERS") == "1" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	return s
}

func TestUpstreamSampleValidates(t *testing.T) {
	s := load(t)
	raw, err := os.ReadFile(filepath.Join(s.Dir, "sample_config_db.json"))
	if err != nil {
		t.Fatal(err)
	}
	var samples map[string]json.RawMessage
	if err := json.Unmarshal(raw, &samples); err != nil {
		t.Fatal(err)
	}
	y, err := s.Translate(samples["SAMPLE_CONFIG_DB_JSON"])
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(context.Background(), y); err != nil {
		t.Fatal(err)
	}
}

func TestRejects(t *testing.T) {
	s := load(t)
	good := `{"DEVICE_METADATA": {"localhost": {"hostname": "spine", "bgp_asn": "65100"}},
 "PORT": {"Ethernet0": {"lanes": "0,1,2,3", "mtu": "9100", "admin_status": "up", "speed": "100000"}},
 "INTERFACE": {"Ethernet0": {}, "Ethernet0|10.0.0.0/31": {}}}`
	if err := s.Check(context.Background(), []byte(good)); err != nil {
		t.Fatalf("valid config rejected: %v", err)
	}
	for name, tt := range map[string]struct{ from, to, want string }{
		"bad address":    {"10.0.0.0/31", "10.0.0.300/31", "yanglint rejects"},
		"mtu range":      {`"mtu": "9100"`, `"mtu": "99999"`, "yanglint rejects"},
		"bad enum":       {`"admin_status": "up"`, `"admin_status": "enabled"`, "yanglint rejects"},
		"unknown field":  {`"mtu"`, `"mtuu"`, `PORT|Ethernet0: field "mtuu" is not in the model`},
		"unknown table":  {`"INTERFACE"`, `"INTERFACES"`, "INTERFACES: no SONiC YANG model"},
		"not an integer": {`"mtu": "9100"`, `"mtu": "big"`, `"big" is not an unsigned integer`},
	} {
		t.Run(name, func(t *testing.T) {
			err := s.Check(context.Background(), []byte(strings.Replace(good, tt.from, tt.to, 1)))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want …%s…", err, tt.want)
			}
		})
	}
}

// TestTranslateDB: the agent's path (decoded once, TranslateDB) gives what
// the bytes path gives, and a document not shaped {table: {key: {field:
// value}}} is refused by both, naming the table or row.
func TestTranslateDB(t *testing.T) {
	s := load(t)
	good := `{"PORT": {"Ethernet0": {"lanes": "0,1,2,3", "mtu": "9100"}}, "INTERFACE": {"Ethernet0": null}}`
	for _, tt := range []struct{ doc, want string }{
		{good, ""},
		{`{"PORT": "Ethernet0"}`, "table PORT is not an object"},
		{`{"PORT": {"Ethernet0": 9100}}`, "PORT|Ethernet0 is not an object"},
	} {
		var db map[string]any
		if err := json.Unmarshal([]byte(tt.doc), &db); err != nil {
			t.Fatal(err)
		}
		fromDB, errDB := s.TranslateDB(db)
		fromBytes, errBytes := s.Translate([]byte(tt.doc))
		if tt.want == "" {
			if errDB != nil || errBytes != nil || string(fromDB) != string(fromBytes) {
				t.Errorf("%s: TranslateDB %v, Translate %v; outputs equal: %v", tt.doc, errDB, errBytes, string(fromDB) == string(fromBytes))
			}
			continue
		}
		for _, err := range []error{errDB, errBytes} {
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%s: got %v, want …%s…", tt.doc, err, tt.want)
			}
		}
	}
}
