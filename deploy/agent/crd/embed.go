// Package crd embeds the NetworkDevice CustomResourceDefinition, so that
// programs (the lab) install the same file the deploy tree ships.
package crd

import _ "embed"

// NetworkDevices is underlay.dev_networkdevices.yaml.
//
//go:embed underlay.dev_networkdevices.yaml
var NetworkDevices []byte
