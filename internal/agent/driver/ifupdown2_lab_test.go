package driver

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"underlay.dev/underlay/internal/agent/store"
	"underlay.dev/underlay/internal/model/modeltest"
	"underlay.dev/underlay/internal/render/ifupdown2"
	"underlay.dev/underlay/internal/testutil/frrlab"
	"underlay.dev/underlay/internal/testutil/golden"
)

// TestIfupdown2InNamespace applies the seed lab's rendered leaf1
// interfaces file with real ifreload inside a network namespace, then a
// change (change #738's extra loopback), and refuses a bad file.
func TestIfupdown2InNamespace(t *testing.T) {
	if testing.Short() {
		t.Skip("runs ifreload in a network namespace")
	}
	frrlab.Require(t)
	if _, err := exec.LookPath("ifreload"); err != nil {
		golden.Unavailable(t, "ifupdown2 not installed")
	}
	ns := "ulif-" + strings.ReplaceAll(t.Name(), "/", "-")[:8]
	for _, args := range [][]string{{"netns", "add", ns}, {"link", "add", "swp1", "netns", ns, "type", "veth", "peer", "name", "swp1p", "netns", ns}} {
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %v: %v: %s", args, err, out)
		}
	}
	defer func() {
		if out, err := exec.Command("ip", "netns", "del", ns).CombinedOutput(); err != nil {
			t.Errorf("ip netns del %s (the namespace is left behind): %v: %s", ns, err, out)
		}
	}()
	f := modeltest.SeedLab()
	leaf1 := f.Devices[0]
	conf, err := ifupdown2.Render(f, leaf1)
	if err != nil {
		t.Fatal(err)
	}
	d := &Ifupdown2{Path: filepath.Join(t.TempDir(), "interfaces"), Netns: ns}
	ctx := context.Background()
	if err := d.Apply(ctx, store.Files{"interfaces": conf}); err != nil {
		t.Fatal(err)
	}
	assertAddr(t, ns, "swp1", "10.0.0.1/31")
	assertAddr(t, ns, "lo", "192.0.2.1/32")
	// ifupdown2 sets the MTU through /sys, which must be the namespace's.
	assertAddr(t, ns, "swp1", "mtu 9216")

	changed := strings.Replace(string(conf), "    address 192.0.2.1/32\n", "    address 192.0.2.1/32\n    address 198.51.100.1/32\n", 1)
	if err := d.Apply(ctx, store.Files{"interfaces": []byte(changed)}); err != nil {
		t.Fatal(err)
	}
	assertAddr(t, ns, "lo", "198.51.100.1/32")
	assertAddr(t, ns, "swp1", "10.0.0.1/31")

	// Drift: none after the apply; an address removed by hand shows.
	cur := store.Files{"interfaces": []byte(changed)}
	if diff, err := d.Drift(ctx, cur); err != nil || diff != "" {
		t.Fatalf("drift right after apply: %q, %v", diff, err)
	}
	if out, err := exec.Command("ip", "-n", ns, "addr", "del", "10.0.0.1/31", "dev", "swp1").CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if diff, err := d.Drift(ctx, cur); err != nil || !strings.Contains(diff, "swp1: address 10.0.0.1/31") {
		t.Errorf("drift after removing an address by hand: %q, %v", diff, err)
	}

	bad := store.Files{"interfaces": []byte(changed + "    bogus-keyword 1\n")}
	if err := d.Precheck(ctx, bad); err == nil {
		t.Error("pre-check accepted an unknown keyword")
	}

	// A switch's own file, as Capture reads it before the first apply,
	// holds what underlay never renders: Apply refuses it, Restore (the
	// rollback to the capture) puts it back.
	own := store.Files{"interfaces": []byte("auto lo\niface lo inet loopback\n\nauto swp1\niface swp1\n    post-up ip link set dev swp1 mtu 1400\n")}
	if err := d.Apply(ctx, own); err == nil {
		t.Error("Apply accepted a post-up hook")
	}
	if err := Restore(ctx, d, own); err != nil {
		t.Fatalf("restoring the switch's own file: %v", err)
	}
	assertAddr(t, ns, "swp1", "mtu 1400")
}

func assertAddr(t *testing.T, ns, dev, addr string) {
	t.Helper()
	out, _ := exec.Command("ip", "-n", ns, "addr", "show", "dev", dev).CombinedOutput()
	if !strings.Contains(string(out), addr) {
		t.Errorf("%s in %s lacks %s:\n%s", dev, ns, addr, out)
	}
}
