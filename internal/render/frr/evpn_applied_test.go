package frr

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/testutil/frrlab"
)

// TestEVPNAppliedByFRR runs the bare-metal example's spine1, leaf1 and
// leaf2 files in real FRR (the two leaves' uplinks to spine1; spine2 and
// the other leaves are left out to keep the lab small):
//   - each file applies with frr-reload.py, and a second --test finds
//     nothing to change (the vrf, vni, router bgp vrf and l2vpn evpn
//     blocks run as written);
//   - the EVPN family comes up on every session;
//   - the spine, which has no VNI and no VRF, keeps the leaves' EVPN
//     routes and passes them on with the originating leaf's VTEP as next
//     hop. This kernel has no VRF devices, so no L3VNI (and no type-5
//     route) can come up here; each leaf gets an L2VNI on a plain bridge
//     instead, whose type-3 route is an EVPN route like any other to a
//     transit spine (next-hop handling is per address family, not per
//     route type).
func TestEVPNAppliedByFRR(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real FRR routers")
	}
	f := baremetal(t)
	lab := frrlab.New(t)
	names := []string{"spine1", "leaf1", "leaf2"}
	for _, n := range names {
		d := device(t, f, n)
		lab.AddRouter(n, d.Loopbacks[0].String())
	}
	lab.Link("leaf1", "swp49", "spine1", "swp1")
	lab.Link("leaf2", "swp49", "spine1", "swp2")
	for _, n := range names {
		applied(t, lab, f, device(t, f, n))
	}
	for _, n := range []string{"leaf1", "leaf2"} {
		l2vni(t, lab, n, device(t, f, n).RouterID.String())
	}
	// Each leaf's type-3 route must reach the other leaf through the
	// spine, with the originating leaf's VTEP as next hop and the spine's
	// ASN in the path.
	for _, c := range []struct{ from, to, vtep string }{{"leaf1", "leaf2", "10.255.0.1"}, {"leaf2", "leaf1", "10.255.0.2"}} {
		waitEVPN(t, lab, "spine1", c.vtep, c.vtep, "4200000")
		waitEVPN(t, lab, c.to, c.vtep, c.vtep, "65100 4200000")
		// The route's RT is the origin's ASN (its low 16 bits) with the
		// VNI; the other leaf, in another ASN, still imports it (bgpd
		// matches auto-derived RTs on the VNI alone for eBGP), which the
		// VRFs' type-5 routes rely on as well.
		waitRemoteVTEP(t, lab, c.to, c.vtep)
	}
}

// waitRemoteVTEP waits until zebra on router floods VNI 100 to vtep: the
// route was imported, not only kept.
func waitRemoteVTEP(t *testing.T, lab *frrlab.Lab, router, vtep string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		out, err := lab.Vtysh(router, "show evpn vni 100 json")
		// FRR 8.4 lists the remote VTEPs under "numRemoteVteps".
		var vni struct {
			RemoteVTEPs []string `json:"numRemoteVteps"`
		}
		if err == nil && json.Unmarshal([]byte(out), &vni) == nil && slices.Contains(vni.RemoteVTEPs, vtep) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: VNI 100 has no remote VTEP %s after 60s: %.1000s", router, vtep, out)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// applied renders d, applies it with frr-reload.py and checks that a
// second run would change nothing.
func applied(t *testing.T, lab *frrlab.Lab, f *model.Fabric, d *model.Device) {
	t.Helper()
	conf, err := Render(f, d, Options{})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "frr.conf")
	if err := os.WriteFile(file, conf, 0o644); err != nil {
		t.Fatal(err)
	}
	ps := lab.Pathspace(d.Name)
	if out, err := reload(t, "--reload", ps, file); err != nil || strings.Contains(out, "Error") {
		t.Fatalf("%s: frr-reload.py --reload: %v\n%s", d.Name, err, out)
	}
	out, err := reload(t, "--test", ps, file)
	if err != nil {
		t.Fatalf("%s: frr-reload.py --test: %v\n%s", d.Name, err, out)
	}
	if changes := unexpectedChanges(out); len(changes) > 0 {
		t.Errorf("%s: FRR runs the file otherwise than written; frr-reload.py --test would change:\n%s", d.Name, strings.Join(changes, "\n"))
	}
	running, err := lab.Vtysh(d.Name, "show running-config")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(running, "\n")
	for _, want := range strings.Split(string(conf), "\n") {
		if strings.HasPrefix(strings.TrimSpace(want), "advertise") || strings.HasPrefix(want, "vrf ") || strings.HasPrefix(want, " vni ") {
			if !slices.Contains(lines, want) {
				t.Errorf("%s: the running config has no line %q", d.Name, want)
			}
		}
	}
}

// l2vni gives a router VNI 100 on a plain bridge, sourced from its
// loopback, as ifupdown2 would give a VTEP.
func l2vni(t *testing.T, lab *frrlab.Lab, router, local string) {
	t.Helper()
	ns := lab.Pathspace(router)
	for _, args := range [][]string{
		{"link", "add", "br100", "type", "bridge"},
		{"link", "add", "vx100", "type", "vxlan", "id", "100", "local", local, "dstport", "4789", "nolearning"},
		{"link", "set", "vx100", "master", "br100"},
		{"link", "set", "br100", "up"},
		{"link", "set", "vx100", "up"},
	} {
		if out, err := exec.Command("ip", append([]string{"-n", ns}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("%s: ip %v: %v: %s", router, args, err, out)
		}
	}
}

// waitEVPN waits until router holds the type-3 route of vtep with next
// hop nexthop and an AS path starting with path.
func waitEVPN(t *testing.T, lab *frrlab.Lab, router, vtep, nexthop, path string) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	last := ""
	for {
		out, err := lab.Vtysh(router, "show bgp l2vpn evpn route type multicast json")
		if err == nil {
			last = out
			for _, p := range type3Paths(out, vtep) {
				if p.nexthop == nexthop && strings.HasPrefix(p.asPath, path) {
					return
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s has no type-3 route of %s via %s with AS path %s… after 90s; last answer:\n%.2000s", router, vtep, nexthop, path, last)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

type evpnPath struct{ nexthop, asPath string }

// type3Paths reads the paths of vtep's type-3 routes from `show bgp l2vpn
// evpn route type multicast json`: route distinguishers, each holding
// routes by prefix, each with paths (a list of lists).
func type3Paths(out, vtep string) []evpnPath {
	var rds map[string]json.RawMessage
	if json.Unmarshal([]byte(out), &rds) != nil {
		return nil
	}
	var ps []evpnPath
	for _, raw := range rds {
		var routes map[string]json.RawMessage
		if json.Unmarshal(raw, &routes) != nil {
			continue
		}
		for prefix, r := range routes {
			if !strings.HasPrefix(prefix, "[3]:") || !strings.HasSuffix(prefix, "["+vtep+"]") {
				continue
			}
			var route struct {
				Paths [][]struct {
					Nexthops []struct {
						IP string `json:"ip"`
					} `json:"nexthops"`
					Path string `json:"path"`
				} `json:"paths"`
			}
			if json.Unmarshal(r, &route) != nil {
				continue
			}
			for _, group := range route.Paths {
				for _, p := range group {
					for _, nh := range p.Nexthops {
						ps = append(ps, evpnPath{nh.IP, p.Path})
					}
				}
			}
		}
	}
	return ps
}
