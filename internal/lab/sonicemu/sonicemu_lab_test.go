package sonicemu

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"underlay.dev/underlay/internal/testutil/frrlab"
)

// TestUnifiedFRRCarriesRoutesOnRealFRR realizes the seed lab's spine in a
// network namespace with real FRR, as the lab's caller does, next to two
// plain FRR leaves, and checks that routes flow through it as through a
// SONiC spine: its one loopback is announced, each leaf learns the other's
// loopback (so the FROM_/TO_BGP_PEER route-maps and suppress-fib-pending
// let routes through) tagged with the allow-list's drop community.
func TestUnifiedFRRCarriesRoutesOnRealFRR(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real FRR routers")
	}
	lab := frrlab.New(t)
	p, err := Realize(readTestdata(t, "seed-lab-spine.config_db.json"))
	if err != nil {
		t.Fatal(err)
	}
	lab.AddRouter("spine")
	lab.AddRouter("leaf1", "192.0.2.1/32")
	lab.AddRouter("leaf2", "192.0.2.2/32")
	lab.Link("spine", "Ethernet0", "leaf1", "swp1")
	lab.Link("spine", "Ethernet4", "leaf2", "swp1")
	realizeLinks(t, lab.Pathspace("spine"), p)
	for _, leaf := range []struct{ name, addr, peer, asn, lo string }{
		{"leaf1", "10.0.0.1/31", "10.0.0.0", "65001", "192.0.2.1/32"},
		{"leaf2", "10.0.0.3/31", "10.0.0.2", "65002", "192.0.2.2/32"},
	} {
		run(t, "ip", "-n", lab.Pathspace(leaf.name), "addr", "add", leaf.addr, "dev", "swp1")
		conf := "router bgp " + leaf.asn + "\n no bgp ebgp-requires-policy\n neighbor " + leaf.peer +
			" remote-as 65100\n address-family ipv4 unicast\n  network " + leaf.lo + "\n exit-address-family\nexit\n"
		vtyshFile(t, lab.Pathspace(leaf.name), []byte(conf))
	}
	vtyshFile(t, lab.Pathspace("spine"), p.FRR)

	for _, c := range []struct{ router, prefix string }{
		{"leaf1", "192.0.2.100/32"}, {"leaf1", "192.0.2.2/32"}, {"leaf2", "192.0.2.1/32"},
	} {
		deadline := time.Now().Add(60 * time.Second)
		for {
			out, _ := lab.Vtysh(c.router, "show ip route "+c.prefix+" json")
			if strings.Contains(out, `"`+c.prefix+`"`) {
				break
			}
			if time.Now().After(deadline) {
				spine, _ := lab.Vtysh("spine", "show bgp ipv4 unicast summary")
				t.Fatalf("%s never learned %s; spine:\n%s", c.router, c.prefix, spine)
			}
			time.Sleep(500 * time.Millisecond)
		}
	}
	out, _ := lab.Vtysh("leaf1", "show bgp ipv4 unicast 192.0.2.2/32")
	if !strings.Contains(out, "5060:12345") {
		t.Errorf("route through the spine lacks the allow-list community:\n%s", out)
	}
}

// realizeLinks does the caller's part for ports and addresses: MTU and
// admin state on the ports, Loopback0 as a dummy interface.
func realizeLinks(t *testing.T, ns string, p Plan) {
	for _, port := range p.Ports {
		run(t, "ip", "-n", ns, "link", "set", port.Name, "mtu", strconv.Itoa(port.MTU))
		if !port.AdminUp {
			run(t, "ip", "-n", ns, "link", "set", port.Name, "down")
		}
	}
	for name, list := range p.Addresses {
		dev := name
		if strings.HasPrefix(name, "Loopback") {
			dev = loopbackDevice(t, ns, name)
		}
		for _, pfx := range list {
			run(t, "ip", "-n", ns, "addr", "add", pfx.String(), "dev", dev)
		}
	}
}

// loopbackDevice creates name as a dummy interface, as SONiC does, or
// falls back to lo where the kernel has no dummy driver (some
// containers); the seed spine's FRR configuration names no Loopback0.
func loopbackDevice(t *testing.T, ns, name string) string {
	if exec.Command("ip", "-n", ns, "link", "add", name, "type", "dummy").Run() != nil {
		return "lo"
	}
	run(t, "ip", "-n", ns, "link", "set", name, "up")
	return name
}

func vtyshFile(t *testing.T, pathspace string, conf []byte) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "frr.conf")
	if err := os.WriteFile(file, conf, 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, "vtysh", "-N", pathspace, "-f", file)
}

func run(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v: %s", strings.Join(args, " "), err, out)
	}
}
