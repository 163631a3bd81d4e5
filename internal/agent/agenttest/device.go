// Package agenttest provides a device for agent tests that do not need a
// real router: it follows the Driver and Prober contracts (pre-check
// refuses, apply replaces, probe reports sessions) and records applies.
package agenttest

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"underlay.dev/underlay/internal/agent/driver"
	"underlay.dev/underlay/internal/agent/store"
)

// Device is an in-memory router. A config containing "syntax error" fails
// the pre-check; one containing "break" takes the session to swp1 down.
type Device struct {
	mu      sync.Mutex
	running []byte
	applies int
	// Block, when set, holds every Apply until it is closed.
	Block chan struct{}
}

var (
	_ driver.Driver   = (*Device)(nil)
	_ driver.Prober   = (*Device)(nil)
	_ driver.Capturer = (*Device)(nil)
)

// Expect is an expect.json the device meets while healthy.
const Expect = `{"device":"d","sessions":[{"neighbor":"swp1","peer":"s","families":["ipv4"]}],"prefixes":["10.0.0.1/32"]}`

// Files returns a configuration for the device.
func Files(conf string) store.Files {
	return store.Files{"frr.conf": []byte(conf), "expect.json": []byte(Expect)}
}

// Files is frr.conf.
func (d *Device) Files() []string { return []string{"frr.conf"} }

// Precheck refuses configs containing "syntax error", quoting the
// offending line as real checkers do (so a long line makes a long error).
func (d *Device) Precheck(_ context.Context, cfg store.Files) error {
	for i, line := range strings.Split(string(cfg["frr.conf"]), "\n") {
		if strings.Contains(line, "syntax error") {
			return fmt.Errorf("%w: frr.conf line %d: %s", driver.ErrRejected, i+1, line)
		}
	}
	return nil
}

// Apply replaces the running config.
func (d *Device) Apply(_ context.Context, cfg store.Files) error {
	if d.Block != nil {
		<-d.Block
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.running = cfg["frr.conf"]
	d.applies++
	return nil
}

// Capture returns the running config.
func (d *Device) Capture(context.Context) (store.Files, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return store.Files{"frr.conf": append([]byte{}, d.running...)}, nil
}

// Probe reports swp1 Established unless the config breaks it.
func (d *Device) Probe(context.Context) (driver.State, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	state := "Established"
	if strings.Contains(string(d.running), "break") {
		state = "Active"
	}
	return driver.State{Sessions: map[string]string{"swp1": state}, Prefixes: map[string]bool{"10.0.0.1/32": true}}, nil
}

// Running returns the running config.
func (d *Device) Running() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return string(d.running)
}

// Applies counts applies.
func (d *Device) Applies() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.applies
}
