// Package driver applies a device's files to its network operating system.
// Each platform is one small Driver; health is read back through a Prober.
// Drivers run commands with argument lists only, never through a shell.
package driver

import (
	"context"
	"errors"
	"time"

	"underlay.dev/underlay/internal/agent/store"
)

// Driver applies one platform's files.
type Driver interface {
	// Files lists the ConfigMap keys the driver consumes.
	Files() []string
	// Precheck validates cfg against the real parser without touching the
	// device.
	Precheck(ctx context.Context, cfg store.Files) error
	// Apply makes the device run cfg, without restarting what cfg does not
	// change.
	Apply(ctx context.Context, cfg store.Files) error
}

// State is what a device reports about its routing.
type State struct {
	// Sessions maps a BGP neighbor (as FRR names it) to its state.
	Sessions map[string]string
	// Prefixes are the BGP routes installed in the RIB.
	Prefixes map[string]bool
	// Peers details the sessions of Sessions, by the same key, for
	// status; a prober that reads only states leaves it nil.
	Peers map[string]Peer
}

// Peer is what a device reports about one BGP session besides its state.
type Peer struct {
	// Description is the neighbor's configured description.
	Description string
	// EstablishedSince is when the session came up; zero unless it is
	// Established.
	EstablishedSince time.Time
	// PrefixesReceived and PrefixesSent are summed over the session's
	// address families.
	PrefixesReceived, PrefixesSent int64
}

// Prober reads the device's routing state for the health gate.
type Prober interface {
	Probe(ctx context.Context) (State, error)
}

// ErrRejected marks a configuration refused before it reached the device.
var ErrRejected = errors.New("configuration rejected")

// Drifter compares a device's running configuration with cfg.
type Drifter interface {
	// Drift describes the differences, or returns "" when there are none.
	Drift(ctx context.Context, cfg store.Files) (string, error)
}
