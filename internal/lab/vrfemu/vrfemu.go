// Package vrfemu stands in for a leaf's kernel VRF devices, which the
// lab's kernel does not have, with nftables rules in a table the lab owns
// in the leaf's namespace: no forwarding and no local delivery between
// interfaces of different VRFs (the default VRF being every interface of
// no VRF). It is an emulation of VRF separation, not of VRFs: there is one
// routing table, so routes are not separated and FRR's `router bgp … vrf`
// instances have no VRF to run in. Callers say so in their output.
package vrfemu

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"net/netip"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Table is the nftables table the lab owns in a leaf namespace.
const Table = "underlay_vrf"

// Emulation labels what the lab runs in place of VRF devices.
const Emulation = "nftables rules stand in for VRF separation (no kernel VRF devices here: one routing table, and FRR's per-VRF BGP instances do not come up)"

// VRF is one VRF's interfaces and the addresses they hold.
type VRF struct {
	Name       string
	Interfaces []string
	Addrs      []netip.Prefix
}

// Rules is the nft script that replaces the lab's table with one that
// keeps vrfs apart; with no VRFs it only removes the table. nft applies
// a script in one transaction.
func Rules(vrfs []VRF) string {
	var b strings.Builder
	// Declaring the table first makes the delete succeed when it is new.
	fmt.Fprintf(&b, "table inet %s\ndelete table inet %s\n", Table, Table)
	if len(vrfs) == 0 {
		return b.String()
	}
	vrfs = slices.Clone(vrfs)
	slices.SortFunc(vrfs, func(a, b VRF) int { return strings.Compare(a.Name, b.Name) })
	fmt.Fprintf(&b, "table inet %s {\n", Table)
	for n, v := range vrfs {
		fmt.Fprintf(&b, "\tset if%d {\n\t\ttype ifname\n\t\telements = { %s }\n\t}\n", n, quoted(v.Interfaces))
		for _, fam := range []struct{ name, typ string }{{"v4", "ipv4_addr"}, {"v6", "ipv6_addr"}} {
			if a := addrs(v.Addrs, fam.name == "v6"); a != "" {
				fmt.Fprintf(&b, "\tset %s%d {\n\t\ttype %s\n\t\telements = { %s }\n\t}\n", fam.name, n, fam.typ, a)
			}
		}
	}
	b.WriteString("\tchain forward {\n\t\ttype filter hook forward priority filter; policy accept;\n")
	for n, v := range vrfs {
		c := strconv.Quote("vrf " + v.Name)
		fmt.Fprintf(&b, "\t\tiifname @if%d oifname != @if%d drop comment %s\n", n, n, c)
		fmt.Fprintf(&b, "\t\toifname @if%d iifname != @if%d drop comment %s\n", n, n, c)
	}
	b.WriteString("\t}\n\tchain input {\n\t\ttype filter hook input priority filter; policy accept;\n")
	for n, v := range vrfs {
		c := strconv.Quote("vrf " + v.Name)
		for _, fam := range []struct{ set, match string }{{"v4", "ip daddr"}, {"v6", "ip6 daddr"}} {
			if addrs(v.Addrs, fam.set == "v6") == "" {
				continue
			}
			// Its own addresses from its own interfaces; none from others.
			fmt.Fprintf(&b, "\t\tiifname @if%d %s @%s%d accept comment %s\n", n, fam.match, fam.set, n, c)
			fmt.Fprintf(&b, "\t\tiifname != @if%d iifname != \"lo\" %s @%s%d drop comment %s\n", n, fam.match, fam.set, n, c)
		}
		// Broadcast and multicast (DHCP, ARP is not IP) stay on the link;
		// any other local address belongs to another VRF.
		fmt.Fprintf(&b, "\t\tiifname @if%d fib daddr type local drop comment %s\n", n, c)
	}
	b.WriteString("\t}\n}\n")
	return b.String()
}

func quoted(names []string) string {
	q := make([]string, len(names))
	for i, n := range slices.Sorted(slices.Values(names)) {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

func addrs(prefixes []netip.Prefix, v6 bool) string {
	set := map[string]bool{}
	for _, p := range prefixes {
		if p.Addr().Is6() == v6 {
			set[p.Addr().String()] = true
		}
	}
	return strings.Join(slices.Sorted(maps.Keys(set)), ", ")
}

// Apply loads the rules for vrfs into namespace ns.
func Apply(ctx context.Context, ns string, vrfs []VRF) error {
	cmd := exec.CommandContext(ctx, "ip", "netns", "exec", ns, "nft", "-f", "-")
	cmd.Stdin = strings.NewReader(Rules(vrfs))
	cmd.WaitDelay = time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("nft -f - in %s (the lab's VRF separation): %w: %s", ns, err, strings.TrimSpace(out.String()))
	}
	return nil
}
