package driver

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/platform"
)

// TestDriverFilesAreTheDescriptors: each platform's driver consumes
// exactly the ConfigMap keys its descriptor says the renderer emits.
func TestDriverFilesAreTheDescriptors(t *testing.T) {
	for _, desc := range platform.All() {
		t.Run(string(desc.Name), func(t *testing.T) {
			d, _, err := For(desc.Name, Options{})
			if err != nil {
				t.Fatal(err)
			}
			got := slices.Sorted(slices.Values(d.Files()))
			if diff := cmp.Diff(desc.Files, got); diff != "" {
				t.Errorf("driver files (-descriptor +driver):\n%s", diff)
			}
		})
	}
}

// TestHostPaths pins what each driver opens on its host with the
// defaults, and that a SONiC command prefix moves the probe's vtysh off
// the host while the files handed to the commands stay on it.
func TestHostPaths(t *testing.T) {
	tests := []struct {
		name string
		o    Options
		p    string
		want []string
	}{
		{"cumulus", Options{}, "cumulus", []string{"/etc/frr/frr.conf", "/etc/network/interfaces", "/var/run/frr"}},
		{"cumulus relaying", Options{DHCPRelayFile: "/etc/default/isc-dhcp-relay"}, "cumulus",
			[]string{"/etc/default/isc-dhcp-relay", "/etc/frr/frr.conf", "/etc/network/interfaces", "/var/run/frr"}},
		{"linux-frr", Options{}, "linux-frr", []string{"/etc/frr/frr.conf", "/var/run/frr"}},
		{"nvue", Options{NVUECredentials: "/c"}, "nvue", []string{"/c", "/var/run/frr", "/var/run/nvue/nvue.sock"}},
		{"sonic defaults", Options{}, "sonic", []string{"(the system temp dir)", "/etc/sonic/config_db.json", "/etc/sonic/frr/frr.conf"}},
		{"sonic nsenter", Options{SONiCCLI: []string{"nsenter", "--"}, SONiCDir: "/etc/sonic"}, "sonic",
			[]string{"/etc/sonic", "/etc/sonic/config_db.json", "/etc/sonic/frr/frr.conf"}},
		{"sonic lab", Options{FRRPathspace: "ps", SONiCDir: "/lab/sonic"}, "sonic",
			[]string{"/lab/sonic", "/lab/sonic/config_db.json", "/lab/sonic/frr/frr.conf", "/var/run/frr/ps"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, p, err := For(model.Platform(tt.p), tt.o)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, HostPaths(d, p)); diff != "" {
				t.Errorf("host paths (-want +got):\n%s", diff)
			}
		})
	}
	_, p, _ := For("sonic", Options{SONiCCLI: []string{"nsenter", "--"}})
	if got := p.(*FRR).Exec; !slices.Equal(got, []string{"nsenter", "--", "docker", "exec", "bgp"}) {
		t.Errorf("SONiC probe runs vtysh through %q, want the SONiC command prefix, then docker exec bgp", got)
	}
}
