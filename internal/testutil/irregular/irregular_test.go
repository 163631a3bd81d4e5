package irregular_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"underlay.dev/underlay/internal/cli"
	"underlay.dev/underlay/internal/testutil/irregular"
)

// TestSeedsAreValidAndRender: every seed gives an intent that validate
// accepts, render writes and verify simulates (pass or fail, never a
// usage error or a crash), and the same seed gives the same bytes.
func TestSeedsAreValidAndRender(t *testing.T) {
	seeds := 200
	if testing.Short() {
		seeds = 20
	}
	for seed := uint64(1); seed <= uint64(seeds); seed++ {
		f := irregular.Generate(seed)
		if again := irregular.Generate(seed); again.YAML != f.YAML {
			t.Fatalf("seed %d: two runs differ", seed)
		}
		dir := t.TempDir()
		path := filepath.Join(dir, "fabric.yaml")
		if err := os.WriteFile(path, []byte(f.YAML), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{
			{"validate", path},
			{"render", path, "-o", filepath.Join(dir, "out")},
			{"verify", path},
		} {
			var out, errb bytes.Buffer
			code := cli.Main(args, &out, &errb)
			if code == 0 || (args[0] == "verify" && code == cli.ExitFailed) {
				continue
			}
			t.Errorf("seed %d (%s): underlay %s exit %d:\n%s%s\n%s", seed, f.Summary, args[0], code, out.String(), errb.String(), f.YAML)
			break
		}
	}
}
