package driver

import (
	"context"
	"fmt"
	"path/filepath"

	"underlay.dev/underlay/internal/model"
)

// Options configure the drivers for where FRR and ifupdown2 live.
type Options struct {
	FRRPathspace   string
	InterfacesPath string
	// Netns runs ifreload in this named network namespace (the lab).
	Netns string
	// NVUE: the unix socket (default /var/run/nvue/nvue.sock) or an HTTPS
	// URL with a credentials file and CA.
	NVUESocket, NVUEURL, NVUECredentials, NVUECA string
	// NVUEInsecureHTTP allows credentials over an http:// NVUEURL.
	NVUEInsecureHTTP bool
	// SONiCReload uses `config reload` instead of apply-patch (disruptive).
	SONiCReload bool
	// SONiCCLI prefixes every SONiC command (the lab's emulation), and
	// SONiCDir holds config_db.json and frr/frr.conf instead of /etc/sonic.
	SONiCCLI []string
	SONiCDir string
}

// For returns the driver and prober of a platform: the one list of agent
// platforms.
func For(p model.Platform, o Options) (Driver, Prober, error) {
	frr := &FRR{Pathspace: o.FRRPathspace}
	switch p {
	case model.PlatformCumulus:
		return Chain{&Ifupdown2{Path: o.InterfacesPath, Netns: o.Netns}, frr}, frr, nil
	case model.PlatformLinuxFRR:
		return frr, frr, nil
	case model.PlatformNVUE:
		// Cumulus 5.x routes with FRR under NVUE: health comes from vtysh.
		n := &NVUE{BaseURL: o.NVUEURL, Socket: o.NVUESocket, CredentialsFile: o.NVUECredentials, CAFile: o.NVUECA,
			InsecureHTTP: o.NVUEInsecureHTTP}
		if n.BaseURL == "" && n.Socket == "" {
			n.Socket = "/var/run/nvue/nvue.sock"
		}
		return n, frr, n.CheckTransport()
	case model.PlatformSONiC:
		return sonic(o)
	}
	return nil, nil, fmt.Errorf("platform %q is not supported; supported platforms are %q", p, model.Platforms)
}

func sonic(o Options) (Driver, Prober, error) {
	s := &SONiC{Reload: o.SONiCReload}
	if len(o.SONiCCLI) > 0 {
		s.Run = func(ctx context.Context, args ...string) ([]byte, error) {
			return run(ctx, append(append([]string{}, o.SONiCCLI...), args...))
		}
	}
	if o.SONiCDir != "" {
		s.ConfigPath = filepath.Join(o.SONiCDir, "config_db.json")
		s.FRRPath = filepath.Join(o.SONiCDir, "frr", "frr.conf")
		s.WorkDir = o.SONiCDir
	}
	if o.FRRPathspace != "" {
		return s, &FRR{Pathspace: o.FRRPathspace}, nil
	}
	// FRR runs in the bgp container.
	return s, &FRR{Exec: []string{"docker", "exec", "bgp"}}, nil
}
