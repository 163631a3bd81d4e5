package driver

import (
	"context"
	"fmt"
	"path/filepath"

	"underlay.dev/underlay/internal/lab/cumulusl2"
	"underlay.dev/underlay/internal/lab/ovs"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/platform"
)

// Options configure the drivers for where FRR and ifupdown2 live.
type Options struct {
	FRRPathspace   string
	InterfacesPath string
	// Netns runs ifreload in this named network namespace (the lab).
	Netns string
	// LabOVSDir is the directory of the Open vSwitch instance that stands
	// in for a Cumulus switch's bridge, bonds and VRFs in lab namespace
	// Netns (cumulusl2.Emulator); empty on a switch.
	LabOVSDir string
	// DHCPRelayFile turns the Cumulus relay driver on: where it writes
	// isc-dhcp-relay (a relaying leaf's workload sets it). The restart
	// and stop commands, each one argument list, replace the host's
	// systemctl ones (the lab).
	DHCPRelayFile                   string
	DHCPRelayRestart, DHCPRelayStop []string
	// NVUE: the unix socket (default platform.NVUESocket) or an HTTPS
	// URL with a credentials file and CA.
	NVUESocket, NVUEURL, NVUECredentials, NVUECA string
	// NVUEInsecureHTTP allows credentials over an http:// NVUEURL.
	NVUEInsecureHTTP bool
	// SONiCReload uses `config reload` instead of apply-patch (disruptive).
	SONiCReload bool
	// SONiCCLI prefixes every SONiC command, the probe's docker exec
	// included: nsenter into the host's namespaces, where SONiC's CLI and
	// docker live, or the lab's emulation. SONiCDir holds config_db.json,
	// frr/frr.conf and the patch files instead of /etc/sonic (and the
	// system temp dir).
	SONiCCLI []string
	SONiCDir string
}

// For returns the driver and prober of a platform: the one list of agent
// platforms.
func For(p model.Platform, o Options) (Driver, Prober, error) {
	frr := &FRR{Pathspace: o.FRRPathspace}
	switch p {
	case model.PlatformCumulus:
		i := &Ifupdown2{Path: o.InterfacesPath, Netns: o.Netns}
		if o.LabOVSDir != "" {
			i.L2 = cumulusl2.Emulator{OVS: ovs.Instance{Netns: o.Netns, Dir: o.LabOVSDir}}
		}
		return Chain{i, frr, dhcpRelay(o)}, frr, nil
	case model.PlatformLinuxFRR:
		return frr, frr, nil
	case model.PlatformNVUE:
		// Cumulus 5.x routes with FRR under NVUE: health comes from vtysh.
		n := &NVUE{BaseURL: o.NVUEURL, Socket: o.NVUESocket, CredentialsFile: o.NVUECredentials, CAFile: o.NVUECA,
			InsecureHTTP: o.NVUEInsecureHTTP}
		if n.BaseURL == "" && n.Socket == "" {
			n.Socket = platform.NVUESocket
		}
		return n, frr, n.CheckTransport()
	case model.PlatformSONiC:
		return sonic(o)
	}
	return nil, nil, fmt.Errorf("platform %q is not supported; supported platforms are %q", p, model.Platforms)
}

// dhcpRelay is the relay driver of Options: applied after interfaces
// (its SVIs) and FRR.
func dhcpRelay(o Options) *DHCPRelay {
	r := &DHCPRelay{Path: o.DHCPRelayFile}
	if o.DHCPRelayRestart != nil {
		r.Restart = [][]string{o.DHCPRelayRestart}
	}
	if o.DHCPRelayStop != nil {
		r.Stop = [][]string{o.DHCPRelayStop}
	}
	return r
}

func sonic(o Options) (Driver, Prober, error) {
	s := &SONiC{Reload: o.SONiCReload}
	if len(o.SONiCCLI) > 0 {
		s.Run = func(ctx context.Context, args ...string) ([]byte, error) {
			return run(ctx, append(append([]string{}, o.SONiCCLI...), args...))
		}
	}
	if o.SONiCDir != "" {
		s.ConfigPath = filepath.Join(o.SONiCDir, platform.FileConfigDB)
		s.FRRPath = filepath.Join(o.SONiCDir, "frr", platform.FileFRR)
		s.WorkDir = o.SONiCDir
	}
	if o.FRRPathspace != "" {
		return s, &FRR{Pathspace: o.FRRPathspace}, nil
	}
	// FRR runs in the bgp container, which docker reaches wherever the
	// SONiC commands run.
	return s, &FRR{Exec: append(append([]string{}, o.SONiCCLI...), "docker", "exec", "bgp")}, nil
}
