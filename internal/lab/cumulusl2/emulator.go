package cumulusl2

import (
	"context"
	"fmt"
	"strings"

	"underlay.dev/underlay/internal/lab/ovs"
	"underlay.dev/underlay/internal/lab/vrfemu"
)

// Emulator applies the L2 and VRFs of a Cumulus interfaces file to a lab
// namespace: the bridge, bonds and SVIs to its Open vSwitch, the VRFs as
// nftables rules. The Cumulus agent driver calls it in the lab before
// ifreload applies the kernel file.
type Emulator struct {
	OVS ovs.Instance
}

// Realise makes the namespace's OVS and VRF rules match file and returns
// the file ifreload applies here.
func (e Emulator) Realise(ctx context.Context, file []byte) ([]byte, error) {
	c, err := Split(file)
	if err != nil {
		return nil, err
	}
	if _, err := e.OVS.Realise(ctx, c.L2); err != nil {
		return nil, err
	}
	if err := vrfemu.Apply(ctx, e.OVS.Netns, c.VRFs); err != nil {
		return nil, err
	}
	return c.Kernel, nil
}

// Kernel is the file ifreload applies here for file.
func (e Emulator) Kernel(file []byte) ([]byte, error) {
	c, err := Split(file)
	if err != nil {
		return nil, err
	}
	return c.Kernel, nil
}

// Drift lists what OVS would have to change to match file's L2, one
// "! ovs: COMMAND" line each; "" when it matches.
func (e Emulator) Drift(ctx context.Context, file []byte) (string, error) {
	c, err := Split(file)
	if err != nil {
		return "", err
	}
	cur, err := e.OVS.Current(ctx)
	if err != nil {
		return "", err
	}
	var lines []string
	for _, cmd := range ovs.Plan(cur, c.L2) {
		lines = append(lines, "! ovs: "+strings.Join(cmd, " "))
	}
	return strings.Join(lines, "\n"), nil
}

// Describe is the emulation's label with what this file holds that the
// lab does not stand in for.
func Describe(file []byte) (string, error) {
	c, err := Split(file)
	if err != nil {
		return "", err
	}
	s := ovs.Emulation
	if len(c.VRFs) > 0 {
		s += "; " + vrfemu.Emulation
	}
	for _, u := range c.Unemulated {
		s += fmt.Sprintf("; %s", u)
	}
	return s, nil
}
