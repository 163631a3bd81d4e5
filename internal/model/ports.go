package model

import "regexp"

// PortName is what a port may be called on a platform.
type PortName struct {
	Pattern *regexp.Regexp
	Example string
}

// PortNames says what a port may be called on each platform: resolve
// checks the intent's ports with it and the agent's admission the ports
// of the files it is given, so the two cannot drift apart.
var PortNames = map[Platform]PortName{
	PlatformCumulus:  {regexp.MustCompile(`^swp[0-9]+(s[0-9]+)?$`), "swp1 or swp1s0"},
	PlatformNVUE:     {regexp.MustCompile(`^swp[0-9]+(s[0-9]+)?$`), "swp1 or swp1s0"},
	PlatformSONiC:    {regexp.MustCompile(`^Ethernet[0-9]+$`), "Ethernet0"},
	PlatformLinuxFRR: {regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]{0,14}$`), "eth0 or ens1f0"},
}
