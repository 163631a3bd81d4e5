package platform

import "underlay.dev/underlay/internal/model"

// NetworkDir holds ifupdown2's /etc/network/interfaces.
const NetworkDir = "/etc/network"

// cumulus is Cumulus Linux run as Debian: ifupdown2 for interfaces, FRR
// for routing, both files written by the agent.
var cumulus = Descriptor{
	Name:  model.PlatformCumulus,
	Roles: switchRoles,
	Ports: swp,
	Files: []string{FileFRR, FileInterfaces},
	Agent: Agent{
		Mounts: []Mount{frrConf, frrRun,
			{"network", NetworkDir, "/etc/network/interfaces, written for ifreload -a"}},
		// ifupdown2 starts and stops host processes (dhclient) by pid.
		HostPID:  true,
		Binaries: append([]Binary{{"ifreload", InImage, "applies /etc/network/interfaces (ifupdown2)"}, {"ifup", InImage, "pre-check (ifup -s)"}}, frrTools...),
	},
}
