package ovs

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"
)

// PortsTable is the nftables table (netdev family) in which the lab hides
// the ports OVS owns from the namespace's kernel.
const PortsTable = "underlay_l2"

// isolate keeps the kernel off the interfaces OVS forwards for. The
// userspace datapath reads and writes them through packet sockets, which
// see every frame before the kernel's ingress hook; the kernel, without
// this, also takes them in: it answers ARP for its own addresses on them
// (Linux answers on any interface) and so draws a server's traffic to a
// bond member instead of the SVI. A switch's bridge ports are enslaved
// and never do that; an ingress chain that drops everything is how the
// lab says so.
func (i Instance) isolate(ctx context.Context, spec Spec) error {
	var devices []string
	for _, p := range spec.Ports {
		if !p.Internal {
			devices = append(devices, p.interfaces()...)
		}
	}
	slices.Sort(devices)
	script := fmt.Sprintf("table netdev %s\ndelete table netdev %s\n", PortsTable, PortsTable)
	if len(devices) > 0 {
		q := make([]string, len(devices))
		for j, d := range devices {
			q[j] = strconv.Quote(d)
		}
		script += fmt.Sprintf("table netdev %s {\n\tchain ports {\n\t\ttype filter hook ingress devices = { %s } priority 0; policy drop;\n\t}\n}\n",
			PortsTable, strings.Join(q, ", "))
	}
	cmd := exec.CommandContext(ctx, "ip", "netns", "exec", i.Netns, "nft", "-f", "-")
	cmd.Stdin = strings.NewReader(script)
	cmd.WaitDelay = time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("nft in %s (hiding OVS's ports from the kernel): %w: %s", i.Netns, err, strings.TrimSpace(out.String()))
	}
	return nil
}
