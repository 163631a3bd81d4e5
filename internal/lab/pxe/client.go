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
	"strings"
	"time"
)

// Lease is what a DHCP client was given: the fields a PXE boot reads.
type Lease struct {
	Interface  string
	Addr       netip.Prefix
	Router     netip.Addr
	Filename   string
	ServerName string
	ServerID   netip.Addr
}

// Client is dhclient in a server's namespace, with its lease and pid
// files in Dir.
type Client struct {
	Netns, Dir string
}

// Ask runs dhclient once on iface (-1: one try, -sf /bin/true: it
// configures nothing; the caller plays the server's OS) and returns the
// lease it got. dhclient returns once bound and stays behind to renew;
// Ask stops it by its pid file before returning.
func (c Client) Ask(ctx context.Context, iface string) (Lease, error) {
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return Lease{}, err
	}
	leases := filepath.Join(c.Dir, iface+".leases")
	pidFile := filepath.Join(c.Dir, "dhclient-"+iface+".pid")
	defer Stop(pidFile, "dhclient", c.Dir, 2*time.Second)
	cmd := exec.CommandContext(ctx, "ip", "netns", "exec", c.Netns,
		"dhclient", "-4", "-1", "-sf", "/bin/true", "-lf", leases, "-pf", pidFile, iface)
	cmd.WaitDelay = time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		return Lease{}, fmt.Errorf("%w on %s in %s: dhclient: %w: %s", ErrNoLease, iface, c.Netns, err, lastLines(out, 3))
	}
	b, err := os.ReadFile(leases)
	if err != nil {
		return Lease{}, err
	}
	return ParseLease(b)
}

// ParseLease reads the last lease of a dhclient lease file.
func ParseLease(b []byte) (Lease, error) {
	i := bytes.LastIndex(b, []byte("lease {"))
	if i < 0 {
		return Lease{}, fmt.Errorf("%w: no lease in the lease file", ErrNoLease)
	}
	var l Lease
	var mask netip.Addr
	sc := bufio.NewScanner(bytes.NewReader(b[i:]))
	for sc.Scan() {
		f := strings.Fields(strings.TrimSuffix(strings.TrimSpace(sc.Text()), ";"))
		if len(f) < 2 {
			continue
		}
		v := strings.Trim(f[len(f)-1], `"`)
		switch {
		case f[0] == "interface":
			l.Interface = v
		case f[0] == "fixed-address":
			l.Addr = netip.PrefixFrom(parseAddr(v), 32)
		case f[0] == "filename":
			l.Filename = v
		case f[0] == "server-name":
			l.ServerName = v
		case len(f) == 3 && f[0] == "option" && f[1] == "routers":
			l.Router = parseAddr(strings.Split(v, ",")[0])
		case len(f) == 3 && f[0] == "option" && f[1] == "subnet-mask":
			mask = parseAddr(v)
		case len(f) == 3 && f[0] == "option" && f[1] == "dhcp-server-identifier":
			l.ServerID = parseAddr(v)
		}
	}
	if !l.Addr.IsValid() || !l.Addr.Addr().IsValid() {
		return l, fmt.Errorf("%w: the lease has no fixed-address", ErrNoLease)
	}
	if mask.IsValid() {
		m := mask.As4()
		bits := 0
		for _, o := range m {
			for ; o&0x80 != 0; o <<= 1 {
				bits++
			}
		}
		l.Addr = netip.PrefixFrom(l.Addr.Addr(), bits)
	}
	return l, nil
}

func parseAddr(s string) netip.Addr {
	a, _ := netip.ParseAddr(s)
	return a
}
