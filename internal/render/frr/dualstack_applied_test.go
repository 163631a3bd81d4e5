package frr

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/render/cluster/calico"
	"underlay.dev/underlay/internal/testutil/fabrics"
	"underlay.dev/underlay/internal/testutil/frrlab"
)

// TestDualStackGroupAppliedByFRR runs leaf1 of examples/k8s-dualstack as
// rendered (frr-reload.py, as the agent applies it) in a real bgpd, and
// beside it a node: a plain FRR peering with the two addresses the
// cluster's rendered Calico BGPPeers name, a session per family, as
// calico-node's BIRD does (an emulation of the node side, not Calico).
// Both sessions come up on the one peer group through its two listen
// ranges; the leaf takes the node's IPv4 /26 and IPv6 /122 pod blocks and
// drops a block of either family of the wrong length and an IPv6 prefix
// outside the cluster's ranges.
func TestDualStackGroupAppliedByFRR(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two real FRR routers")
	}
	f := fabrics.Example(t, "k8s-dualstack")
	var leaf1 *model.Device
	for _, d := range f.Devices {
		if d.Name == "leaf1" {
			leaf1 = d
		}
	}
	c := f.Clusters[0]
	objs, err := calico.Objects(c)
	if err != nil {
		t.Fatal(err)
	}
	var v4, v6 string // the leaf's addresses node1's BGPPeers name
	for _, o := range objs {
		if p, ok := o.(*calico.BGPPeer); ok && strings.HasPrefix(p.Name, "prod-leaf1") {
			if strings.Contains(p.Spec.PeerIP, ":") {
				v6 = p.Spec.PeerIP
			} else {
				v4 = p.Spec.PeerIP
			}
		}
	}
	if v4 != "10.0.101.1" || v6 != "fd00:10:0:100::1" {
		t.Fatalf("node1's BGPPeers name %q and %q", v4, v6)
	}
	lab := frrlab.New(t)
	lab.AddRouter("leaf1")
	lab.AddRouter("node1")
	lab.Link("leaf1", "swp1", "node1", "eth0")
	addr(t, lab, "leaf1", "swp1", "10.0.101.1/24", "fd00:10:0:100::1/64") // ifupdown2's SVI addresses
	addr(t, lab, "node1", "eth0", "10.0.101.11/24", "fd00:10:0:100::11/64")
	conf, err := Render(f, leaf1, Options{})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "frr.conf")
	if err := os.WriteFile(file, conf, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := reload(t, "--reload", lab.Pathspace("leaf1"), file); err != nil || strings.Contains(out, "Error") {
		t.Fatalf("frr-reload.py --reload: %v\n%s", err, out)
	}
	node := []string{"configure terminal", "router bgp 65001", "bgp router-id 10.0.101.11", "no bgp default ipv4-unicast",
		"no bgp network import-check", "neighbor " + v4 + " remote-as 65001", "neighbor " + v6 + " remote-as 65001",
		"address-family ipv4 unicast", "network 10.244.0.0/26", "network 10.244.1.0/24", "neighbor " + v4 + " activate", "exit-address-family",
		"address-family ipv6 unicast", "network fd00:244::/122", "network fd00:244::100/120", "network fd00:99::/64",
		"neighbor " + v6 + " activate", "exit-address-family"}
	if out, err := vtyshLines(lab.Pathspace("node1"), node); err != nil {
		t.Fatalf("configuring the node: %v\n%s", err, out)
	}
	waitBGP(t, lab, "the IPv4 pod block over the IPv4 session", "ipv4", "10.244.0.0/26")
	waitBGP(t, lab, "the IPv6 pod block over the IPv6 session", "ipv6", "fd00:244::/122")
	for _, p := range [][2]string{{"ipv4", "10.244.1.0/24"}, {"ipv6", "fd00:244::100/120"}, {"ipv6", "fd00:99::/64"}} {
		if out, _ := lab.Vtysh("leaf1", "show bgp "+p[0]+" unicast "+p[1]+" json"); strings.Contains(out, `"paths"`) {
			t.Errorf("leaf1 took %s from the node, outside the cluster's blocks:\n%s", p[1], out)
		}
	}
}

// addr puts addresses on a router's port (nodad: an IPv6 address is
// usable at once, as on a switch whose SVI has been up for long).
func addr(t *testing.T, lab *frrlab.Lab, router, port string, addrs ...string) {
	t.Helper()
	for _, a := range addrs {
		args := []string{"-n", lab.Pathspace(router), "addr", "add", a, "dev", port}
		if strings.Contains(a, ":") {
			args = append(args, "nodad")
		}
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("adding %s to %s:%s: %v: %s", a, router, port, err, out)
		}
	}
}

// vtyshLines runs configuration lines in one vtysh call.
func vtyshLines(pathspace string, lines []string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	args := []string{"-N", pathspace}
	for _, l := range lines {
		args = append(args, "-c", l)
	}
	out, err := exec.CommandContext(ctx, "vtysh", args...).CombinedOutput()
	return string(out), err
}

// waitBGP waits until leaf1's BGP table of afi holds prefix, failing at
// its deadline with the stage and the leaf's sessions.
func waitBGP(t *testing.T, lab *frrlab.Lab, stage, afi, prefix string) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		out, err := lab.Vtysh("leaf1", "show bgp "+afi+" unicast "+prefix+" json")
		if err == nil && strings.Contains(out, `"paths"`) {
			return
		}
		if time.Now().After(deadline) {
			sum, _ := lab.Vtysh("leaf1", "show bgp summary")
			t.Fatalf("%s: leaf1 has no %s route %s after 90s (last answer %.300s)\n%s", stage, afi, prefix, out, sum)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
