package platform

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestLeaf: the package imports only the model and the standard library,
// so that resolve, gen, the renderers, gitops, the drivers and the lab can
// all read it without an import cycle.
func TestLeaf(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			first, _, _ := strings.Cut(path, "/")
			if path != "underlay.dev/underlay/internal/model" && strings.Contains(first, ".") {
				t.Errorf("%s imports %s: the platform package may import only internal/model and the standard library", file, path)
			}
		}
	}
}
