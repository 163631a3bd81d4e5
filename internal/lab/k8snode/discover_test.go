package k8snode

import (
	"os"
	"strings"
	"testing"
)

// TestCiliumDiscoveryRefusesWhatCiliumRefuses: an autoDiscovery the
// CRD's rules or enums reject is an error naming the field and what it
// takes, not a peer the emulation guesses at.
func TestCiliumDiscoveryRefusesWhatCiliumRefuses(t *testing.T) {
	for _, tt := range []struct{ name, doc, want string }{
		{"unknown mode", `{"mode": "Guess"}`, `autoDiscovery mode "Guess": want Unnumbered`},
		{"DefaultGateway without defaultGateway", `{"mode": "DefaultGateway"}`, `autoDiscovery mode "DefaultGateway"`},
		{"unknown family", `{"mode": "Unnumbered", "defaultGateway": {"addressFamily": "ipx"}}`, `addressFamily "ipx": want ipv4 or ipv6`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b, err := os.ReadFile("testdata/cilium-unnumbered.yaml")
			if err != nil {
				t.Fatal(err)
			}
			doc := strings.Replace(string(b),
				"autoDiscovery:\n        mode: Unnumbered\n        defaultGateway: {addressFamily: ipv6}", "autoDiscovery: "+tt.doc, 1)
			o := &Objects{}
			if err := o.Decode("cilium-unnumbered.yaml", strings.NewReader(doc)); err != nil {
				t.Fatal(err)
			}
			_, err = o.Node("cilium-u1")
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "peer leaf1") {
				t.Fatalf("got %v, want an error on peer leaf1 containing %q", err, tt.want)
			}
		})
	}
}
