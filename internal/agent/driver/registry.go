package driver

import (
	"fmt"

	"underlay.dev/underlay/internal/model"
)

// Options configure the drivers for where FRR and ifupdown2 live.
type Options struct {
	FRRPathspace   string
	InterfacesPath string
}

// For returns the driver and prober of a platform: the one list of agent
// platforms.
func For(p model.Platform, o Options) (Driver, Prober, error) {
	frr := &FRR{Pathspace: o.FRRPathspace}
	switch p {
	case model.PlatformCumulus:
		return Chain{&Ifupdown2{Path: o.InterfacesPath}, frr}, frr, nil
	case model.PlatformLinuxFRR:
		return frr, frr, nil
	}
	return nil, nil, fmt.Errorf("the agent has no driver for platform %q yet; it supports %q and %q",
		p, model.PlatformCumulus, model.PlatformLinuxFRR)
}
