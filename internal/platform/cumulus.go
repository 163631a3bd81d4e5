package platform

import "underlay.dev/underlay/internal/model"

// NetworkDir holds ifupdown2's /etc/network/interfaces.
const NetworkDir = "/etc/network"

// IfupdownStateDir is where ifupdown2 keeps the state of what it brought
// up (ifstatenew) and its lock (.lock).
const IfupdownStateDir = "/run/network"

// DHCPRelayDir holds isc-dhcp-relay's settings, which Cumulus'
// dhcrelay.service reads (EnvironmentFile): /etc/default/isc-dhcp-relay.
const DHCPRelayDir = "/etc/default"

// DHCPRelayService is the systemd unit Cumulus Linux runs dhcrelay as.
const DHCPRelayService = "dhcrelay.service"

// HostCommand runs a command in the host's namespaces (its systemd, its
// files), from an agent in the host's PIDs: Cumulus' dhcrelay.service and
// SONiC's CLI live on the host, not in the agent's image.
var HostCommand = []string{"nsenter", "--target=1", "--mount", "--uts", "--ipc", "--net", "--pid", "--"}

// DHCPRelayRestart are the commands that make the host's relay run the
// file the agent wrote, in order: enabled, so it survives a reboot, and
// restarted, so it reads the file now. DHCPRelayStop stops and disables
// it when the device relays nothing any more.
var (
	DHCPRelayRestart = [][]string{
		append(append([]string{}, HostCommand...), "systemctl", "enable", DHCPRelayService),
		append(append([]string{}, HostCommand...), "systemctl", "restart", DHCPRelayService),
	}
	DHCPRelayStop = [][]string{append(append([]string{}, HostCommand...), "systemctl", "disable", "--now", DHCPRelayService)}
)

// cumulusRelay is what the agent of a Cumulus leaf that relays DHCP needs
// besides: /etc/default, where it writes isc-dhcp-relay atomically (a
// rename beside the file, so the directory, not the file, is mounted),
// and the flag that turns its relay driver on. Only such a leaf's
// workload gets them.
var cumulusRelay = AgentExtra{
	Mounts: []Mount{{"default", DHCPRelayDir, "isc-dhcp-relay, written for dhcrelay.service"}},
	Args:   []string{"--dhcp-relay-file=" + DHCPRelayDir + "/" + FileDHCPRelay},
}

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
		HostPID: true,
		Binaries: append([]Binary{{"ifreload", InImage, "applies /etc/network/interfaces (ifupdown2)"}, {"ifup", InImage, "pre-check (ifup -s)"},
			{"nsenter", InImage, "runs systemctl in the host's namespaces (a leaf that relays DHCP)"},
			{"systemctl", OnHost, "enables and restarts dhcrelay.service after isc-dhcp-relay changes"}}, frrTools...),
		Relay: &cumulusRelay,
	},
	Servers: &cumulusServers,
}
