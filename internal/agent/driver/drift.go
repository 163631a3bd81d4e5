package driver

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"sort"
	"strings"

	"underlay.dev/underlay/internal/agent/store"
)

var (
	_ Drifter = (*FRR)(nil)
	_ Drifter = (*Ifupdown2)(nil)
	_ Drifter = Chain(nil)
	_ Drifter = (*NVUE)(nil)
	_ Drifter = (*SONiC)(nil)
)

// Drift compares NVUE's applied configuration with cfg's document and
// lists the paths that differ.
func (n *NVUE) Drift(ctx context.Context, cfg store.Files) (string, error) {
	want, err := setTree(cfg["nvue.yaml"])
	if err != nil {
		return "", err
	}
	var applied map[string]any
	if err := n.call(ctx, http.MethodGet, "/nvue_v1/?rev=applied", nil, &applied); err != nil {
		return "", fmt.Errorf("reading NVUE's applied configuration: %w", err)
	}
	// Compare as JSON values: the document's YAML numbers and the API's
	// JSON numbers then have one type.
	var norm map[string]any
	b, _ := json.Marshal(want)
	if err := json.Unmarshal(b, &norm); err != nil {
		return "", err
	}
	var diffs []string
	treeDiff("", norm, applied, &diffs)
	sort.Strings(diffs)
	return strings.Join(diffs, "\n"), nil
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
// CONFIG_DB back into cfg's config_db.json (only tables the file holds).
// In split mode the bgp container's FRR is not compared.
func (s *SONiC) Drift(ctx context.Context, cfg store.Files) (string, error) {
	var desired map[string]any
	if err := json.Unmarshal(cfg["config_db.json"], &desired); err != nil {
		return "", fmt.Errorf("config_db.json: %w", err)
	}
	out, err := s.run(ctx, "show", "runningconfiguration", "all")
	if err != nil {
		return "", fmt.Errorf("reading the running CONFIG_DB: %v: %s", err, lastLines(out, 3))
	}
	var running map[string]any
	if err := json.Unmarshal(out, &running); err != nil {
		return "", fmt.Errorf("reading the running CONFIG_DB: %w", err)
	}
	var lines []string
	for _, op := range Diff(running, desired) {
		lines = append(lines, op.Op+" "+op.Path)
	}
	return strings.Join(lines, "\n"), nil
}
