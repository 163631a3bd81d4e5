package sonic

import (
	"context"
	"slices"
	"strings"
	"testing"

	"underlay.dev/underlay/internal/checker"
	"underlay.dev/underlay/internal/checker/sonicyang"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/model/modeltest"
	"underlay.dev/underlay/internal/platform"
)

// TestRenderOptions: a SONiC leaf runs split, so a cluster's session
// settings on its group and external neighbours are frr.conf lines
// (render/frr's, checked with vtysh here); config_db.json is the same
// with or without them and passes the YANG models.
func TestRenderOptions(t *testing.T) {
	plain := files(t, nil)
	tests := []struct {
		name string
		opts model.SessionOptions
		want []string
	}{
		{"internal", model.SessionOptions{Internal: true}, []string{" neighbor k8s-rack1 remote-as internal",
			"  neighbor k8s-rack1 route-reflector-client", "  neighbor k8s-rack1 next-hop-self", "  maximum-paths ibgp 64",
			" neighbor Ethernet24 interface remote-as internal"}},
		{"as-override", model.SessionOptions{ASOverride: true}, []string{"  neighbor k8s-rack1 as-override"}},
		{"default-originate", model.SessionOptions{DefaultOriginate: true}, []string{"  neighbor k8s-rack1 default-originate"}},
		{"bfd", model.SessionOptions{BFD: true}, []string{" neighbor k8s-rack1 bfd", " neighbor 192.168.10.2 bfd"}},
		{"graceful-restart", model.SessionOptions{GracefulRestart: true}, []string{" neighbor k8s-rack1 graceful-restart-helper"}},
		{"timers", model.SessionOptions{Keepalive: 10, Hold: 30}, []string{" neighbor Ethernet24 timers 10 30"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.opts
			got := files(t, &o)
			if got[platform.FileConfigDB] != plain[platform.FileConfigDB] {
				t.Error("config_db.json changes with the session options, which are frr.conf's")
			}
			lines := strings.Split(got[platform.FileFRR], "\n")
			for _, want := range tt.want {
				if !slices.Contains(lines, want) {
					t.Errorf("frr.conf has no line %q", want)
				}
			}
			if err := checker.FRR(context.Background(), []byte(got[platform.FileFRR])); err != nil {
				t.Error(err)
			}
		})
	}
	if testing.Short() {
		return
	}
	schema, err := sonicyang.Shared()
	if err == nil {
		err = schema.Check(context.Background(), []byte(plain[platform.FileConfigDB]))
	}
	if err != nil {
		t.Error(err)
	}
}

// files renders border1 of outside with the options o on its outside
// sessions (none when nil), by file name.
func files(t *testing.T, o *model.SessionOptions) map[string]string {
	t.Helper()
	f := outside(t)
	var d *model.Device
	for _, x := range f.Devices {
		if x.Name == "border1" {
			d = x
		}
	}
	if o != nil {
		modeltest.WithOptions(d, *o)
	}
	rendered, err := Renderer{}.Render(f, d)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, file := range rendered {
		out[file.Name] = string(file.Content)
	}
	if out[platform.FileFRR] == "" {
		t.Fatalf("%s renders no frr.conf: it does not run split", d.Name)
	}
	return out
}

// TestUnifiedRefusesOptions: BGP_NEIGHBOR cannot say a cluster's session
// settings, so unified mode refuses them rather than drop them.
func TestUnifiedRefusesOptions(t *testing.T) {
	_, d := withExternal()
	modeltest.WithOptions(d, model.SessionOptions{BFD: true})
	if _, err := ConfigDB(d, false); err == nil || !strings.Contains(err.Error(), "the session to fw1 has a cluster's settings") {
		t.Errorf("got %v, want the refusal of fw1's settings", err)
	}
}
