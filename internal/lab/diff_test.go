package lab_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"underlay.dev/underlay/internal/lab"
	"underlay.dev/underlay/internal/testutil/ribdiff"
)

// TestPredictionMatchesLab runs fabrics in the lab, every platform through
// its real path (ifupdown2, NVUE and SONiC emulations, the agents), and
// compares on every device the RIB underlay verify predicts with the one
// FRR installed: prefix → next-hop interfaces. Any difference is a bug in
// one of the two.
func TestPredictionMatchesLab(t *testing.T) {
	requireLab(t)
	gen := filepath.Join(t.TempDir(), "fabric.yaml")
	// 20 devices, numbered: SONiC spines in unified mode (bgpcfgd's
	// config from BGP_NEIGHBOR), NVUE leaves, two linux-frr hosts per
	// leaf. The unnumbered example covers split mode and unnumbered links.
	out, err := exec.Command(filepath.Join(binaries(t), "underlay"), "gen", "clos", "--name=gen20",
		"--spines=2", "--leaves=6", "--hosts-per-leaf=2", "--platform=nvue", "--spine-platform=sonic").Output()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(gen, out, 0o644); err != nil {
		t.Fatal(err)
	}
	for name, path := range map[string]string{
		"examples/unnumbered":             "../../examples/unnumbered/fabric.yaml",
		"generated 2x6+12, unified SONiC": gen,
	} {
		t.Run(name, func(t *testing.T) { predictionMatches(t, path, ribdiff.Counts{Routes: 50, ECMP: 10}) })
	}
}

// predictionMatches brings the fabric up and compares every device's RIB
// with verify's; least is what the comparison must at least cover.
func predictionMatches(t *testing.T, path string, least ribdiff.Counts) ribdiff.Counts {
	start := time.Now()
	ctx := testContext(t, 8*time.Minute)
	l := newLab(ctx, t, path, 30*time.Second)
	t.Logf("converged (up → every session Established) in %s", time.Since(start).Round(100*time.Millisecond))
	return ribdiff.Assert(t, fabric(t, path), func(device string) (ribdiff.RIB, error) {
		return ribdiff.FRR(func(c string) (string, error) { return vtysh(ctx, l, device, c) })
	}, 90*time.Second, least)
}

func vtysh(ctx context.Context, l *lab.Lab, device, command string) (string, error) {
	var out strings.Builder
	err := l.Exec(ctx, device, []string{"vtysh", "-c", command}, nil, &out, &out)
	return out.String(), err
}
