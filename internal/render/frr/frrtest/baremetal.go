package frrtest

import (
	_ "embed"
	"fmt"

	"underlay.dev/underlay/internal/intent"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/resolve"
)

// baremetalYAML is issue #11's example intent (servers, networks in vrf
// default and two tenant VRFs carried as EVPN type-5 routes), kept here
// until it is examples/baremetal/fabric.yaml.
//
//go:embed baremetal.yaml
var baremetalYAML []byte

// Baremetal resolves the bare-metal example without a lock, as `underlay
// validate` would the first time.
func Baremetal() (*model.Fabric, error) {
	doc, err := intent.Parse("baremetal.yaml", baremetalYAML)
	if err != nil {
		return nil, fmt.Errorf("baremetal.yaml: %w", err)
	}
	res, errs := resolve.Resolve(doc.Fabric, nil)
	if len(errs) > 0 {
		return nil, fmt.Errorf("baremetal.yaml: %w", doc.Locate(errs))
	}
	return res.Fabric, nil
}
