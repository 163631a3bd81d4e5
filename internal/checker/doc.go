// Package checker runs the real parsers of each platform over rendered
// files: FRR's vtysh and ifupdown2 here, SONiC's YANG models in sonicyang,
// NVUE's object model (as documented; no program runs) in nvuedoc.
//
// Tests use them to prove every rendered file is accepted; the device agent
// uses them as pre-checks before it touches a device, so they are product
// code. Each checker runs without side effects on the host: temporary files
// only, an FRR pathspace no daemon uses, and ifupdown2 inside its own mount
// and network namespaces.
package checker

import "errors"

// ErrNotInstalled means the checker's program is not on this machine (or,
// for ifupdown2, that its configuration file is missing). Tests skip on it
// unless UNDERLAY_REQUIRE_CHECKERS=1.
var ErrNotInstalled = errors.New("checker program not installed")
