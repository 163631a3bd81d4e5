// Package pxe runs the DHCP side of a bare-metal server's boot in lab
// namespaces with the software a data centre runs: dnsmasq as the
// PXE/DHCP server (Ironic's, Metal3's), isc-dhcp-relay's dhcrelay in the
// leaf (what Cumulus Linux and SONiC run), and isc-dhcp-client's dhclient
// in the server. Every pid file, lease file and log is in the caller's
// directory; every program runs with an argument list, no shell.
package pxe

import (
	"context"
	"errors"
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

// Programs are the programs this package starts, by exe name.
var Programs = []string{"dnsmasq", "dhcrelay", "dhclient"}

// Range is one subnet the server leases from: a relayed network's subnet
// on one leaf, whose gateway is the router option.
type Range struct {
	Subnet  netip.Prefix
	Gateway netip.Addr
}

// span is the upper half of the subnet, without its broadcast address:
// the addresses the server leases.
func (r Range) span() (netip.Addr, netip.Addr, error) {
	p := r.Subnet.Masked()
	if !p.Addr().Is4() || p.Bits() > 29 {
		return netip.Addr{}, netip.Addr{}, fmt.Errorf("DHCP range %s: want an IPv4 subnet of /29 or larger", r.Subnet)
	}
	size := uint32(1) << (32 - p.Bits())
	base := p.Addr().As4()
	n := uint32(base[0])<<24 | uint32(base[1])<<16 | uint32(base[2])<<8 | uint32(base[3])
	addr := func(v uint32) netip.Addr {
		return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
	}
	return addr(n + size/2), addr(n + size - 2), nil
}

// Server is a dnsmasq DHCP server with PXE boot options and no DNS.
type Server struct {
	Netns, Dir string
	// Interface is where it listens (every interface when empty); TFTP is the next-server address
	// (usually its own), BootFile and Name the boot file and server name.
	Interface, BootFile, Name string
	TFTP                      netip.Addr
	Ranges                    []Range
}

// Args is dnsmasq's command line (without the program).
func (s Server) Args() ([]string, error) {
	args := []string{"--port=0", "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--log-dhcp"}
	if s.Interface != "" {
		args = append(args, "--interface="+s.Interface, "--bind-interfaces")
	}
	args = append(args, "--pid-file="+filepath.Join(s.Dir, "dnsmasq.pid"),
		"--dhcp-leasefile="+filepath.Join(s.Dir, "dnsmasq.leases"),
		"--log-facility="+filepath.Join(s.Dir, "dnsmasq.log"),
		"--dhcp-boot="+s.BootFile+","+s.Name+","+s.TFTP.String())
	for i, r := range s.Ranges {
		from, to, err := r.span()
		if err != nil {
			return nil, err
		}
		tag := "net" + strconv.Itoa(i)
		mask := netip.PrefixFrom(netip.IPv4Unspecified(), r.Subnet.Bits())
		args = append(args, fmt.Sprintf("--dhcp-range=set:%s,%s,%s,%s,1h", tag, from, to, maskString(mask.Bits())),
			fmt.Sprintf("--dhcp-option=tag:%s,option:router,%s", tag, r.Gateway))
	}
	return args, nil
}

func maskString(bits int) string {
	m := ^uint32(0) << (32 - bits)
	return netip.AddrFrom4([4]byte{byte(m >> 24), byte(m >> 16), byte(m >> 8), byte(m)}).String()
}

// Start starts dnsmasq in its namespace; it forks into the background
// once its sockets are bound, so it answers when Start returns. It returns
// dnsmasq's pid.
func (s Server) Start(ctx context.Context) (int, error) {
	args, err := s.Args()
	if err != nil {
		return 0, err
	}
	if err := os.MkdirAll(s.Dir, 0o755); err != nil {
		return 0, err
	}
	if out, err := exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", s.Netns, "dnsmasq"}, args...)...).CombinedOutput(); err != nil {
		return 0, fmt.Errorf("starting dnsmasq in %s: %w: %s", s.Netns, err, strings.TrimSpace(string(out)))
	}
	return PID(filepath.Join(s.Dir, "dnsmasq.pid"), "dnsmasq", s.Dir)
}

// PID reads a pid file and checks that the pid is program running with
// dir on its command line (not a recycled pid).
func PID(file, program, dir string) (int, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return 0, err
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 1 {
		return 0, fmt.Errorf("pid file %s: %q", file, b)
	}
	exe, _ := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
	cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if strings.TrimSuffix(filepath.Base(exe), " (deleted)") != program || !strings.Contains(string(cmdline), dir) {
		return 0, fmt.Errorf("pid %d of %s is not %s on %s", pid, file, program, dir)
	}
	return pid, nil
}

// Stop stops the program of a pid file (TERM, then KILL after grace) if
// it still is that program on dir; a missing or stale pid file is fine.
func Stop(file, program, dir string, grace time.Duration) {
	pid, err := PID(file, program, dir)
	if err != nil {
		return
	}
	syscall.Kill(pid, syscall.SIGTERM)
	deadline := time.Now().Add(grace)
	for {
		if _, err := PID(file, program, dir); err != nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if _, err := PID(file, program, dir); err == nil {
		syscall.Kill(pid, syscall.SIGKILL)
	}
}

// ErrNoLease is returned when the client got no lease in time.
var ErrNoLease = errors.New("no DHCP lease")
