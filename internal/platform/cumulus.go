package platform

import "underlay.dev/underlay/internal/model"

// NetworkDir holds ifupdown2's /etc/network/interfaces.
const NetworkDir = "/etc/network"

// IfupdownStateDir is where ifupdown2 keeps the state of what it brought
// up (ifstatenew) and its lock (.lock).
const IfupdownStateDir = "/run/network"

// cumulus is Cumulus Linux run as Debian: ifupdown2 for interfaces, FRR
// for routing, both files written by the agent.
var cumulus = Descriptor{
	Name:  model.PlatformCumulus,
	Roles: switchRoles,
	Ports: swp,
	Files: []string{FileFRR, FileInterfaces, FileDHCPRelay},
	Agent: Agent{
		Mounts: []Mount{frrConf, frrRun,
			{"network", NetworkDir, "/etc/network/interfaces, written for ifreload -a"},
			// The host's, not a private one in the container: ifreload
			// diffs against the state the host's ifupdown2 recorded, and
			// takes the same lock, so it never runs beside an operator's.
			{"ifupdown2-state", IfupdownStateDir, "ifupdown2's state and lock, shared with the host's ifupdown2"}},
		// ifupdown2 starts and stops host processes (dhclient) by pid.
		HostPID:  true,
		Binaries: append([]Binary{{"ifreload", InImage, "applies /etc/network/interfaces (ifupdown2)"}, {"ifup", InImage, "pre-check (ifup -s)"}}, frrTools...),
	},
	Servers: &cumulusServers,
}
