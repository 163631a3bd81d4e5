package k8snode

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"underlay.dev/underlay/internal/checker"
	"underlay.dev/underlay/internal/testutil/golden"
)

func load(t *testing.T, fixture string) *Objects {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", fixture))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var o Objects
	if err := o.Decode(fixture, f); err != nil {
		t.Fatal(err)
	}
	return &o
}

// TestNodeConfigs derives each fixture node's configuration, writes it for
// its speaker, and checks the file with the speaker's own parser.
func TestNodeConfigs(t *testing.T) {
	for _, tt := range []struct {
		name, fixture, node string
		write               func(*Config) ([]byte, error)
		check               func(t *testing.T, conf []byte)
	}{
		{"calico-1", "calico.yaml", "calico-1", BIRDConfig, checkBIRD},
		{"calico-2", "calico.yaml", "calico-2", BIRDConfig, checkBIRD},
		{"cilium-1", "cilium.yaml", "cilium-1", nil, nil},
		{"cilium-u1-default-route", "cilium-unnumbered.yaml", "cilium-u1", nil, nil},
		{"cilium-u2-interface", "cilium-unnumbered.yaml", "cilium-u2", nil, nil},
		{"frr-1", "frr-k8s.yaml", "frr-1", FRRConfig, checkFRR},
		{"frr-2-unnumbered", "frr-k8s-unnumbered.yaml", "frr-2", FRRConfig, checkFRR},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := load(t, tt.fixture).Node(tt.node)
			if err != nil {
				t.Fatal(err)
			}
			js, err := json.MarshalIndent(c, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, "TestNodeConfigs/"+tt.name+".json", append(js, '\n'))
			if tt.write == nil {
				return
			}
			conf, err := tt.write(c)
			if err != nil {
				t.Fatal(err)
			}
			golden.Assert(t, "TestNodeConfigs/"+tt.name+".conf", conf)
			if !testing.Short() {
				tt.check(t, conf)
			}
		})
	}
}

func checkBIRD(t *testing.T, conf []byte) {
	if _, err := exec.LookPath("bird"); err != nil {
		golden.Unavailable(t, "bird not installed (bash hack/deps.sh)")
	}
	p := filepath.Join(t.TempDir(), "bird.conf")
	if err := os.WriteFile(p, conf, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "bird", "-p", "-c", p).CombinedOutput(); err != nil {
		t.Fatalf("bird -p -c %s: %v: %s", p, err, out)
	}
}

func checkFRR(t *testing.T, conf []byte) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	golden.Checked(t, "vtysh -C", checker.FRR(ctx, conf))
}

func TestNodeErrors(t *testing.T) {
	for _, tt := range []struct {
		name, yaml, node, wantErr string
	}{
		{"mesh on", "apiVersion: projectcalico.org/v3\nkind: BGPConfiguration\nmetadata: {name: default}\nspec: {}\n", "n",
			"nodeToNodeMeshEnabled is not false"},
		{"unknown kind", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n", "n", "not a kind the node emulation reads"},
		{"no cni", "apiVersion: v1\nkind: Node\nmetadata: {name: n}\n", "n", "want exactly one"},
		{"bad selector", "apiVersion: projectcalico.org/v3\nkind: BGPPeer\nmetadata: {name: p}\nspec: {nodeSelector: \"a ==\", peerIP: 10.0.0.1, asNumber: 1}\n" +
			"---\napiVersion: projectcalico.org/v3\nkind: BGPConfiguration\nmetadata: {name: default}\nspec: {nodeToNodeMeshEnabled: false}\n" +
			"---\napiVersion: v1\nkind: Node\nmetadata: {name: node1, labels: {a: b}}\nstatus: {addresses: [{type: InternalIP, address: 10.0.0.2}]}\n", "node1",
			`BGPPeer p: selector "a ==": want a quoted string`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var o Objects
			err := o.Decode("test.yaml", strings.NewReader(tt.yaml))
			if err == nil {
				_, err = o.Node(tt.node)
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("got error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestCalicoSelector(t *testing.T) {
	labels := map[string]string{"kubernetes.io/hostname": "n1", "rack": "r1"}
	for _, tt := range []struct {
		sel  string
		want bool
	}{
		{"all()", true},
		{"", false},
		{"kubernetes.io/hostname in {'n1', 'n2'}", true},
		{"kubernetes.io/hostname not in {'n1'}", false},
		{"rack == 'r1' && !has(spare)", true},
		{"rack != 'r1' || (has(rack) && rack == \"r1\")", true},
		{"rack == 'r2'", false},
	} {
		s, err := parseCalicoSelector(tt.sel)
		if err != nil {
			t.Fatalf("%q: %v", tt.sel, err)
		}
		if got := s(labels); got != tt.want {
			t.Errorf("%q: got %v, want %v", tt.sel, got, tt.want)
		}
	}
}
