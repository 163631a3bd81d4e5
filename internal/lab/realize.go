package lab

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"os/exec"
	"strconv"
	"time"

	"underlay.dev/underlay/internal/agent/driver"
	"underlay.dev/underlay/internal/agent/store"
	"underlay.dev/underlay/internal/lab/node"
	"underlay.dev/underlay/internal/platform"
)

// What the emulated platforms' backends do to a namespace: set interface
// addresses, MTU and admin state, and load FRR config live.

type ipAddr struct {
	IfName   string `json:"ifname"`
	AddrInfo []struct {
		Local     string `json:"local"`
		PrefixLen int    `json:"prefixlen"`
	} `json:"addr_info"`
}

// setAddresses makes every interface of namespace ns hold exactly the
// given addresses, leaving link-local and the loopback's own 127.0.0.1
// and ::1 alone. Interfaces not in want lose their addresses.
func setAddresses(ctx context.Context, ns string, want map[string][]netip.Prefix) error {
	out, err := exec.CommandContext(ctx, "ip", "-n", ns, "-j", "addr", "show").Output()
	if err != nil {
		return fmt.Errorf("ip -n %s addr show: %w", ns, err)
	}
	var links []ipAddr
	if err := json.Unmarshal(out, &links); err != nil {
		return fmt.Errorf("ip -n %s addr show: %w", ns, err)
	}
	present := map[string]bool{}
	for _, l := range links {
		present[l.IfName] = true
		keep := map[netip.Prefix]bool{}
		for _, p := range want[l.IfName] {
			keep[p] = true
		}
		for _, a := range l.AddrInfo {
			p, err := netip.ParsePrefix(a.Local + "/" + strconv.Itoa(a.PrefixLen))
			if err != nil || p.Addr().IsLinkLocalUnicast() || p.Addr().IsLoopback() {
				continue
			}
			if keep[p] {
				delete(keep, p)
				continue
			}
			if err := node.Run(ctx, "ip", "-n", ns, "addr", "del", p.String(), "dev", l.IfName); err != nil {
				return err
			}
		}
		for _, p := range want[l.IfName] {
			if keep[p] {
				if err := node.Run(ctx, "ip", "-n", ns, "addr", "add", p.String(), "dev", l.IfName); err != nil {
					return err
				}
			}
		}
	}
	for name := range want {
		if !present[name] {
			return fmt.Errorf("interface %s does not exist in the lab device", name)
		}
	}
	return nil
}

// setLink sets an interface's MTU (when > 0) and admin state.
func setLink(ctx context.Context, ns, name string, mtu int, up bool) error {
	args := []string{"ip", "-n", ns, "link", "set", name}
	if mtu > 0 {
		args = append(args, "mtu", strconv.Itoa(mtu))
	}
	state := "down"
	if up {
		state = "up"
	}
	return node.Run(ctx, append(args, state)...)
}

// loadFRR writes conf to file and applies it to the device's FRR as a
// live change, as the agent's FRR driver does on a switch.
func loadFRR(ctx context.Context, pathspace, file string, conf []byte) error {
	return (&driver.FRR{Pathspace: pathspace, ConfPath: file}).Apply(ctx, store.Files{platform.FileFRR: conf})
}

// vtysh runs one command in a device's FRR.
func vtysh(ctx context.Context, pathspace, command string) (string, error) {
	cmd := exec.CommandContext(ctx, "vtysh", "-N", pathspace, "-c", command)
	// A killed vtysh returns even if something it started holds its output.
	cmd.WaitDelay = time.Second
	out, err := cmd.CombinedOutput()
	return string(out), err
}
