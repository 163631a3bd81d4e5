package frrtest

import (
	"fmt"
	"path/filepath"
	"runtime"

	"underlay.dev/underlay/internal/intent"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/resolve"
)

// Baremetal resolves issue #11's example, examples/baremetal/fabric.yaml
// (servers, networks in vrf default and two tenant VRFs carried as EVPN
// type-5 routes), without a lock, as `underlay validate` would the first
// time. It is found from this file's directory, so a test in any package
// reads the one copy.
func Baremetal() (*model.Fabric, error) {
	_, self, _, _ := runtime.Caller(0)
	path := filepath.Join(filepath.Dir(self), "..", "..", "..", "..", "examples", "baremetal", "fabric.yaml")
	doc, err := intent.Load(path)
	if err != nil {
		return nil, fmt.Errorf("bare-metal example: %w", err)
	}
	res, errs := resolve.Resolve(doc.Fabric, nil)
	if len(errs) > 0 {
		return nil, fmt.Errorf("bare-metal example: %w", doc.Locate(errs))
	}
	return res.Fabric, nil
}
