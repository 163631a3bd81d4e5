package lab

import (
	"strings"
	"testing"
)

// TestSyncRefusesAnotherTopology: sync changes configuration; a fabric
// with other devices, platforms or links is refused, naming each change.
func TestSyncRefusesAnotherTopology(t *testing.T) {
	seed, err := LoadFabric("../../examples/seed-lab/fabric.yaml")
	if err != nil {
		t.Fatal(err)
	}
	st := &State{Links: links(seed)}
	for _, d := range seed.Devices {
		st.Devices = append(st.Devices, Device{Name: d.Name, Platform: string(d.Platform)})
	}
	update, err := LoadFabric("../../examples/seed-lab-update/fabric.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := checkTopology(st, update, "update"); err != nil {
		t.Errorf("change #738 is configuration only: %v", err)
	}
	other, err := LoadFabric("../../examples/unnumbered/fabric.yaml")
	if err != nil {
		t.Fatal(err)
	}
	err = checkTopology(st, other, "unnumbered")
	for _, want := range []string{"new device leaf1-host1", "device spine removed", "leaf2 changes platform nvue → cumulus", "more", "lab down"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want %q in %v", want, err)
		}
	}
}
