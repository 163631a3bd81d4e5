package lab

import (
	"fmt"

	"underlay.dev/underlay/internal/load"
	"underlay.dev/underlay/internal/model"
)

// LoadFabric reads and resolves an intent with its lock file, as render
// does; the lab never writes the lock (sync stands for Flux, which reads
// Git).
func LoadFabric(path string) (*model.Fabric, error) {
	file, err := load.File(path)
	if err != nil {
		return nil, err
	}
	f := file.Fabric
	if f.Agent == nil {
		// The lab runs an agent per device: render its RBAC and
		// NetworkDevice even when the intent does not ask for them.
		f.Agent = &model.Agent{Image: "underlay-agent:lab", HealthTimeout: 30}
	}
	if f.Namespace == "" {
		return nil, fmt.Errorf("%s: the fabric has no namespace", path)
	}
	return f, nil
}
