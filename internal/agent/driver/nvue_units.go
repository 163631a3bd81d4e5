package driver

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// nvueUnit is one owned subtree (a Unit of NVUEOwned) as the switch holds
// it (Got) and as the file renders it (Want).
type nvueUnit struct {
	Path          []string
	Got, Want     any
	InGot, InWant bool
}

func (u nvueUnit) name() string { return strings.Join(u.Path, ".") }

// nvueUnits lists the owned subtrees present in got or want, in path order.
// Members outside NVUEOwned are never visited, so nothing the apply or the
// drift check does can reach them.
func nvueUnits(got, want map[string]any) []nvueUnit {
	var out []nvueUnit
	NVUEOwned.units(nil, got, want, true, true, &out)
	return out
}

func (s *shape) units(path []string, got, want any, inGot, inWant bool, out *[]nvueUnit) {
	if s.Unit {
		*out = append(*out, nvueUnit{Path: path, Got: got, Want: want, InGot: inGot, InWant: inWant})
		return
	}
	gm, _ := got.(map[string]any)
	wm, _ := want.(map[string]any)
	for _, k := range unionKeys(gm, wm) {
		f := s.Fields[k]
		if f == nil && s.Each != nil && s.Name(k) {
			f = s.Each
		}
		if f == nil {
			continue // not underlay's: the operator's, left alone
		}
		g, gok := gm[k]
		w, wok := wm[k]
		if f == s.Each && s.Claims != nil && !wok && !s.Claims(g) {
			continue // the operator's
		}
		f.units(append(append([]string{}, path...), k), g, w, gok, wok, out)
	}
}

// nvuePatch is the JSON merge patch (NVUE's PATCH: maps merge, null
// unsets) that turns every owned subtree of got into want's and touches
// nothing else: a subtree the file no longer holds is unset, one it holds
// is made equal to it member by member.
func nvuePatch(got, want map[string]any) map[string]any {
	patch := map[string]any{}
	for _, u := range nvueUnits(got, want) {
		switch {
		case !u.InWant:
			putAt(patch, u.Path, nil)
		case !u.InGot:
			putAt(patch, u.Path, u.Want)
		default:
			if d, changed := mergeDiff(u.Got, u.Want); changed {
				putAt(patch, u.Path, d)
			}
		}
	}
	return patch
}

// mergeDiff returns the merge patch that turns got into want, and whether
// they differ.
func mergeDiff(got, want any) (any, bool) {
	gm, gIsMap := got.(map[string]any)
	wm, wIsMap := want.(map[string]any)
	if !gIsMap || !wIsMap {
		return want, !reflect.DeepEqual(got, want)
	}
	p := map[string]any{}
	for k := range gm {
		if _, ok := wm[k]; !ok {
			p[k] = nil
		}
	}
	for k, w := range wm {
		g, ok := gm[k]
		if !ok {
			p[k] = w
		} else if d, changed := mergeDiff(g, w); changed {
			p[k] = d
		}
	}
	return p, len(p) > 0
}

func putAt(tree map[string]any, path []string, v any) {
	for _, k := range path[:len(path)-1] {
		next, _ := tree[k].(map[string]any)
		if next == nil {
			next = map[string]any{}
			tree[k] = next
		}
		tree = next
	}
	tree[path[len(path)-1]] = v
}

// nvueDrift lists how the owned subtrees of got differ from want's:
// "+ path" missing on the switch, "- path" on the switch but not in the
// file, "~ path: got, want want" changed.
func nvueDrift(got, want map[string]any) []string {
	var diffs []string
	for _, u := range nvueUnits(got, want) {
		gm, gIsMap := u.Got.(map[string]any)
		wm, wIsMap := u.Want.(map[string]any)
		switch {
		case !u.InWant:
			diffs = append(diffs, "- "+u.name())
		case !u.InGot:
			diffs = append(diffs, "+ "+u.name())
		case gIsMap && wIsMap:
			treeDiff(u.name()+".", wm, gm, &diffs)
		case !reflect.DeepEqual(u.Got, u.Want):
			diffs = append(diffs, fmt.Sprintf("~ %s: %v, want %v", u.name(), u.Got, u.Want))
		}
	}
	sort.Strings(diffs)
	return diffs
}
