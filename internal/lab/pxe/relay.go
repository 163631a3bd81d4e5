package pxe

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// RelayFile is /etc/default/isc-dhcp-relay as Cumulus Linux (and Debian's
// isc-dhcp-relay service) reads it: SERVERS, INTF_CMD and OPTIONS, each a
// quoted list of words the service passes to dhcrelay.
type RelayFile struct {
	Servers []netip.Addr
	// Interfaces are INTF_CMD's and OPTIONS' interface flags, in order:
	// "-i X", "-id X" (downstream), "-iu X" (upstream).
	Interfaces [][2]string
	// LinkSelection is -U's [address%]interface: giaddr is the address
	// (the interface's when none is given), and the RFC 3527
	// link-selection sub-option carries the receiving SVI's.
	LinkSelection string
	// Other are the other words of OPTIONS, passed on.
	Other []string
}

// ParseRelayFile reads the file's three variables; it is not a shell and
// takes only plain KEY="words" lines and comments.
func ParseRelayFile(b []byte) (RelayFile, error) {
	vars := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || strings.ContainsAny(v, "$`\\;") {
			return RelayFile{}, fmt.Errorf("isc-dhcp-relay line %d: %q: want KEY=\"value\"", n, line)
		}
		if uq, err := strconv.Unquote(v); err == nil {
			v = uq
		}
		vars[k] = v
	}
	var f RelayFile
	for _, s := range strings.Fields(vars["SERVERS"]) {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return f, fmt.Errorf("isc-dhcp-relay SERVERS: %w", err)
		}
		f.Servers = append(f.Servers, a)
	}
	if len(f.Servers) == 0 {
		return f, fmt.Errorf("isc-dhcp-relay: no SERVERS")
	}
	words := append(strings.Fields(vars["INTF_CMD"]), strings.Fields(vars["OPTIONS"])...)
	for i := 0; i < len(words); i++ {
		w := words[i]
		switch w {
		case "-i", "-id", "-iu", "-U":
			if i+1 == len(words) {
				return f, fmt.Errorf("isc-dhcp-relay: %s without an interface", w)
			}
			i++
			if w == "-U" {
				f.LinkSelection = words[i]
			} else {
				f.Interfaces = append(f.Interfaces, [2]string{w, words[i]})
			}
		default:
			f.Other = append(f.Other, w)
		}
	}
	return f, nil
}

// LinkSelectionParts splits LinkSelection into its address (invalid when
// none is given) and interface.
func (f RelayFile) LinkSelectionParts() (netip.Addr, string) {
	a, ifname, ok := strings.Cut(f.LinkSelection, "%")
	if !ok {
		return netip.Addr{}, f.LinkSelection
	}
	addr, _ := netip.ParseAddr(a)
	return addr, ifname
}

// Relay is dhcrelay in a leaf namespace, from a relay file.
type Relay struct {
	Netns, Dir string
	File       RelayFile
	// LoopbackStandIn replaces -U [address%]lo (Cumulus' dhcrelay takes
	// an address): Debian's dhcrelay 4.4.3 takes an interface name only
	// and cannot use a loopback device ("Unsupported device type 772"),
	// so the lab gives the address to a stand-in interface
	// (AddLoopbackStandIn) and marks that one.
	LoopbackStandIn string
}

// Args is dhcrelay's command line (without the program), in the
// foreground so its log is the lab's.
func (r Relay) Args() []string {
	args := []string{"-4", "-d", "-pf", filepath.Join(r.Dir, "dhcrelay.pid")}
	for _, i := range r.File.Interfaces {
		args = append(args, i[0], i[1])
	}
	if u := r.File.LinkSelection; u != "" {
		if _, ifname := r.File.LinkSelectionParts(); ifname == "lo" && r.LoopbackStandIn != "" {
			u = r.LoopbackStandIn
		}
		args = append(args, "-U", u)
	}
	args = append(args, r.File.Other...)
	for _, s := range r.File.Servers {
		args = append(args, s.String())
	}
	return args
}

// Start starts dhcrelay in its own session, logging to the lab directory,
// and returns its pid once it listens (or its log when it exits first).
func (r Relay) Start(ctx context.Context) (int, error) {
	if err := os.MkdirAll(r.Dir, 0o755); err != nil {
		return 0, err
	}
	logPath := filepath.Join(r.Dir, "dhcrelay.log")
	logf, err := os.Create(logPath)
	if err != nil {
		return 0, err
	}
	defer logf.Close()
	cmd := exec.Command("ip", append([]string{"netns", "exec", r.Netns, "dhcrelay"}, r.Args()...)...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	cloexecInherited()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	// In the foreground (-d) dhcrelay writes no pid file; ip netns exec
	// execs it, so the child's pid is dhcrelay's.
	if err := os.WriteFile(filepath.Join(r.Dir, "dhcrelay.pid"), []byte(strconv.Itoa(cmd.Process.Pid)+"\n"), 0o644); err != nil {
		cmd.Process.Kill()
		return 0, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	for {
		// dhcrelay opens its fallback socket after every interface.
		if b, _ := os.ReadFile(logPath); bytes.Contains(b, []byte("Sending on   Socket/fallback")) {
			return cmd.Process.Pid, nil
		}
		select {
		case err := <-exited:
			b, _ := os.ReadFile(logPath)
			return 0, fmt.Errorf("dhcrelay in %s exited (%w): %s", r.Netns, err, lastLines(b, 4))
		case <-ctx.Done():
			return cmd.Process.Pid, fmt.Errorf("dhcrelay in %s did not start listening: %w", r.Netns, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// StandInName is the loopback's stand-in interface.
const StandInName = "relay-lo"

// AddLoopbackStandIn creates, in namespace ns, an interface pair whose
// first end holds addr (the loopback's IPv4 address): dhcrelay can mark it
// with -U where it cannot mark lo. It returns the interface's name.
func AddLoopbackStandIn(ctx context.Context, ns string, addr netip.Prefix) (string, error) {
	const name = StandInName
	for _, args := range [][]string{
		{"-n", ns, "link", "add", name, "type", "veth", "peer", "name", name + "-p"},
		{"-n", ns, "link", "set", name + "-p", "up"},
		{"-n", ns, "link", "set", name, "up"},
		{"-n", ns, "addr", "add", netip.PrefixFrom(addr.Addr(), addr.Addr().BitLen()).String(), "dev", name},
	} {
		if out, err := exec.CommandContext(ctx, "ip", args...).CombinedOutput(); err != nil {
			return "", fmt.Errorf("ip %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
		}
	}
	return name, nil
}

func lastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], " | ")
}

// cloexecInherited keeps the descriptors this process inherited (beyond
// stdin, stdout and stderr) from the daemon it starts. Started by an
// agent's relay restart command, this process holds the agent's apply
// lock, which the agent hands to its commands; a dhcrelay that kept it
// would block every later apply (measured: the lab's second apply
// waited on it for good). systemd starts the real service clean.
func cloexecInherited() {
	entries, _ := os.ReadDir("/proc/self/fd")
	for _, e := range entries {
		if fd, err := strconv.Atoi(e.Name()); err == nil && fd > 2 {
			syscall.CloseOnExec(fd)
		}
	}
}
