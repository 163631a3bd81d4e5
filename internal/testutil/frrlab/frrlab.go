// Package frrlab runs real FRR routers in network namespaces for tests:
// one namespace and one FRR instance (a pathspace, as `vtysh -N`) per
// router, veth pairs named like switch ports, and a cleanup that removes
// every namespace, process and file it created. It needs root and Debian's
// frr package; tests skip without them unless UNDERLAY_REQUIRE_CHECKERS=1.
package frrlab

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"underlay.dev/underlay/internal/model"
)

// Lab is a set of routers.
type Lab struct {
	t       testing.TB
	prefix  string
	routers []string
}

// Require skips (or, in CI, fails) when the lab cannot run here.
func Require(t testing.TB) {
	t.Helper()
	why := ""
	switch {
	case os.Geteuid() != 0:
		why = "needs root for network namespaces"
	case !exists("/usr/lib/frr/frrinit.sh") || !exists("/usr/lib/frr/frr-reload.py"):
		why = "needs the frr and frr-pythontools packages"
	}
	if why == "" {
		return
	}
	if os.Getenv("UNDERLAY_REQUIRE_CHECKERS") == "1" {
		t.Fatal("FRR lab: " + why)
	}
	t.Skip("FRR lab: " + why)
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

// New creates an empty lab; its routers are torn down when the test ends.
func New(t testing.TB) *Lab {
	Require(t)
	l := &Lab{t: t, prefix: "ul" + strconv.Itoa(os.Getpid()%100000)}
	t.Cleanup(l.teardown)
	return l
}

// Pathspace is the FRR pathspace (and namespace name) of a router.
func (l *Lab) Pathspace(router string) string { return l.prefix + "-" + router }

func (l *Lab) must(args ...string) {
	l.t.Helper()
	if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
		l.t.Fatalf("%s: %v: %s", strings.Join(args, " "), err, out)
	}
}

// AddRouter creates a namespace with loopback addresses and starts FRR in
// it with an empty configuration (only bgpd, zebra, staticd).
func (l *Lab) AddRouter(name string, loopbacks ...string) {
	ps := l.Pathspace(name)
	l.must("ip", "netns", "add", ps)
	l.routers = append(l.routers, name)
	l.must("ip", "-n", ps, "link", "set", "lo", "up")
	for _, a := range loopbacks {
		l.must("ip", "-n", ps, "addr", "add", a, "dev", "lo")
	}
	l.must("ip", "netns", "exec", ps, "sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1")
	dir := filepath.Join("/etc/frr", ps)
	l.must("install", "-d", "-o", "frr", "-g", "frr", "-m", "0750", dir)
	files := map[string]string{
		"daemons":    "bgpd=yes\nstaticd=yes\nvtysh_enable=yes\nzebra_options=\"  -A 127.0.0.1 -s 90000000\"\nbgpd_options=\"   -A 127.0.0.1\"\nstaticd_options=\"-A 127.0.0.1\"\n",
		"frr.conf":   "hostname " + name + "\nservice integrated-vtysh-config\n!\n",
		"vtysh.conf": "service integrated-vtysh-config\nhostname " + name + "\n",
	}
	for f, content := range files {
		p := filepath.Join(dir, f)
		if err := os.WriteFile(p, []byte(content), 0o640); err != nil {
			l.t.Fatal(err)
		}
		l.must("chown", "frr:frr", p)
	}
	// Constant script; the hostname and pathspace are arguments.
	l.must("ip", "netns", "exec", ps, "unshare", "--uts", "sh", "-c",
		`hostname "$1" && exec /usr/lib/frr/frrinit.sh start "$2"`, "sh", name, ps)
}

// AddFabric starts a router per device of f, with its loopbacks on lo
// (ifupdown2's job on a switch), and a veth per link named like the ports.
func (l *Lab) AddFabric(f *model.Fabric) {
	for _, d := range f.Devices {
		var addrs []string
		for _, lo := range d.Loopbacks {
			addrs = append(addrs, lo.String())
		}
		l.AddRouter(d.Name, addrs...)
	}
	for _, k := range f.Links {
		l.Link(k.A.Device.Name, k.A.Port, k.B.Device.Name, k.B.Port)
	}
}

// AddAddress adds an address to a router's loopback, as ifupdown2 would.
func (l *Lab) AddAddress(router, addr string) {
	l.must("ip", "-n", l.Pathspace(router), "addr", "add", addr, "dev", "lo")
}

// Link connects a:aport with b:bport by a veth pair created directly in
// the two namespaces.
func (l *Lab) Link(a, aport, b, bport string) {
	l.must("ip", "link", "add", aport, "netns", l.Pathspace(a), "type", "veth", "peer", "name", bport, "netns", l.Pathspace(b))
	l.must("ip", "-n", l.Pathspace(a), "link", "set", aport, "up")
	l.must("ip", "-n", l.Pathspace(b), "link", "set", bport, "up")
}

// Vtysh runs one vtysh command on a router.
func (l *Lab) Vtysh(router, command string) (string, error) {
	out, err := exec.Command("vtysh", "-N", l.Pathspace(router), "-c", command).CombinedOutput()
	return string(out), err
}

func (l *Lab) teardown() {
	for _, r := range l.routers {
		if pid, err := os.ReadFile(filepath.Join("/var/run/frr", l.Pathspace(r), "watchfrr.pid")); err == nil {
			exec.Command("kill", "-TERM", strings.TrimSpace(string(pid))).Run()
		}
	}
	for _, sig := range []string{"-TERM", "-KILL"} {
		for _, r := range l.routers {
			out, _ := exec.Command("ip", "netns", "pids", l.Pathspace(r)).Output()
			for _, pid := range strings.Fields(string(out)) {
				exec.Command("kill", sig, pid).Run()
			}
		}
		if sig == "-TERM" {
			time.Sleep(2 * time.Second)
		}
	}
	for _, r := range l.routers {
		ps := l.Pathspace(r)
		exec.Command("ip", "netns", "del", ps).Run()
		os.RemoveAll(filepath.Join("/etc/frr", ps))
		os.RemoveAll(filepath.Join("/var/run/frr", ps))
	}
}

// String names the lab in messages.
func (l *Lab) String() string { return fmt.Sprintf("frrlab %s %v", l.prefix, l.routers) }
