package driver

import (
	"os"
	"path/filepath"
	"testing"

	"underlay.dev/underlay/internal/load"
	"underlay.dev/underlay/internal/render/renderers"
	"underlay.dev/underlay/internal/testutil/irregular"
)

// admissions maps each file a driver reads to its admission.
var admissions = map[string]func([]byte) error{
	"frr.conf":       admitFRR,
	"interfaces":     admitInterfaces,
	"nvue.yaml":      func(b []byte) error { _, err := admitNVUE(b); return err },
	"config_db.json": func(b []byte) error { _, err := admitSONiC(b); return err },
}

// TestAdmitIrregularFabrics: every file rendered for the property test's
// irregular fabrics (missing links, dual-homed hosts, mixed numbering,
// dual-stack, 5-stage, truncated maximum-paths, every platform and SONiC
// mode) passes its driver's admission: the allow-lists cover what
// underlay renders, not only the tidy shapes.
func TestAdmitIrregularFabrics(t *testing.T) {
	seeds := 60
	if testing.Short() {
		seeds = 10
	}
	count := map[string]int{}
	for seed := uint64(1); seed <= uint64(seeds); seed++ {
		path := filepath.Join(t.TempDir(), "fabric.yaml")
		if err := os.WriteFile(path, []byte(irregular.Generate(seed).YAML), 0o644); err != nil {
			t.Fatal(err)
		}
		l, err := load.File(path)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		for _, d := range l.Fabric.Devices {
			r, err := renderers.For(d.Platform)
			if err != nil {
				t.Fatal(err)
			}
			files, err := r.Render(l.Fabric, d)
			if err != nil {
				t.Fatalf("seed %d %s: %v", seed, d.Name, err)
			}
			for _, f := range files {
				if admit := admissions[f.Name]; admit != nil {
					count[f.Name]++
					if err := admit(f.Content); err != nil {
						t.Errorf("seed %d %s %s: %v", seed, d.Name, f.Name, err)
					}
				}
			}
		}
	}
	for name := range admissions {
		if count[name] == 0 {
			t.Fatalf("admitted %v: no %s rendered, the seeds lost a platform", count, name)
		}
	}
	t.Logf("admitted %v files of %d seeds", count, seeds)
}
