package driver

import (
	"context"
	"fmt"

	"underlay.dev/underlay/internal/agent/atomicfile"
	"underlay.dev/underlay/internal/agent/store"
	"underlay.dev/underlay/internal/checker"
)

// Ifupdown2 applies /etc/network/interfaces with `ifreload -a`, which
// changes only the interfaces whose stanzas changed.
type Ifupdown2 struct {
	Path string // default /etc/network/interfaces
	// Netns runs ifreload inside a named network namespace (the lab),
	// with Path bind-mounted as that namespace's /etc/network/interfaces
	// and private lock and state directories.
	Netns string
}

var _ Driver = (*Ifupdown2)(nil)

// Files is interfaces.
func (i *Ifupdown2) Files() []string { return []string{"interfaces"} }

func (i *Ifupdown2) path() string {
	if i.Path != "" {
		return i.Path
	}
	return "/etc/network/interfaces"
}

// Precheck runs ifupdown2's strict syntax check.
func (i *Ifupdown2) Precheck(ctx context.Context, cfg store.Files) error {
	file, ok := cfg["interfaces"]
	if !ok {
		return fmt.Errorf("%w: no interfaces file", ErrRejected)
	}
	if err := checker.Ifupdown2(ctx, file); err != nil {
		return fmt.Errorf("%w: %w", ErrRejected, err)
	}
	return nil
}

// Apply writes the file atomically and reloads.
func (i *Ifupdown2) Apply(ctx context.Context, cfg store.Files) error {
	if err := atomicfile.WriteFile(i.path(), cfg["interfaces"], 0o644); err != nil {
		return err
	}
	if i.Netns != "" {
		return ifreloadInNetns(ctx, i.Netns, i.path())
	}
	if out, err := run(ctx, []string{"ifreload", "-a"}); err != nil {
		return fmt.Errorf("ifreload -a: %v: %s", err, lastLines(out, 5))
	}
	return nil
}

// Chain applies several drivers in order (addresses before routing) and
// pre-checks all of them before any applies.
type Chain []Driver

var _ Driver = Chain(nil)

// Files lists every driver's files.
func (c Chain) Files() []string {
	var out []string
	for _, d := range c {
		out = append(out, d.Files()...)
	}
	return out
}

// Precheck runs every pre-check.
func (c Chain) Precheck(ctx context.Context, cfg store.Files) error {
	for _, d := range c {
		if err := d.Precheck(ctx, cfg); err != nil {
			return err
		}
	}
	return nil
}

// Apply applies in order and stops at the first failure (the engine then
// rolls every driver back to the last-known-good).
func (c Chain) Apply(ctx context.Context, cfg store.Files) error {
	for _, d := range c {
		if err := d.Apply(ctx, cfg); err != nil {
			return err
		}
	}
	return nil
}
