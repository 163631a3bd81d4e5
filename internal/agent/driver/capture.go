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
	"underlay.dev/underlay/internal/platform"
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

// Restorer puts back what Capture read. It differs from Apply where Apply
// admits what it writes: a switch's own interfaces file holds what
// underlay never renders (`source /etc/network/interfaces.d/*`, hooks,
// the management VRF), so Apply would refuse it and a failed first
// revision could not be rolled back. The capture came from the device
// itself, never from a ConfigMap, so there is nothing to admit.
type Restorer interface {
	Restore(ctx context.Context, cfg store.Files) error
}

var (
	_ Restorer = (*Ifupdown2)(nil)
	_ Restorer = Chain(nil)
)

// Restore writes the captured file and reloads it, unadmitted.
func (i *Ifupdown2) Restore(ctx context.Context, cfg store.Files) error { return i.write(ctx, cfg) }

// Restore restores each driver in order: with Restore where it has one,
// with Apply (which admits nothing) elsewhere.
func (c Chain) Restore(ctx context.Context, cfg store.Files) error {
	for _, d := range c {
		if err := Restore(ctx, d, cfg); err != nil {
			return err
		}
	}
	return nil
}

// Restore puts a captured configuration back on d.
func Restore(ctx context.Context, d Driver, cfg store.Files) error {
	if r, ok := d.(Restorer); ok {
		return r.Restore(ctx, cfg)
	}
	return d.Apply(ctx, cfg)
}

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
	return store.Files{platform.FileFRR: conf}, nil
}

func (f *FRR) runningConfig(ctx context.Context) ([]byte, error) {
	args := append(append([]string(nil), f.Exec...), "vtysh")
	if f.Pathspace != "" {
		args = append(args, "-N", f.Pathspace)
	}
	out, err := run(ctx, append(args, "-c", "show running-config"))
	if err != nil {
		return nil, fmt.Errorf("vtysh -c \"show running-config\": %w: %s", err, lastLines(out, 3))
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
	return store.Files{platform.FileInterfaces: b}, nil
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
	return store.Files{platform.FileNVUE: doc}, nil
}

// Capture reads the running CONFIG_DB's tables underlay owns
// (SONiCOwned) and, in split routing mode, the bgp container's running FRR
// config; restoring it never touches what underlay does not own.
func (s *SONiC) Capture(ctx context.Context) (store.Files, error) {
	running, err := s.running(ctx)
	if err != nil {
		return nil, err
	}
	owned := map[string]any{}
	for t := range SONiCOwned {
		if v, ok := running[t]; ok {
			owned[t] = v
		}
	}
	db, err := json.MarshalIndent(owned, "", "    ")
	if err != nil {
		return nil, err
	}
	files := store.Files{platform.FileConfigDB: append(db, '\n')}
	if routingMode(running) == "split" {
		out, err := s.run(ctx, "docker", "exec", "bgp", "vtysh", "-c", "show running-config")
		if err != nil {
			return nil, fmt.Errorf("reading the bgp container's FRR config: %w: %s", err, lastLines(out, 3))
		}
		files[platform.FileFRR] = runningToConf(out)
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
