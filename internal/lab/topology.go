package lab

import (
	"fmt"
	"slices"
	"strings"

	"underlay.dev/underlay/internal/model"
)

// links names every link of f as "a:port -- b:port", sorted.
func links(f *model.Fabric) []string {
	out := make([]string, 0, len(f.Links))
	for _, k := range f.Links {
		out = append(out, k.A.Device.Name+":"+k.A.Port+" -- "+k.B.Device.Name+":"+k.B.Port)
	}
	slices.Sort(out)
	return out
}

// checkTopology refuses an intent whose devices, platforms or links are
// not the ones the lab was built with: sync changes configuration, and a
// new cable or device needs `lab down` and `lab up`.
func checkTopology(st *State, f *model.Fabric, path string) error {
	var diffs []string
	have := map[string]string{}
	for _, d := range st.Devices {
		have[d.Name] = d.Platform
	}
	for _, d := range f.Devices {
		p, ok := have[d.Name]
		switch {
		case !ok:
			diffs = append(diffs, "new device "+d.Name)
		case p != string(d.Platform):
			diffs = append(diffs, fmt.Sprintf("%s changes platform %s → %s", d.Name, p, d.Platform))
		}
		delete(have, d.Name)
	}
	for name := range have {
		diffs = append(diffs, "device "+name+" removed")
	}
	diffs = append(diffs, serverCabling(st, f)...)
	want := links(f)
	for _, k := range st.Links {
		if !slices.Contains(want, k) {
			diffs = append(diffs, "link "+k+" removed")
		}
	}
	for _, k := range want {
		if !slices.Contains(st.Links, k) {
			diffs = append(diffs, "new link "+k)
		}
	}
	if len(diffs) == 0 {
		return nil
	}
	slices.Sort(diffs)
	if len(diffs) > 8 {
		diffs = append(diffs[:8], fmt.Sprintf("and %d more", len(diffs)-8))
	}
	return fmt.Errorf("%s does not fit the lab's topology (%s); sync changes configuration only: run underlay lab down, then lab up with it",
		path, strings.Join(diffs, "; "))
}

// serverCabling lists the servers added, removed or recabled since up.
func serverCabling(st *State, f *model.Fabric) []string {
	var diffs []string
	have := map[string]Host{}
	for _, h := range st.Hosts {
		have[h.Name] = h
	}
	for _, s := range f.Servers {
		h, ok := have[s.Name]
		switch {
		case !ok:
			diffs = append(diffs, "new server "+s.Name)
		case h.Leaf != s.Leaf.Name || !slices.Equal(h.LeafPorts, s.Ports) || h.Bond != s.Bond:
			diffs = append(diffs, fmt.Sprintf("server %s recabled (%s %v → %s %v)", s.Name, h.Leaf, h.LeafPorts, s.Leaf.Name, s.Ports))
		}
		delete(have, s.Name)
	}
	for name := range have {
		diffs = append(diffs, "server "+name+" removed")
	}
	return diffs
}
