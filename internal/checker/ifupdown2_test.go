package checker

import (
	"context"
	"os"
	"strings"
	"testing"
)

func TestIfupdown2(t *testing.T) {
	if testing.Short() {
		t.Skip("runs ifupdown2 (about 0.3 s per file)")
	}
	if os.Geteuid() != 0 {
		unavailable(t, "needs root for mount and network namespaces")
	}
	tests := []struct {
		name    string
		file    string
		wantErr string // substring of the error; "" means valid
	}{
		{name: "valid", file: "auto lo\niface lo inet loopback\n    address 192.0.2.1/32\n    address fd00::1/128\n\n" +
			"auto swp1\niface swp1\n    mtu 9216\n    address 10.0.0.1/31\n\nauto swp2\niface swp2\n"},
		// Accepted by Debian's default addon_syntax_check=0: proves the
		// check runs in strict mode.
		{name: "unknown keyword", file: "auto swp1\niface swp1\n    bogus-keyword 1\n", wantErr: "bogus-keyword"},
		{name: "mtu out of range", file: "auto swp1\niface swp1\n    mtu 10000\n", wantErr: "mtu"},
		{name: "bad address", file: "auto swp1\niface swp1\n    address 10.0.0.300/31\n", wantErr: "10.0.0.300"},
		{name: "bad enum", file: "auto bond0\niface bond0\n    bond-slaves swp1\n    bond-mode 802.3adx\n", wantErr: "802.3adx"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Ifupdown2(context.Background(), []byte(tt.file))
			requireInstalled(t, err)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("valid file rejected: %v", err)
			case tt.wantErr != "" && err == nil:
				t.Fatalf("invalid file accepted, want an error with %q", tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Fatalf("error %q does not mention %q", err, tt.wantErr)
			}
		})
	}
}

// TestIfupdown2LeavesHostAlone: the strict config and the lock and state
// dirs exist only inside the check's namespaces.
func TestIfupdown2LeavesHostAlone(t *testing.T) {
	if testing.Short() {
		t.Skip("runs ifupdown2")
	}
	if os.Geteuid() != 0 {
		unavailable(t, "runs ifupdown2 as root")
	}
	before, err := os.ReadFile(ifupdown2Conf)
	requireInstalled(t, Ifupdown2(context.Background(), []byte("auto lo\niface lo inet loopback\n")))
	if err != nil {
		t.Fatal(err)
	}
	after, err := os.ReadFile(ifupdown2Conf)
	if err != nil || string(after) != string(before) {
		t.Fatalf("host %s changed (err %v)", ifupdown2Conf, err)
	}
	if _, err := os.Stat("/run/network/.lock"); err == nil {
		t.Error("ifup left its lock in the host's /run/network")
	}
}

func TestCheckConf(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"debian default", "use_daemon=no\ntemplate_enable=1\ntemplate_engine=mako\naddon_syntax_check=0\n" +
			"addon_scripts_support=1\ndisable_cli_interfacesfile=1\nstate_dir=/x\n",
			"use_daemon=no\ntemplate_enable=0\ntemplate_engine=mako\naddon_syntax_check=1\n" +
				"addon_scripts_support=0\ndisable_cli_interfacesfile=0\nstate_dir=/x\n"},
		{"missing", "use_daemon=no\n", "use_daemon=no\naddon_syntax_check=1\ntemplate_enable=0\n" +
			"addon_scripts_support=0\ndisable_cli_interfacesfile=0\n"},
		{"spaced, no final newline", "addon_syntax_check = 0\ntemplate_enable= 1", "addon_syntax_check=1\ntemplate_enable=0\n" +
			"addon_scripts_support=0\ndisable_cli_interfacesfile=0\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(checkConf([]byte(tt.in))); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
