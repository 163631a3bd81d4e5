package verify

import (
	"testing"

	"underlay.dev/underlay/internal/gen"
	"underlay.dev/underlay/internal/testutil/fabrics"
)

func TestGeneratedFabricsPass(t *testing.T) {
	for _, c := range []gen.Clos{
		{Spines: 4, Leaves: 8, HostsPerLeaf: 2, Unnumbered: true},
		{Superspines: 4, Pods: 3, Spines: 2, Leaves: 4},
		{Superspines: 3, Pods: 2, Spines: 2, Leaves: 3, HostsPerLeaf: 1},
	} {
		r := Verify(fabrics.Clos(t, c), Options{})
		if len(r.Checks) < 4 {
			t.Errorf("%+v: only %d checks ran", c, len(r.Checks))
		}
		for _, chk := range r.Checks {
			if !chk.Pass {
				t.Errorf("%+v: %s fails: %+v", c, chk.Name, chk.Findings[:min(3, len(chk.Findings))])
			}
		}
	}
}

func benchVerify(b *testing.B, c gen.Clos, failures string) {
	f := fabrics.Clos(b, c)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if r := Verify(f, Options{Failures: failures}); len(r.Checks) == 0 {
			b.Fatal("no checks")
		}
	}
}

// 200 devices: 8 spines x 192 leaves.
func BenchmarkVerify200(b *testing.B) { benchVerify(b, gen.Clos{Spines: 8, Leaves: 192}, "") }

// Every single link and device failure of the 200-device fabric. Target: < 30 s.
func BenchmarkVerify200Failures(b *testing.B) {
	benchVerify(b, gen.Clos{Spines: 8, Leaves: 192}, "all")
}

// About 2,000 devices: 5-stage, 8 pods.
func BenchmarkVerify2000(b *testing.B) {
	benchVerify(b, gen.Clos{Superspines: 16, Pods: 13, Spines: 4, Leaves: 148}, "")
}

// 10,000 devices, 5-stage. Target: < 10 s, < 4 GiB.
func BenchmarkVerify10000(b *testing.B) {
	benchVerify(b, gen.Clos{Superspines: 16, Pods: 64, Spines: 4, Leaves: 152}, "")
}
