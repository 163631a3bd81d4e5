package nvue

import (
	"testing"

	"underlay.dev/underlay/internal/checker/nvuedoc"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/model/modeltest"
	"underlay.dev/underlay/internal/testutil/golden"
)

func TestGolden(t *testing.T) {
	externals, _ := withExternals(t)
	cases := map[string]*model.Fabric{"seedlab": modeltest.SeedLab(), "unnumbered": modeltest.Unnumbered(), "externals": externals,
		"outside": outside(t)}
	// A cluster's options: the per-rack AS model's (iBGP) and the
	// per-cluster one's with a downward default.
	for name, o := range map[string]model.SessionOptions{
		"options-internal":    {Internal: true, BFD: true, GracefulRestart: true, Keepalive: 10, Hold: 30},
		"options-per-cluster": {ASOverride: true, DefaultOriginate: true, GracefulRestart: true},
	} {
		f, d := withExternals(t)
		modeltest.WithOptions(d, o)
		cases[name] = f
	}
	for name, f := range cases {
		for _, d := range f.Devices {
			if d.Platform != model.PlatformNVUE {
				continue
			}
			doc, err := Document(f, d)
			if err != nil {
				t.Fatal(err)
			}
			if err := nvuedoc.Validate(doc); err != nil {
				t.Errorf("%s/%s: %v", name, d.Name, err)
			}
			golden.Assert(t, "TestGolden/"+name+"-"+d.Name+".yaml", doc)
		}
	}
}
