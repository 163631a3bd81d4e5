package agent

import (
	"context"
	"slices"
	"testing"

	"underlay.dev/underlay/internal/agent/driver"
	"underlay.dev/underlay/internal/agent/store"
)

// part is one driver of a chain that records what it was asked to do.
type part struct {
	file  string
	calls *[]string
}

func (p part) Files() []string { return []string{p.file} }

func (p part) Precheck(context.Context, store.Files) error {
	*p.calls = append(*p.calls, "precheck "+p.file)
	return nil
}

func (p part) Apply(context.Context, store.Files) error {
	*p.calls = append(*p.calls, "apply "+p.file)
	return nil
}

// TestApplyTouchesOnlyChangedParts: a revision that changes only the
// interfaces file pre-checks and applies only the interfaces driver (a
// server's move must not run frr-reload.py), while the first apply and one
// after an interrupted apply cover every driver.
func TestApplyTouchesOnlyChangedParts(t *testing.T) {
	var calls []string
	chain := driver.Chain{part{"interfaces", &calls}, part{"frr.conf", &calls}}
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	e := &Engine{Driver: chain, Store: st, Device: "d"}
	ctx := context.Background()
	files := func(ifaces, frr string) store.Files {
		return store.Files{"interfaces": []byte(ifaces), "frr.conf": []byte(frr)}
	}
	all := []string{"precheck interfaces", "precheck frr.conf", "apply interfaces", "apply frr.conf"}
	for _, step := range []struct {
		name      string
		rev       string
		files     store.Files
		interrupt bool
		want      []string
	}{
		{"first apply", "r1", files("a", "x"), false, all},
		{"interfaces only", "r2", files("b", "x"), false, []string{"precheck interfaces", "apply interfaces"}},
		{"frr only", "r3", files("b", "y"), false, []string{"precheck frr.conf", "apply frr.conf"}},
		{"nothing the drivers read", "r4", files("b", "y"), false, nil},
		{"after an interrupted apply", "r5", files("c", "y"), true, all},
	} {
		calls = nil
		if step.interrupt {
			if err := st.Begin("crashed"); err != nil {
				t.Fatal(err)
			}
		}
		if res := e.Apply(ctx, step.rev, step.files); res.Outcome != Applied {
			t.Fatalf("%s: %s %v", step.name, res.Outcome, res.Err)
		}
		if !slices.Equal(calls, step.want) {
			t.Errorf("%s: drivers did %q, want %q", step.name, calls, step.want)
		}
	}
}
