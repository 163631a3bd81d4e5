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
