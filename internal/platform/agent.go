package platform

// Host directories of FRR: its configuration, and its daemons' vtysh
// sockets and pid files (each under <pathspace>/ for a namespaced FRR).
const (
	FRRConfDir = "/etc/frr"
	FRRRunDir  = "/var/run/frr"
)

// StateDir is where every agent keeps its last-known-good config: the
// agent's --state-dir default and a host path of every agent workload.
const StateDir = "/var/lib/underlay-agent"

// Agent is what a platform's agent needs from its host, which gitops
// renders into the agent's DaemonSet and the lab maps onto its own paths.
// Every agent runs privileged on the host's network: it configures the
// host's interfaces and routing, whatever the platform.
type Agent struct {
	// Mounts are host paths the driver reads or writes, mounted at the
	// same path (the state directory comes on top, for every platform).
	Mounts []Mount
	// Secrets are Secrets in the fabric's namespace mounted read-only.
	Secrets []Secret
	// Args are the agent flags that point the driver at its mounts and
	// programs, after --device, --fabric, --platform and
	// --health-timeout.
	Args []string
	// HostPID runs the agent in the host's PID namespace.
	HostPID bool
	// Binaries are the programs the driver runs.
	Binaries []Binary
	// Relay is what the agent of a leaf that relays DHCP needs besides
	// (nil when the platform's agent relays nothing itself): gitops adds
	// it only to such a leaf's workload.
	Relay *AgentExtra
}

// AgentExtra are host mounts and flags an agent needs only on some
// devices.
type AgentExtra struct {
	Mounts []Mount
	Args   []string
}

// For returns the agent's needs on a device that relays DHCP (relays) or
// not: the platform's, plus Relay's on a relaying leaf.
func (a Agent) For(relays bool) Agent {
	if !relays || a.Relay == nil {
		return a
	}
	out := a
	out.Mounts = append(append([]Mount{}, a.Mounts...), a.Relay.Mounts...)
	out.Args = append(append([]string{}, a.Args...), a.Relay.Args...)
	return out
}

// Mount is a host path mounted at the same path in the agent.
type Mount struct {
	Volume string // the volume's name in the DaemonSet
	Path   string
	// Why says what the driver does there.
	Why string
}

// Secret is a Secret mounted read-only at Path; the agent reads the
// files named by Keys (its flags name them) and never logs them.
type Secret struct {
	Volume, Name, Path string
	Keys               []string
	Why                string
}

// Where says where a program the driver runs must be found.
type Where string

// Places of a program.
const (
	// InImage: the agent's container image carries it.
	InImage Where = "image"
	// OnHost: the host has it; the agent reaches it through Args (e.g.
	// nsenter into the host's namespaces).
	OnHost Where = "host"
)

// Binary is a program the driver runs.
type Binary struct {
	Name  string
	Where Where
	Why   string
}

// stateMount is the state directory every agent keeps.
var stateMount = Mount{"state", StateDir, "the last-known-good config and the revision it came from"}

// AllMounts are the agent's host mounts: the platform's and the state
// directory.
func (a Agent) AllMounts() []Mount { return append(append([]Mount{}, a.Mounts...), stateMount) }

// frrRun is where FRR's daemons keep their vtysh sockets: every platform
// whose health the agent reads with vtysh on the host's FRR mounts it.
var frrRun = Mount{"frr-run", FRRRunDir, "FRR's vtysh sockets: the health probe and frr-reload.py talk to the daemons"}

// frrConf is FRR's configuration directory, where the agent writes
// frr.conf for frr-reload.py.
var frrConf = Mount{"frr", FRRConfDir, "frr.conf, written for frr-reload.py"}

// frrTools are the FRR programs an agent runs against the host's FRR
// (vtysh over the sockets in /var/run/frr); the image carries them, as it
// carries vtysh for every platform's pre-check.
var frrTools = []Binary{
	{"vtysh", InImage, "pre-check (vtysh -C) and the health probe"},
	{"/usr/lib/frr/frr-reload.py", InImage, "applies frr.conf as a difference, untouched sessions stay up"},
}
