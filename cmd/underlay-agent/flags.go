package main

import (
	"flag"
	"os"
	"time"

	"underlay.dev/underlay/internal/agent/driver"
	"underlay.dev/underlay/internal/platform"
)

// options are the agent's flags. They are defined on a FlagSet so that a
// test parses a rendered workload's container args exactly as the agent
// does.
type options struct {
	device, namespace, fabric, platform, stateDir *string
	timeout, driftEvery                           *time.Duration
	metrics, health, configDir, driftPol          *string
	pathspace, netns, ifaces, labOVS              *string
	nvueURL, nvueSocket, nvueCreds, nvueCA        *string
	nvueHTTP, sonicLoad                           *bool
	sonicDir, relayFile                           *string
	sonicCLI, relayRestart, relayStop             []string
}

func newFlags(fs *flag.FlagSet) *options {
	o := &options{
		device:     fs.String("device", os.Getenv("NODE_NAME"), "device name (default: $NODE_NAME)"),
		namespace:  fs.String("namespace", os.Getenv("POD_NAMESPACE"), "namespace of the device's ConfigMap"),
		fabric:     fs.String("fabric", "", "fabric name, recorded in the NetworkDevice"),
		platform:   fs.String("platform", "cumulus", "device platform: cumulus, linux-frr, nvue or sonic"),
		stateDir:   fs.String("state-dir", platform.StateDir, "where the last-known-good config is kept"),
		timeout:    fs.Duration("health-timeout", 60*time.Second, "how long sessions and prefixes may take after an apply"),
		metrics:    fs.String("metrics-addr", ":9469", "serve /metrics here (0 disables)"),
		health:     fs.String("health-addr", ":9470", "serve /healthz here (0 disables)"),
		pathspace:  fs.String("frr-pathspace", "", "FRR pathspace (vtysh -N), for namespaced FRR"),
		nvueURL:    fs.String("nvue-url", "", "NVUE REST base URL (default: the local unix socket)"),
		nvueSocket: fs.String("nvue-socket", "", "NVUE REST unix socket (default "+platform.NVUESocket+")"),
		netns:      fs.String("netns", "", "run ifreload in this network namespace (the lab)"),
		ifaces:     fs.String("interfaces", "", "interfaces file ifreload applies (default /etc/network/interfaces)"),
		labOVS:     fs.String("lab-ovs-dir", "", "the lab: Open vSwitch instance (its directory) that stands in for a Cumulus switch's bridge, bonds and VRFs in --netns"),
		sonicDir:   fs.String("sonic-dir", "", "SONiC: directory for config_db.json, frr/frr.conf and patch files (default "+platform.SONiCDir+")"),
		nvueCreds:  fs.String("nvue-credentials", "", "file holding NVUE user:password (from a Secret)"),
		nvueCA:     fs.String("nvue-ca", "", "CA file to verify the NVUE certificate"),
		nvueHTTP:   fs.Bool("nvue-insecure-http", false, "NVUE: allow sending the credentials to an http:// --nvue-url, in the clear"),
		sonicLoad:  fs.Bool("sonic-config-reload", false, "SONiC: use config reload (disruptive) instead of apply-patch"),
		configDir:  fs.String("config-dir", "", "read the config from this mounted ConfigMap directory instead of watching the API"),
		driftEvery: fs.Duration("drift-interval", 5*time.Minute, "compare the running config with the applied one this often (0 disables)"),
		driftPol:   fs.String("drift-policy", "correct", "on drift: correct (re-apply) or report"),
	}
	o.relayFile = fs.String("dhcp-relay-file", "", "Cumulus: write isc-dhcp-relay here and run the relay (a relaying leaf's workload sets "+
		platform.DHCPRelayDir+"/"+platform.FileDHCPRelay+"; empty: the agent relays no DHCP)")
	fs.Func("dhcp-relay-restart", "Cumulus: restart the relay with this command instead of systemctl on the host (repeat for each argument; the lab)",
		func(v string) error { o.relayRestart = append(o.relayRestart, v); return nil })
	fs.Func("dhcp-relay-stop", "Cumulus: stop the relay with this command instead of systemctl on the host (repeat for each argument; the lab)",
		func(v string) error { o.relayStop = append(o.relayStop, v); return nil })
	fs.Func("sonic-cli", "SONiC: run SONiC commands (and docker) through this program (repeat for each argument: nsenter into the host, or the lab's emulation)",
		func(v string) error { o.sonicCLI = append(o.sonicCLI, v); return nil })
	return o
}

// driverOptions point the driver at its files, sockets and programs.
func (o *options) driverOptions() driver.Options {
	return driver.Options{FRRPathspace: *o.pathspace,
		Netns: *o.netns, InterfacesPath: *o.ifaces, LabOVSDir: *o.labOVS, NVUESocket: *o.nvueSocket,
		NVUEURL: *o.nvueURL, NVUECredentials: *o.nvueCreds, NVUECA: *o.nvueCA, NVUEInsecureHTTP: *o.nvueHTTP,
		SONiCReload: *o.sonicLoad, SONiCCLI: o.sonicCLI, SONiCDir: *o.sonicDir,
		DHCPRelayFile: *o.relayFile, DHCPRelayRestart: o.relayRestart, DHCPRelayStop: o.relayStop}
}
