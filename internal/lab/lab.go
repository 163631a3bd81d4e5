// Package lab runs a whole fabric on one machine: a network namespace per
// device with veths named like its ports, real FRR in each, a real
// kube-apiserver, and one real underlay-agent per device. `sync` does
// Flux's job (render the tree, server-side apply it); `down` removes
// everything the lab created, and only that, using a state file written
// before each thing is created, so it also cleans up after a crash.
//
// Platforms: cumulus (FRR + ifupdown2 in the namespace) and linux-frr run
// for real. nvue and sonic are emulations: the NVUE REST API emulator's
// backend and a SONiC CLI emulation turn their documents into addresses
// and FRR config in the namespace. They are labelled as such in output.
package lab

import (
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"time"

	"underlay.dev/underlay/internal/agent/kube"
	"underlay.dev/underlay/internal/lab/node"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/platform"
)

// DefaultDir holds labs when --dir is not given.
const DefaultDir = "/var/lib/underlay-lab"

// Lab is one lab on disk.
type Lab struct {
	// Dir holds the state file, the API server's data, agent state and logs.
	Dir string
	// Out receives progress lines a person can follow.
	Out io.Writer
	// Bin is the directory with the underlay and underlay-agent binaries.
	Bin string
	// RequestTimeout bounds each call to the API server and the
	// supervisor (default kube.RequestTimeout).
	RequestTimeout time.Duration
}

func (l *Lab) requestTimeout() time.Duration {
	if l.RequestTimeout > 0 {
		return l.RequestTimeout
	}
	return kube.RequestTimeout
}

// Emulated says what the lab runs in place of platform p, from its
// descriptor: false when the lab runs the real software.
func Emulated(p string) (string, bool) {
	d, err := platform.Get(model.Platform(p))
	if err != nil || d.Emulation == "" {
		return "", false
	}
	return d.Emulation, true
}

var labID = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$`)

// CheckID validates a lab id: it prefixes namespace names and FRR
// pathspaces, so it is short and plain.
func CheckID(id string) error {
	if !labID.MatchString(id) {
		return fmt.Errorf("lab id %q: want 1-12 lowercase letters, digits or '-' (e.g. the fabric name)", id)
	}
	return nil
}

// RequireRoot explains why the lab needs root and what else it needs.
func RequireRoot() error { return node.RequireRoot() }

func (l *Lab) path(elem ...string) string { return filepath.Join(append([]string{l.Dir}, elem...)...) }

func (l *Lab) progress(format string, args ...any) {
	if l.Out != nil {
		fmt.Fprintf(l.Out, format+"\n", args...)
	}
}
