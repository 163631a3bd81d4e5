package platform

import "underlay.dev/underlay/internal/model"

// NVUESocket is NVUE's REST API on the switch's unix socket: the agent's
// default transport, which never leaves the switch.
const NVUESocket = NVUERunDir + "/nvue.sock"

// NVUERunDir holds NVUE's socket; the agent mounts the directory, which
// outlives a restart of NVUE that recreates the socket.
const NVUERunDir = "/var/run/nvue"

// NVUECredentials is the Secret with the NVUE account the agent uses, in
// the fabric's namespace: key "credentials" holds user:password.
const NVUECredentials = "underlay-nvue"

// nvueSecretDir is where the agent finds the credentials Secret.
const nvueSecretDir = "/etc/underlay-agent/nvue"

// nvue is Cumulus Linux 5.x configured through NVUE's REST API; NVUE
// writes FRR's config itself and the agent reads health from FRR with
// vtysh. Over the unix socket there is no TLS, so no CA: an https
// --nvue-url (patched in by the operator) also wants --nvue-ca, e.g. a
// ca.crt key of the same Secret.
var nvue = Descriptor{
	Name:  model.PlatformNVUE,
	Roles: switchRoles,
	Ports: swp,
	Files: []string{FileNVUE},
	Agent: Agent{
		Mounts: []Mount{frrRun, {"nvue-run", NVUERunDir, "NVUE's REST unix socket (revisions: create, patch, apply)"}},
		Secrets: []Secret{{"nvue-credentials", NVUECredentials, nvueSecretDir, []string{"credentials"},
			"the NVUE account (user:password) sent as basic auth"}},
		Args:     []string{"--nvue-socket=" + NVUESocket, "--nvue-credentials=" + nvueSecretDir + "/credentials"},
		Binaries: frrTools[:1],
	},
	Emulation: "NVUE REST API emulator (not NVUE)",
	Servers:   &cumulusServers,
}
