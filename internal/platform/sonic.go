package platform

import "underlay.dev/underlay/internal/model"

// SONiCDir is SONiC's configuration directory: config_db.json, and
// frr/frr.conf, which the bgp container sees as /etc/frr/frr.conf.
const SONiCDir = "/etc/sonic"

// sonicHost runs a SONiC command in the host's namespaces (HostCommand):
// SONiC's CLI (config, show) and docker live on the host, not in the
// agent's image. It needs the host's PIDs, and files the command reads
// must be on a host mount at the same path (hence --sonic-dir, where
// patches go too).
var sonicHost = HostCommand

// sonic is SONiC: CONFIG_DB through the Generic Config Updater (config
// apply-patch), FRR in the bgp container.
var sonic = Descriptor{
	Name:  model.PlatformSONiC,
	Roles: switchRoles,
	// Ethernet0, Ethernet4, …: SONiC numbers ports by their first lane.
	Ports: PortRule{regexpEthernet, "Ethernet0", func(n int) string { return "Ethernet" + itoa(4*(n-1)) }},
	Files: []string{FileConfigDB, FileFRR},
	Agent: Agent{
		Mounts:  []Mount{{"sonic", SONiCDir, "config_db.json, frr/frr.conf and the patch files config apply-patch reads"}},
		HostPID: true,
		Args:    append([]string{"--sonic-dir=" + SONiCDir}, prefixEach("--sonic-cli=", sonicHost)...),
		Binaries: []Binary{{"nsenter", InImage, "runs SONiC's CLI and docker in the host's namespaces"},
			{"config", OnHost, "config apply-patch (dry-run first) and config reload"},
			{"show", OnHost, "show runningconfiguration all: the running CONFIG_DB"},
			{"docker", OnHost, "docker exec bgp: frr-reload.py and vtysh in the bgp container"},
			{"vtysh", InImage, "pre-check of frr.conf (vtysh -C)"},
			{"yanglint", InImage, "pre-check of config_db.json against SONiC's YANG models"}},
	},
	Emulation: "SONiC CONFIG_DB/CLI emulation (not SONiC)",
	Servers:   &sonicServers,
}
