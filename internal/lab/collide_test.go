package lab

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"underlay.dev/underlay/internal/lab/node"
)

// TestDownKeepsAnotherLabsNamespace: a namespace that another lab
// creates between this lab's plan and its `ip netns add` (the same id
// started twice at once, or "a-b" + "c" and "a" + "b-c", which spell the
// same name) makes this lab's up fail, and this lab's down must leave that
// namespace alone. Before, down removed it with the other lab's FRR.
func TestDownKeepsAnotherLabsNamespace(t *testing.T) {
	if err := RequireRoot(); err != nil {
		if os.Getenv("UNDERLAY_REQUIRE_CHECKERS") == "1" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir, err := os.MkdirTemp("/run", "ul-")
	if err != nil {
		t.Fatal(err)
	}
	l := &Lab{Dir: dir}
	f, err := LoadFabric(seedLab)
	if err != nil {
		t.Fatal(err)
	}
	id := "x" + strconv.Itoa(os.Getpid())
	st, err := l.plan(f, seedLab, id)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.saveState(st); err != nil {
		t.Fatal(err)
	}
	ours, theirs := st.Namespaces(), st.Devices[1].Netns
	if err := node.AddNetns(ctx, theirs); err != nil { // the other lab wins the race
		t.Fatal(err)
	}
	defer node.RemoveNetns([]string{theirs})
	defer func() {
		if err := l.Down(); err != nil {
			t.Log(err)
		}
	}()
	err = l.build(ctx, f, st)
	if err == nil || !strings.Contains(err.Error(), theirs) {
		t.Fatalf("build over another lab's namespace %s: %v", theirs, err)
	}
	if err := l.Down(); err != nil {
		t.Fatal(err)
	}
	if !node.Exists(theirs) {
		t.Errorf("lab down removed %s, which another lab created", theirs)
	}
	for _, ns := range ours {
		if ns != theirs && node.Exists(ns) {
			t.Errorf("lab down left its own namespace %s", ns)
		}
	}
}
