package driver

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"strings"

	"underlay.dev/underlay/internal/agent/store"
	"underlay.dev/underlay/internal/platform"
)

var (
	_ Drifter = (*FRR)(nil)
	_ Drifter = (*Ifupdown2)(nil)
	_ Drifter = Chain(nil)
	_ Drifter = (*NVUE)(nil)
	_ Drifter = (*SONiC)(nil)
)

// Drift compares the subtrees underlay owns (NVUEOwned) of NVUE's applied
// configuration with cfg's and lists the paths that differ; the rest of
// the switch's configuration is not underlay's and is not drift.
func (n *NVUE) Drift(ctx context.Context, cfg store.Files) (string, error) {
	want, err := parseNVUE(cfg[platform.FileNVUE])
	if err != nil {
		return "", err
	}
	var applied map[string]any
	if err := n.call(ctx, http.MethodGet, "/nvue_v1/?rev=applied", nil, &applied); err != nil {
		return "", fmt.Errorf("reading NVUE's applied configuration: %w", err)
	}
	return strings.Join(nvueDrift(applied, want), "\n"), nil
}

// treeDiff lists the leaves of want that got lacks or holds otherwise
// ("+ path") and the keys got has beyond want ("- path").
func treeDiff(path string, want, got map[string]any, out *[]string) {
	for k, w := range want {
		g, ok := got[k]
		wm, wIsMap := w.(map[string]any)
		gm, gIsMap := g.(map[string]any)
		switch {
		case !ok:
			*out = append(*out, "+ "+path+k)
		case wIsMap && gIsMap:
			treeDiff(path+k+".", wm, gm, out)
		case !reflect.DeepEqual(w, g):
			*out = append(*out, fmt.Sprintf("~ %s%s: %v, want %v", path, k, g, w))
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			*out = append(*out, "- "+path+k)
		}
	}
}

// Drift lists the JSON-patch operations that would turn the running
// CONFIG_DB back into cfg's config_db.json, over what underlay owns only
// (SONiCOwned): the operator's tables, keys and fields are not drift. In
// split mode the bgp container's FRR is not compared.
func (s *SONiC) Drift(ctx context.Context, cfg store.Files) (string, error) {
	desired, err := parseSONiC(cfg[platform.FileConfigDB])
	if err != nil {
		return "", err
	}
	running, err := s.running(ctx)
	if err != nil {
		return "", err
	}
	var lines []string
	for _, op := range Diff(running, sonicTarget(running, desired)) {
		lines = append(lines, op.Op+" "+op.Path)
	}
	return strings.Join(lines, "\n"), nil
}
