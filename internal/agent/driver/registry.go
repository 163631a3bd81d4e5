package driver

import (
	"fmt"

	"underlay.dev/underlay/internal/model"
)

// Options configure the drivers for where FRR and ifupdown2 live.
type Options struct {
	FRRPathspace   string
	InterfacesPath string
	// NVUE: the unix socket (default /var/run/nvue/nvue.sock) or an HTTPS
	// URL with a credentials file and CA.
	NVUESocket, NVUEURL, NVUECredentials, NVUECA string
	// SONiCReload uses `config reload` instead of apply-patch (disruptive).
	SONiCReload bool
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
	case model.PlatformNVUE:
		// Cumulus 5.x routes with FRR under NVUE: health comes from vtysh.
		n := &NVUE{BaseURL: o.NVUEURL, Socket: o.NVUESocket, CredentialsFile: o.NVUECredentials, CAFile: o.NVUECA}
		if n.BaseURL == "" && n.Socket == "" {
			n.Socket = "/var/run/nvue/nvue.sock"
		}
		return n, frr, nil
	case model.PlatformSONiC:
		// FRR runs in the bgp container.
		return &SONiC{Reload: o.SONiCReload}, &FRR{Exec: []string{"docker", "exec", "bgp"}}, nil
	}
	return nil, nil, fmt.Errorf("platform %q is not supported; supported platforms are %q", p, model.Platforms)
}
