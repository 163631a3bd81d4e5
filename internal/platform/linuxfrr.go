package platform

import (
	"fmt"
	"regexp"

	"underlay.dev/underlay/internal/model"
)

// linuxFRR is a Linux server routing to its ToRs with FRR: the agent
// writes frr.conf only; the host's interfaces are its own business.
var linuxFRR = Descriptor{
	Name:  model.PlatformLinuxFRR,
	Roles: []model.Role{model.RoleHost},
	// Any Linux interface name (IFNAMSIZ: 15 bytes); gen and the test
	// fabrics number them eth0, eth1, …
	Ports: PortRule{regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]{0,14}$`), "eth0 or ens1f0",
		func(n int) string { return fmt.Sprintf("eth%d", n-1) }},
	Files: []string{FileFRR},
	Agent: Agent{
		Mounts:   []Mount{frrConf, frrRun},
		Binaries: frrTools,
	},
}
