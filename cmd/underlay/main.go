// Command underlay turns a fabric intent into native device configs, a
// Kustomize tree for Flux, and per-device diffs.
package main

import (
	"os"

	"underlay.dev/underlay/internal/cli"
	"underlay.dev/underlay/internal/lab/k8snode"
)

func main() {
	// In a lab, underlay re-runs itself as a Cilium node's GoBGP agent.
	k8snode.MaybeGoBGPAgent()
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
