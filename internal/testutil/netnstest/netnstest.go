// Package netnstest makes network namespaces and veths for tests that run
// real daemons (Open vSwitch, nftables, dnsmasq, dhcrelay) without a whole
// lab: each namespace is removed when the test ends, its processes first,
// and a namespace left behind fails the test.
package netnstest

import (
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"underlay.dev/underlay/internal/testutil/golden"
)

// Require skips (or, with UNDERLAY_REQUIRE_CHECKERS=1, fails) unless the
// test runs as root with every program in progs installed; -short skips.
func Require(t testing.TB, progs ...string) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs programs in network namespaces")
	}
	if os.Geteuid() != 0 {
		golden.Unavailable(t, "needs root (network namespaces)")
	}
	for _, p := range progs {
		if _, err := exec.LookPath(p); err != nil {
			golden.Unavailable(t, p+" not installed")
		}
	}
}

// Name is a namespace name unique among concurrent test binaries: prefix,
// the whole pid, and suffix.
func Name(prefix, suffix string) string {
	return prefix + strconv.Itoa(os.Getpid()) + "-" + suffix
}

// New creates namespace ns with lo up; the test's cleanup stops every
// process left in it and deletes it.
func New(t testing.TB, ns string) {
	t.Helper()
	IP(t, "netns", "add", ns)
	t.Cleanup(func() { remove(t, ns) })
	IP(t, "-n", ns, "link", "set", "lo", "up")
}

func remove(t testing.TB, ns string) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGKILL} {
		out, _ := exec.Command("ip", "netns", "pids", ns).Output()
		pids := strings.Fields(string(out))
		// The test binary itself shows when one of its threads entered
		// the namespace (driver.runInNetns does).
		pids = slices.DeleteFunc(pids, func(p string) bool { return p == strconv.Itoa(os.Getpid()) })
		for _, p := range pids {
			if n, err := strconv.Atoi(p); err == nil && n > 1 {
				syscall.Kill(n, sig)
			}
		}
		if len(pids) == 0 {
			break
		}
		time.Sleep(300 * time.Millisecond)
	}
	if out, err := exec.Command("ip", "netns", "del", ns).CombinedOutput(); err != nil {
		t.Errorf("ip netns del %s (left behind): %v: %s", ns, err, out)
	}
}

// Veth connects port a in namespace ans to port b in bns, both up.
func Veth(t testing.TB, ans, a, bns, b string) {
	t.Helper()
	IP(t, "link", "add", a, "netns", ans, "type", "veth", "peer", "name", b, "netns", bns)
	IP(t, "-n", ans, "link", "set", a, "up")
	IP(t, "-n", bns, "link", "set", b, "up")
}

// IP runs ip with args and fails the test on an error.
func IP(t testing.TB, args ...string) {
	t.Helper()
	if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
		t.Fatalf("ip %s: %v: %s", strings.Join(args, " "), err, out)
	}
}
