// Package frrlab runs real FRR routers in network namespaces for tests:
// one namespace and one FRR instance (a pathspace, as `vtysh -N`) per
// router, veth pairs named like switch ports, and a cleanup that removes
// every namespace, process and file it created. It uses the same node
// code as `underlay lab`, without the API server and agents. It needs
// root and Debian's frr package; tests skip without them unless
// UNDERLAY_REQUIRE_CHECKERS=1.
package frrlab

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"underlay.dev/underlay/internal/lab/node"
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
	err := node.RequireRoot()
	if err == nil {
		return
	}
	if os.Getenv("UNDERLAY_REQUIRE_CHECKERS") == "1" {
		t.Fatal("FRR lab: " + err.Error())
	}
	t.Skip("FRR lab: " + err.Error())
}

// New creates an empty lab; its routers are torn down when the test ends.
// Its prefix holds the whole pid: unique among concurrent test binaries.
func New(t testing.TB) *Lab {
	Require(t)
	l := &Lab{t: t, prefix: "ul" + strconv.Itoa(os.Getpid())}
	t.Cleanup(l.teardown)
	return l
}

// Pathspace is the FRR pathspace (and namespace name) of a router.
func (l *Lab) Pathspace(router string) string { return l.prefix + "-" + router }

func (l *Lab) must(err error) {
	l.t.Helper()
	if err != nil {
		l.t.Fatal(err)
	}
}

// AddRouter creates a namespace with loopback addresses and starts FRR in
// it with an empty configuration (only bgpd, zebra, staticd).
func (l *Lab) AddRouter(name string, loopbacks ...string) {
	ctx, cancel := context.WithTimeout(context.Background(), routerTimeout)
	defer cancel()
	ps := l.Pathspace(name)
	l.must(guard("add", ps))
	l.routers = append(l.routers, name)
	l.must(node.AddNetns(ctx, ps))
	for _, a := range loopbacks {
		l.AddAddress(name, a)
	}
	l.must(node.StartFRR(ctx, ps, ps, name))
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
	l.t.Helper()
	if out, err := exec.Command("ip", "-n", l.Pathspace(router), "addr", "add", addr, "dev", "lo").CombinedOutput(); err != nil {
		l.t.Fatalf("adding %s to %s: %v: %s", addr, router, err, out)
	}
}

// Link connects a:aport with b:bport by a veth pair created directly in
// the two namespaces.
func (l *Lab) Link(a, aport, b, bport string) {
	ctx, cancel := context.WithTimeout(context.Background(), routerTimeout)
	defer cancel()
	l.must(node.AddVeth(ctx, l.Pathspace(a), aport, l.Pathspace(b), bport))
}

// routerTimeout bounds starting one router or link (FRR's init script
// takes about a second; much more on a loaded machine).
const routerTimeout = 2 * time.Minute

// Vtysh runs one vtysh command on a router, bounded like a router start.
func (l *Lab) Vtysh(router, command string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), routerTimeout)
	defer cancel()
	return l.vtysh(ctx, router, command)
}

func (l *Lab) vtysh(ctx context.Context, router, command string) (string, error) {
	out, err := exec.CommandContext(ctx, "vtysh", "-N", l.Pathspace(router), "-c", command).CombinedOutput()
	return string(out), err
}

func (l *Lab) teardown() {
	var namespaces []string
	for _, r := range l.routers {
		namespaces = append(namespaces, l.Pathspace(r))
	}
	node.RemoveNetns(namespaces)
	for _, ns := range namespaces {
		node.RemovePathspace(ns)
		if err := guard("done", ns); err != nil {
			l.t.Error(err)
		}
	}
}

// String names the lab in messages.
func (l *Lab) String() string { return fmt.Sprintf("frrlab %s %v", l.prefix, l.routers) }

// WaitRoute waits until router's RIB holds prefix, and fails the test at
// the deadline naming the stage: BGP propagation takes its time on a loaded
// machine, so a route is never checked just once.
func (l *Lab) WaitRoute(t testing.TB, stage, router, prefix string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	for {
		out, err := l.vtysh(ctx, router, "show ip route "+prefix+" json")
		if err == nil && strings.Contains(out, `"`+prefix+`"`) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %s has no route to %s after %s (last answer: %.300s, %v)", stage, router, prefix, within, out, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
