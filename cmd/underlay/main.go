// Command underlay turns a fabric intent into native device configs, a
// Kustomize tree for Flux, and per-device diffs.
package main

import (
	"os"

	"underlay.dev/underlay/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
