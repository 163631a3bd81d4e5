package ribdiff

import (
	"strings"
	"testing"
)

// TestAdmits: a prediction of k of n admits exactly the k-subsets of its
// candidates that hold the best path's next hop, gateways included.
func TestAdmits(t *testing.T) {
	hop := func(i, gw string) Hop { return Hop{Interface: "swp" + i, Gateway: gw} }
	kofn := Expect{Candidates: []Hop{hop("1", LinkLocal), hop("2", LinkLocal), hop("3", LinkLocal), hop("4", LinkLocal)},
		Width: 2, Best: hop("1", LinkLocal)}
	numbered := Expect{Candidates: []Hop{hop("1", "10.0.0.0"), hop("2", "10.0.0.2")}, Width: 2, Best: hop("1", "10.0.0.0")}
	tests := []struct {
		name string
		e    Expect
		got  []Hop
		want string // "" = admitted
	}{
		{"k of n", kofn, []Hop{hop("1", LinkLocal), hop("3", LinkLocal)}, ""},
		{"another k of n", kofn, []Hop{hop("1", LinkLocal), hop("4", LinkLocal)}, ""},
		{"too many", kofn, []Hop{hop("1", LinkLocal), hop("2", LinkLocal), hop("3", LinkLocal)}, "3 next hop(s) installed, predicted 2"},
		{"too few", kofn, []Hop{hop("1", LinkLocal)}, "1 next hop(s) installed, predicted 2"},
		{"best missing", kofn, []Hop{hop("2", LinkLocal), hop("3", LinkLocal)}, "the best path's next hop swp1 link-local is not installed"},
		{"not a candidate", kofn, []Hop{hop("1", LinkLocal), hop("9", LinkLocal)}, "swp9 link-local is not a predicted candidate"},
		{"twice", kofn, []Hop{hop("1", LinkLocal), hop("1", LinkLocal)}, "swp1 link-local is installed twice"},
		{"exact", numbered, []Hop{hop("1", "10.0.0.0"), hop("2", "10.0.0.2")}, ""},
		{"wrong gateway", numbered, []Hop{hop("1", "10.0.0.0"), hop("2", LinkLocal)}, "swp2 link-local is not a predicted candidate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.e.Admits(tt.got); got != tt.want {
				t.Errorf("Admits(%v) = %q, want %q", tt.got, got, tt.want)
			}
		})
	}
}

func TestCompare(t *testing.T) {
	want := Prediction{
		"10.255.0.1/32": {Candidates: []Hop{{"swp1", LinkLocal}, {"swp2", LinkLocal}}, Width: 1, Best: Hop{"swp1", LinkLocal}},
		"10.255.0.2/32": {Candidates: []Hop{{"swp1", LinkLocal}}, Width: 1, Best: Hop{"swp1", LinkLocal}},
	}
	got := RIB{"10.255.0.1/32": {{"swp1", LinkLocal}}, "10.255.0.9/32": {{"swp2", LinkLocal}}}
	diffs := Compare("leaf1", want, got)
	wantDiffs := []string{
		"leaf1 10.255.0.2/32: predicted via swp1 link-local, FRR has no route",
		"leaf1 10.255.0.9/32: FRR has it via [swp2 link-local], verify predicts no route",
	}
	if strings.Join(diffs, "\n") != strings.Join(wantDiffs, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(diffs, "\n"), strings.Join(wantDiffs, "\n"))
	}
	if s := want["10.255.0.1/32"].String(); s != "any 1 of [swp1 link-local, swp2 link-local] including swp1 link-local" {
		t.Errorf("k-of-n prediction reads %q", s)
	}
}

func TestGateway(t *testing.T) {
	for in, want := range map[string]string{"fe80::1": LinkLocal, "10.0.0.1": "10.0.0.1", "fd00::1": "fd00::1", "": ""} {
		if got := gateway(in); got != want {
			t.Errorf("gateway(%q) = %q, want %q", in, got, want)
		}
	}
}
