package lab

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"underlay.dev/underlay/internal/atomicfile"
)

// StateFile is the lab's record of what it created, written before each
// thing is created so that `down` can remove it after any crash.
const StateFile = "state.json"

// State is the content of the state file.
type State struct {
	ID     string `json:"id"`
	Fabric string `json:"fabric"`
	// Namespace is the Kubernetes namespace of the fabric's objects.
	Namespace string   `json:"namespace"`
	Devices   []Device `json:"devices"`
	// Links are the lab's cables, "a:port -- b:port".
	Links []string `json:"links"`
	// Supervisor is the process holding the API server, emulators and
	// agents.
	Supervisor *Process `json:"supervisor,omitempty"`
	// HealthTimeout is the agents' --health-timeout.
	HealthTimeout string `json:"healthTimeout,omitempty"`
}

// Device is one device of the lab.
type Device struct {
	Name     string `json:"name"`
	Platform string `json:"platform"`
	// Netns is the device's network namespace and FRR pathspace; empty
	// when it was found to belong to someone else (see disown).
	Netns string `json:"netns"`
}

// Process identifies a process by pid and start time, so a recycled pid
// is never signalled.
type Process struct {
	PID   int    `json:"pid"`
	Start uint64 `json:"start"`
}

// LoadState reads the state file; a missing file is os.ErrNotExist.
func (l *Lab) LoadState() (*State, error) {
	b, err := os.ReadFile(l.path(StateFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("no lab in %s (start one with: underlay lab up FABRIC): %w", l.Dir, err)
	}
	if err != nil {
		return nil, err
	}
	var s State
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("lab state %s: %w", l.path(StateFile), err)
	}
	return &s, nil
}

func (l *Lab) saveState(s *State) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(l.path(StateFile), append(b, '\n'), 0o600)
}

// Exists reports whether a lab is recorded in Dir.
func (l *Lab) Exists() bool {
	_, err := os.Stat(l.path(StateFile))
	return !errors.Is(err, os.ErrNotExist)
}

// Namespaces are the network namespaces of the devices; each is also the
// name of the device's FRR pathspace (under /etc/frr and /var/run/frr).
// A device whose namespace turned out to be someone else's has none.
func (s *State) Namespaces() []string {
	var out []string
	for _, d := range s.Devices {
		if d.Netns != "" {
			out = append(out, d.Netns)
		}
	}
	return out
}

// Device returns the named device of the lab.
func (s *State) Device(name string) (Device, error) {
	for _, d := range s.Devices {
		if d.Name == name {
			return d, nil
		}
	}
	names := make([]string, len(s.Devices))
	for i, d := range s.Devices {
		names[i] = d.Name
	}
	return Device{}, fmt.Errorf("no device %q in the lab; devices: %v", name, names)
}
