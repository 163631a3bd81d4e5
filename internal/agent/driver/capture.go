package driver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"strings"

	"sigs.k8s.io/yaml"

	"underlay.dev/underlay/internal/agent/store"
)

// Capturer reads what a device runs now as files its driver's Apply can
// re-apply. The engine captures once, before the first apply, so a first
// revision that fails its health gate rolls back to what the device ran
// before underlay touched it. The capture is not underlay-rendered: it is
// restored with Apply, never pre-checked or admitted.
type Capturer interface {
	Capture(ctx context.Context) (store.Files, error)
}

var (
	_ Capturer = (*FRR)(nil)
	_ Capturer = (*Ifupdown2)(nil)
	_ Capturer = (*NVUE)(nil)
	_ Capturer = (*SONiC)(nil)
	_ Capturer = Chain(nil)
)

// ErrNoCapture marks a driver (in a Chain) that cannot capture.
var ErrNoCapture = errors.New("the driver cannot capture the running configuration")

// Capture reads the daemons' running config (`show running-config`),
// which frr-reload.py re-applies as it is: frr.conf on disk may differ
// from what runs (changes made in vtysh and never written).
func (f *FRR) Capture(ctx context.Context) (store.Files, error) {
	conf, err := f.runningConfig(ctx)
	if err != nil {
		return nil, err
	}
	return store.Files{"frr.conf": conf}, nil
}

func (f *FRR) runningConfig(ctx context.Context) ([]byte, error) {
	args := append(append([]string(nil), f.Exec...), "vtysh")
	if f.Pathspace != "" {
		args = append(args, "-N", f.Pathspace)
	}
	out, err := run(ctx, append(args, "-c", "show running-config"))
	if err != nil {
		return nil, fmt.Errorf("vtysh -c \"show running-config\": %v: %s", err, lastLines(out, 3))
	}
	return runningToConf(out), nil
}

// runningToConf drops vtysh's banner ("Building configuration...",
// "Current configuration:"), which is not configuration.
func runningToConf(out []byte) []byte {
	var b strings.Builder
	for _, line := range strings.SplitAfter(string(out), "\n") {
		t := strings.TrimSpace(line)
		if t == "Building configuration..." || t == "Current configuration:" {
			continue
		}
		b.WriteString(line)
	}
	return []byte(b.String())
}

// Capture reads the interfaces file ifreload applies. A missing file is
// captured as an empty one: ifupdown2 then manages no interface, and
// restoring it takes down what a failed first revision brought up.
func (i *Ifupdown2) Capture(context.Context) (store.Files, error) {
	b, err := os.ReadFile(i.path())
	if errors.Is(err, fs.ErrNotExist) {
		b, err = []byte{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", i.path(), err)
	}
	return store.Files{"interfaces": b}, nil
}

// Capture reads NVUE's applied revision and writes it as a startup
// document (`- set: <tree>`), which Apply replaces the revision with.
func (n *NVUE) Capture(ctx context.Context) (store.Files, error) {
	var applied map[string]any
	if err := n.call(ctx, http.MethodGet, "/nvue_v1/?rev=applied", nil, &applied); err != nil {
		return nil, fmt.Errorf("reading NVUE's applied configuration: %w", err)
	}
	if applied == nil {
		applied = map[string]any{}
	}
	doc, err := yaml.Marshal([]map[string]any{{"set": applied}})
	if err != nil {
		return nil, fmt.Errorf("encoding NVUE's applied configuration: %w", err)
	}
	return store.Files{"nvue.yaml": doc}, nil
}

// sonicTables are the CONFIG_DB tables underlay renders
// (internal/render/sonic); the baseline holds those and nothing else, so
// restoring it never touches what underlay does not own.
var sonicTables = []string{"BGP_NEIGHBOR", "DEVICE_METADATA", "DEVICE_NEIGHBOR", "INTERFACE",
	"LOOPBACK_INTERFACE", "PORT", "STATIC_ROUTE"}

// Capture reads the running CONFIG_DB's underlay tables and, in split
// routing mode, the bgp container's running FRR config.
func (s *SONiC) Capture(ctx context.Context) (store.Files, error) {
	out, err := s.run(ctx, "show", "runningconfiguration", "all")
	if err != nil {
		return nil, fmt.Errorf("reading the running CONFIG_DB: %v: %s", err, lastLines(out, 3))
	}
	var running map[string]any
	if err := json.Unmarshal(out, &running); err != nil {
		return nil, fmt.Errorf("reading the running CONFIG_DB: %w", err)
	}
	owned := map[string]any{}
	for _, t := range sonicTables {
		if v, ok := running[t]; ok {
			owned[t] = v
		}
	}
	db, err := json.MarshalIndent(owned, "", "    ")
	if err != nil {
		return nil, err
	}
	files := store.Files{"config_db.json": append(db, '\n')}
	if routingMode(running) == "split" {
		out, err := s.run(ctx, "docker", "exec", "bgp", "vtysh", "-c", "show running-config")
		if err != nil {
			return nil, fmt.Errorf("reading the bgp container's FRR config: %v: %s", err, lastLines(out, 3))
		}
		files["frr.conf"] = runningToConf(out)
	}
	return files, nil
}

// Capture merges every driver's capture; all must be able to.
func (c Chain) Capture(ctx context.Context) (store.Files, error) {
	files := store.Files{}
	for _, d := range c {
		cp, ok := d.(Capturer)
		if !ok {
			return nil, fmt.Errorf("%T: %w", d, ErrNoCapture)
		}
		f, err := cp.Capture(ctx)
		if err != nil {
			return nil, err
		}
		for k, v := range f {
			files[k] = v
		}
	}
	return files, nil
}
