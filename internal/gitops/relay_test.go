package gitops_test

import (
	"path"
	"strings"
	"testing"

	"underlay.dev/underlay/internal/gitops"
	"underlay.dev/underlay/internal/intent"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/platform"
	"underlay.dev/underlay/internal/render"
	"underlay.dev/underlay/internal/render/renderers"
	"underlay.dev/underlay/internal/resolve"
)

// cumulusOnly renders Cumulus devices for real and gives every other
// device one placeholder file: the tree's handling of the optional key is
// what this tests, not the other renderers.
func cumulusOnly(p model.Platform) (render.Renderer, error) {
	r, err := renderers.For(p)
	if p == model.PlatformCumulus || err != nil {
		return r, err
	}
	return placeholder{r}, nil
}

type placeholder struct{ render.Renderer }

func (placeholder) Render(*model.Fabric, *model.Device) ([]render.File, error) {
	return []render.File{{Name: "placeholder", Content: []byte("x\n")}}, nil
}

// TestRelayKeyIsOptional builds the bare-metal example's tree (issue #11):
// a Cumulus leaf that relays DHCP has isc-dhcp-relay in its ConfigMap and
// an agent with /etc/default and --dhcp-relay-file; the Cumulus spine has
// neither, so a fabric without relays renders as before.
func TestRelayKeyIsOptional(t *testing.T) {
	doc, err := intent.Load("../render/cumulus/testdata/baremetal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	res, errs := resolve.Resolve(doc.Fabric, nil)
	if len(errs) > 0 {
		t.Fatal(doc.Locate(errs))
	}
	f := res.Fabric
	f.Agent = &model.Agent{Image: "underlay-agent:test", HealthTimeout: 30}
	tree, err := gitops.Build(f, cumulusOnly)
	if err != nil {
		t.Fatal(err)
	}
	files, err := tree.Files()
	if err != nil {
		t.Fatal(err)
	}
	for dev, relays := range map[string]bool{"leaf1": true, "leaf2": true, "spine1": false} {
		_, hasFile := files[path.Join(dev, platform.FileDHCPRelay)]
		kust := string(files[path.Join(dev, gitops.KustomizationFile)])
		agent := string(files[path.Join(dev, gitops.AgentFile)])
		for what, got := range map[string]bool{
			"the file":               hasFile,
			"the ConfigMap's key":    strings.Contains(kust, "- "+platform.FileDHCPRelay+"\n"),
			"the /etc/default mount": strings.Contains(agent, "path: "+platform.DHCPRelayDir+"\n"),
			"the --dhcp-relay-file":  strings.Contains(agent, "--dhcp-relay-file="+platform.DHCPRelayDir+"/"+platform.FileDHCPRelay),
		} {
			if got != relays {
				t.Errorf("%s (relays: %v): has %s: %v", dev, relays, what, got)
			}
		}
	}
}
