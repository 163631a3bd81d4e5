package cli

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"underlay.dev/underlay/internal/testutil/irregular"
)

// FuzzIntent feeds mutated intents to validate and verify: whatever the
// bytes, they exit 0 or 1 with a message, never panic or exit 2 (a usage
// error). Seeds: the examples and a few irregular fabrics. Run longer with
// go test ./internal/cli -run '^$' -fuzz FuzzIntent -fuzztime 5m.
func FuzzIntent(f *testing.F) {
	for _, ex := range []string{"seed-lab", "seed-lab-update", "unnumbered"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "examples", ex, "fabric.yaml"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for seed := uint64(1); seed <= 4; seed++ {
		f.Add([]byte(irregular.Generate(seed).YAML))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if len(src) > 64<<10 {
			t.Skip("larger than any intent the fuzzer needs")
		}
		path := filepath.Join(t.TempDir(), "fabric.yaml")
		if err := os.WriteFile(path, src, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, verb := range []string{"validate", "verify"} {
			if code := Main([]string{verb, path}, io.Discard, io.Discard); code != 0 && code != ExitFailed {
				t.Fatalf("underlay %s exit %d on:\n%s", verb, code, src)
			}
		}
	})
}
