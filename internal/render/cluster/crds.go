package cluster

import (
	"embed"
	"fmt"
	"io/fs"
	"path"

	"underlay.dev/underlay/internal/model"
)

// crdFiles are the CNIs' CRDs the rendered objects are validated against
// (testdata/crds/README.md says where each comes from). They are embedded
// so that the lab, which installs them in its API server as a CNI's
// install would, finds them in the binary on a fresh clone.
//
//go:embed testdata/crds/*/*.yaml
var crdFiles embed.FS

// CRDs returns the CRD manifests of cni, one YAML document each, sorted
// by file name.
func CRDs(cni model.CNI) ([][]byte, error) {
	dir := path.Join("testdata", "crds", string(cni))
	entries, err := fs.ReadDir(crdFiles, dir)
	if err != nil {
		return nil, fmt.Errorf("no CRDs for CNI %q: %w", cni, err)
	}
	var out [][]byte
	for _, e := range entries {
		b, err := crdFiles.ReadFile(path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}
