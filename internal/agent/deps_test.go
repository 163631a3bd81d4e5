package agent

import (
	"go/build"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestAgentDependencies: the agent binary reads the renderer's contract
// from internal/bundle and its checkers from internal/checker; it does not
// reach into the tree layout (internal/gitops) or a renderer
// (internal/render/<platform>), so neither can change what the agent
// accepts by accident.
func TestAgentDependencies(t *testing.T) {
	const module = "underlay.dev/underlay/"
	root := filepath.Join("..", "..")
	seen := map[string]bool{}
	var walk func(pkg string)
	walk = func(pkg string) {
		if seen[pkg] {
			return
		}
		seen[pkg] = true
		p, err := build.ImportDir(filepath.Join(root, filepath.FromSlash(strings.TrimPrefix(pkg, module))), 0)
		if err != nil {
			t.Fatalf("%s: %v", pkg, err)
		}
		for _, imp := range p.Imports {
			if strings.HasPrefix(imp, module) {
				walk(imp)
			}
		}
	}
	walk(module + "cmd/underlay-agent")
	var bad []string
	for pkg := range seen {
		rel := strings.TrimPrefix(pkg, module)
		if rel == "internal/gitops" || strings.HasPrefix(rel, "internal/render/") {
			bad = append(bad, rel)
		}
	}
	sort.Strings(bad)
	if len(bad) > 0 {
		t.Errorf("the agent depends on %v (of %d packages); the contract is internal/bundle, the checkers internal/checker", bad, len(seen))
	}
	if !seen[module+"internal/bundle"] {
		t.Error("the agent does not read internal/bundle: the walk is broken")
	}
}
