package driver

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"underlay.dev/underlay/internal/agent/store"
	"underlay.dev/underlay/internal/atomicfile"
	"underlay.dev/underlay/internal/checker/sonicyang"
	"underlay.dev/underlay/internal/platform"
)

// Command runs a program with arguments (never a shell) and returns its
// combined output. Tests substitute a recorder that follows the SONiC CLI.
type Command func(ctx context.Context, args ...string) ([]byte, error)

// SONiC applies config_db.json incrementally: it diffs the running
// CONFIG_DB against the desired file into an RFC 6902 JSON patch and
// applies that with the Generic Config Updater (`config apply-patch`,
// dry-run first), so untouched ports and sessions stay up. `config reload`
// (disruptive: links down for minutes) is used only when Reload is set. In
// split routing mode frr.conf goes to the bgp container's FRR.
type SONiC struct {
	Run    Command // default: exec
	Reload bool
	// ConfigPath is where config_db.json is kept (default /etc/sonic/config_db.json).
	ConfigPath string
	// FRRPath is the host path the bgp container sees as /etc/frr/frr.conf.
	FRRPath string
	// WorkDir holds patch files (default the system temp dir).
	WorkDir string
}

var _ Driver = (*SONiC)(nil)

// Files are config_db.json and, in split mode, frr.conf.
func (s *SONiC) Files() []string { return []string{platform.FileConfigDB, platform.FileFRR} }

func (s *SONiC) run(ctx context.Context, args ...string) ([]byte, error) {
	if s.Run != nil {
		return s.Run(ctx, args...)
	}
	return run(ctx, args)
}

// Precheck refuses anything outside SONiCOwned, then validates
// config_db.json against SONiC's YANG models and frr.conf (if any) with
// vtysh.
func (s *SONiC) Precheck(ctx context.Context, cfg store.Files) error {
	db, err := admitSONiC(cfg[platform.FileConfigDB])
	if err != nil {
		return err
	}
	schema, err := sonicyang.Shared()
	if err != nil {
		return err
	}
	if err := schema.CheckDB(ctx, db); err != nil {
		return fmt.Errorf("%w: %w", ErrRejected, err)
	}
	if conf, ok := cfg[platform.FileFRR]; ok {
		return (&FRR{}).Precheck(ctx, store.Files{platform.FileFRR: conf})
	}
	return nil
}

// Apply patches CONFIG_DB (or reloads it), then frr.conf in split mode.
// Only what underlay owns changes: the switch is driven to the running
// CONFIG_DB with SONiCOwned replaced by the file's (sonicTarget), and that
// document, not the file, is what config_db.json is saved as, so a reload
// or a reboot keeps the operator's tables too.
func (s *SONiC) Apply(ctx context.Context, cfg store.Files) error {
	desired, err := parseSONiC(cfg[platform.FileConfigDB])
	if err != nil {
		return err
	}
	running, err := s.running(ctx)
	if err != nil {
		return err
	}
	if err := s.applyDB(ctx, running, sonicTarget(running, desired)); err != nil {
		return err
	}
	if conf, ok := cfg[platform.FileFRR]; ok {
		return s.applyFRR(ctx, conf)
	}
	return nil
}

func (s *SONiC) running(ctx context.Context) (map[string]any, error) {
	out, err := s.run(ctx, "show", "runningconfiguration", "all")
	if err != nil {
		return nil, fmt.Errorf("reading the running CONFIG_DB: %w: %s", err, lastLines(out, 3))
	}
	var running map[string]any
	if err := json.Unmarshal(out, &running); err != nil {
		return nil, fmt.Errorf("reading the running CONFIG_DB: %w", err)
	}
	return running, nil
}

// applyDB patches CONFIG_DB to target and saves it (as `config save`
// does), or saves it and reloads it when asked to or when a setting read
// only at a container's start changes (startSettings), since `config
// reload` restarts the containers.
func (s *SONiC) applyDB(ctx context.Context, running, target map[string]any) error {
	path := s.configPath()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "    ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(target); err != nil {
		return fmt.Errorf("encoding config_db.json: %w", err)
	}
	if !s.Reload && startSettings(running) == startSettings(target) {
		if err := s.patch(ctx, running, target); err != nil {
			return err
		}
		return atomicfile.WriteFile(path, b.Bytes(), 0o644)
	}
	if err := atomicfile.WriteFile(path, b.Bytes(), 0o644); err != nil {
		return err
	}
	if out, err := s.run(ctx, "config", "reload", "-y", path); err != nil {
		return fmt.Errorf("config reload: %w: %s", err, lastLines(out, 5))
	}
	return nil
}

