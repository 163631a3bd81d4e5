package cumulus

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"underlay.dev/underlay/internal/checker"
	"underlay.dev/underlay/internal/intent"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/model/modeltest"
	"underlay.dev/underlay/internal/platform"
	"underlay.dev/underlay/internal/render/frr/frrtest"
	"underlay.dev/underlay/internal/resolve"
	"underlay.dev/underlay/internal/testutil/golden"
)

// TestRender renders every cumulus device of the fixtures: frr.conf must
// pass vtysh and interfaces must pass ifupdown2 in strict mode (skipped
// under -short).
func TestRender(t *testing.T) {
	if got := (Renderer{}).Platform(); got != model.PlatformCumulus {
		t.Fatalf("Platform() = %q", got)
	}
	for _, fx := range []struct {
		name   string
		fabric *model.Fabric
	}{{"seedlab", modeltest.SeedLab()}, {"unnumbered", modeltest.Unnumbered()}} {
		for _, d := range fx.fabric.Devices {
			if d.Platform != model.PlatformCumulus {
				continue
			}
			t.Run(fx.name+"/"+d.Name, func(t *testing.T) {
				files, err := Renderer{}.Render(fx.fabric, d)
				if err != nil {
					t.Fatal(err)
				}
				var names []string
				for _, f := range files {
					names = append(names, f.Name)
					golden.Assert(t, "TestRender/"+fx.name+"-"+d.Name+"/"+f.Name, f.Content)
				}
				if diff := cmp.Diff([]string{"frr.conf", "interfaces"}, names); diff != "" {
					t.Fatalf("files (-want +got):\n%s", diff)
				}
				golden.Checked(t, "vtysh -C", checker.FRR(context.Background(), files[0].Content))
				if !testing.Short() {
					golden.Checked(t, "ifup -s", checker.Ifupdown2(context.Background(), files[1].Content))
				}
			})
		}
	}
}

// TestGoldenPeers renders leaf1 of frrtest.Peers (external neighbours,
// over an address and over swp22, a group, a second instance) for
// Cumulus: the port an external neighbour peers over must come up, so
// interfaces has a stanza for it, and both files pass their checkers.
func TestGoldenPeers(t *testing.T) {
	f, leaf1 := frrtest.Peers()
	files, err := Renderer{}.Render(f, leaf1)
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		golden.Assert(t, "TestGoldenPeers/"+leaf1.Name+"/"+file.Name, file.Content)
	}
	if !strings.Contains(string(files[1].Content), "\nauto swp22\niface swp22\n") {
		t.Error("interfaces does not bring up swp22, which fw2 peers over")
	}
	golden.Checked(t, "vtysh -C", checker.FRR(context.Background(), files[0].Content))
	if !testing.Short() {
		golden.Checked(t, "ifup -s", checker.Ifupdown2(context.Background(), files[1].Content))
	}
}

// TestServers renders the Cumulus devices of the bare-metal example
// (examples/baremetal): a leaf that relays DHCP gets
// isc-dhcp-relay beside frr.conf and interfaces, a spine does not (the
// key is optional), and the file list stays sorted.
func TestServers(t *testing.T) {
	doc, err := intent.Load("../../../examples/baremetal/fabric.yaml")
	if err != nil {
		t.Fatal(err)
	}
	res, errs := resolve.Resolve(doc.Fabric, nil)
	if len(errs) > 0 {
		t.Fatal(doc.Locate(errs))
	}
	for _, d := range res.Fabric.Devices {
		if d.Platform != model.PlatformCumulus {
			continue
		}
		files, err := Renderer{}.Render(res.Fabric, d)
		if err != nil {
			t.Fatalf("%s: %v", d.Name, err)
		}
		var names []string
		for _, f := range files {
			names = append(names, f.Name)
		}
		want := []string{platform.FileFRR, platform.FileInterfaces}
		if len(d.Relays) > 0 {
			want = append(want, platform.FileDHCPRelay)
		}
		if diff := cmp.Diff(want, names); diff != "" {
			t.Errorf("%s files (-want +got):\n%s", d.Name, diff)
		}
		if d.Role == model.RoleLeaf && len(d.Relays) == 0 {
			t.Errorf("%s: the example's leaves all relay", d.Name)
		}
	}
}
