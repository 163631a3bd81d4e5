package lab_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"underlay.dev/underlay/internal/testutil/irregular"
	"underlay.dev/underlay/internal/testutil/ribdiff"
)

// propertySeeds are the seeds `make test` runs, chosen between them to
// cover every platform: a 5-stage fabric with asymmetric pods, a missing
// link, multipath-relax off and an ASN per spine (5); dual-stack with
// dual-homed hosts, missing links and multipath-relax off (16); ECMP and
// maximum-paths below the number of equal paths ("k of n") with mixed
// numbering (23). TestPropertySeedsCoverWhatTheySay checks the summaries,
// the default run that ECMP and k of n were compared. `make soak SEEDS=N`
// runs seeds 1..N instead (UNDERLAY_SEEDS=N, or a list "3,17,40" to rerun
// the failing ones).
var propertySeeds = []uint64{5, 16, 23}

// TestPropertyIrregularFabrics runs seeded irregular fabrics in the lab and
// compares every device's RIB with verify's prediction. A failing seed is
// a reproducible bug in verify, a renderer, an emulation or the lab; the
// test ends with the list of failing seeds and how to rerun them.
func TestPropertyIrregularFabrics(t *testing.T) {
	requireLab(t)
	seeds, err := seedsToRun(os.Getenv("UNDERLAY_SEEDS"))
	if err != nil {
		t.Fatal(err)
	}
	var failed []string
	var total ribdiff.Counts
	t.Cleanup(func() {
		t.Logf("compared %d routes (%d with ECMP, %d of them k-of-n) over %d seeds", total.Routes, total.ECMP, total.KofN, len(seeds))
		if len(failed) > 0 {
			t.Logf("failing seeds: %s (rerun: make soak SEEDS=%s)", strings.Join(failed, " "), strings.Join(failed, ","))
		} else {
			t.Logf("all %d seeds matched", len(seeds))
		}
	})
	for _, seed := range seeds {
		f := irregular.Generate(seed)
		ok := t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			t.Logf("seed %d: %s", seed, f.Summary)
			path := filepath.Join(t.TempDir(), "fabric.yaml")
			if err := os.WriteFile(path, []byte(f.YAML), 0o644); err != nil {
				t.Fatal(err)
			}
			defer func() {
				if t.Failed() {
					t.Logf("the intent of seed %d:\n%s", seed, f.YAML)
				}
			}()
			// Small irregular fabrics may have no ECMP at all (maximum-paths
			// 1); every one has routes.
			n := predictionMatches(t, path, ribdiff.Counts{Routes: 1})
			total.Routes, total.ECMP, total.KofN = total.Routes+n.Routes, total.ECMP+n.ECMP, total.KofN+n.KofN
		})
		if !ok {
			failed = append(failed, strconv.FormatUint(seed, 10))
		}
	}
	if os.Getenv("UNDERLAY_SEEDS") == "" && len(failed) == 0 && (total.ECMP == 0 || total.KofN == 0) {
		t.Errorf("the default seeds compared %+v: no ECMP or no k of n, so they prove less than their comment says", total)
	}
}

// seedsToRun reads UNDERLAY_SEEDS: empty for the default seeds, N for
// seeds 1..N, or a comma-separated list.
func seedsToRun(env string) ([]uint64, error) {
	if env == "" {
		return propertySeeds, nil
	}
	if !strings.Contains(env, ",") {
		n, err := strconv.ParseUint(env, 10, 32)
		if err != nil || n == 0 {
			return nil, fmt.Errorf("UNDERLAY_SEEDS=%q: want a count N (seeds 1..N) or a list 3,17,40", env)
		}
		seeds := make([]uint64, n)
		for i := range seeds {
			seeds[i] = uint64(i) + 1
		}
		return seeds, nil
	}
	var seeds []uint64
	for _, s := range strings.Split(env, ",") {
		n, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("UNDERLAY_SEEDS=%q: %q is not a seed", env, s)
		}
		seeds = append(seeds, n)
	}
	return seeds, nil
}

// TestPropertySeedsCoverWhatTheySay keeps propertySeeds honest: between
// them the default seeds must hold what their comment promises, so a
// change to the generator cannot quietly thin out what make test proves.
func TestPropertySeedsCoverWhatTheySay(t *testing.T) {
	var all strings.Builder
	for _, seed := range propertySeeds {
		all.WriteString(irregular.Generate(seed).Summary + ", ")
	}
	for _, want := range []string{"5-stage", "dual-stack", "multipath-relax off", "an ASN per spine",
		"dual-homed", "maximum-paths 2", "numbered", "cumulus", "nvue", "sonic", "linux-frr", "no "} {
		if !strings.Contains(all.String(), want) {
			t.Errorf("the default seeds %v lack %q: %s", propertySeeds, want, all.String())
		}
	}
}