// routingMode is DEVICE_METADATA|localhost's docker_routing_config_mode,
// "unified" when unset (SONiC's default).
func routingMode(db map[string]any) string {
	if m := metadataField(db, "docker_routing_config_mode"); m != "" {
		return m
	}
	return "unified"
}

// startSettings are the DEVICE_METADATA settings SONiC reads only when a
// container starts: the routing mode (the bgp container's bgpcfgd) and
// has_sonic_dhcpv4_relay (the dhcp_relay container generates its
// supervisord configuration at start, running SONiC's DHCPv4 relay agent,
// which reads DHCPV4_RELAY, or isc-dhcp-relay). A leaf sets the latter
// when it first relays, which on a new switch comes with its first
// routing-mode change.
func startSettings(db map[string]any) string {
	return routingMode(db) + " has_sonic_dhcpv4_relay=" + metadataField(db, "has_sonic_dhcpv4_relay")
}

func metadataField(db map[string]any, name string) string {
	md, _ := db["DEVICE_METADATA"].(map[string]any)
	lh, _ := md["localhost"].(map[string]any)
	v, _ := lh[name].(string)
	return v
}

func (s *SONiC) patch(ctx context.Context, running, desired map[string]any) error {
	ops := Diff(running, desired)
	if len(ops) == 0 {
		return nil
	}
	b, _ := json.MarshalIndent(ops, "", " ")
	f, err := os.CreateTemp(s.WorkDir, "underlay-patch-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	f.Close()
	if out, err := s.run(ctx, "config", "apply-patch", "--dry-run", f.Name()); err != nil {
		return fmt.Errorf("config apply-patch --dry-run: %w: %s", err, lastLines(out, 5))
	}
	if out, err := s.run(ctx, "config", "apply-patch", f.Name()); err != nil {
		return fmt.Errorf("config apply-patch: %w: %s", err, lastLines(out, 5))
	}
	return nil
}

func (s *SONiC) applyFRR(ctx context.Context, conf []byte) error {
	path := s.frrPath()
	if err := atomicfile.WriteFile(path, conf, 0o644); err != nil {
		return err
	}
	inside := "/etc/frr/" + filepath.Base(path)
	if out, err := s.run(ctx, "docker", "exec", "bgp", "/usr/lib/frr/frr-reload.py", "--reload", "--stdout", inside); err != nil {
		return fmt.Errorf("frr-reload.py in the bgp container: %w: %s", err, lastLines(out, 5))
	}
	return nil
}

// Op is one RFC 6902 operation.
type Op struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value,omitempty"`
}

// Diff returns the JSON patch that turns running into desired, table by
// table, key by key and field by field, in a stable order. The driver
// passes sonicTarget(running, file) as desired, so that only what underlay
// owns differs: tables the file does not own (FEATURE, CRM, … come from
// the image; MGMT_*, NTP_SERVER, … from the operator) are equal.
func Diff(running, desired map[string]any) []Op {
	var ops []Op
	for _, t := range unionKeys(running, desired) {
		rt, inR := running[t].(map[string]any)
		dt, inD := desired[t].(map[string]any)
		switch {
		case !inD:
			ops = append(ops, Op{Op: "remove", Path: "/" + esc(t)})
		case !inR:
			ops = append(ops, Op{Op: "add", Path: "/" + esc(t), Value: dt})
		default:
			ops = append(ops, diffRows("/"+esc(t), rt, dt)...)
		}
	}
	return ops
}

func diffRows(prefix string, running, desired map[string]any) []Op {
	var ops []Op
	for _, k := range unionKeys(running, desired) {
		r, inR := running[k].(map[string]any)
		d, inD := desired[k].(map[string]any)
		p := prefix + "/" + esc(k)
		switch {
		case !inD:
			ops = append(ops, Op{Op: "remove", Path: p})
		case !inR:
			ops = append(ops, Op{Op: "add", Path: p, Value: d})
		default:
			for _, f := range unionKeys(r, d) {
				rv, inRF := r[f]
				dv, inDF := d[f]
				switch {
				case !inDF:
					ops = append(ops, Op{Op: "remove", Path: p + "/" + esc(f)})
				case !inRF:
					ops = append(ops, Op{Op: "add", Path: p + "/" + esc(f), Value: dv})
				case fmt.Sprint(rv) != fmt.Sprint(dv):
					ops = append(ops, Op{Op: "replace", Path: p + "/" + esc(f), Value: dv})
				}
			}
		}
	}
	return ops
}

// esc escapes a JSON pointer token (RFC 6901): "~" → "~0", "/" → "~1".
func esc(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1") }

func unionKeys(a, b map[string]any) []string {
	seen := maps.Clone(a)
	if seen == nil {
		seen = map[string]any{}
	}
	maps.Copy(seen, b)
	return slices.Sorted(maps.Keys(seen))
}
