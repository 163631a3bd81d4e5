// Package modeltest gives the renderer, verify and expect tests small
// resolved fabrics. Each is an intent and its lock file under testdata, run
// through intent loading and resolve.Resolve, so those tests see exactly
// what resolve produces.
package modeltest

import (
	"embed"
	"fmt"
	"path"

	"underlay.dev/underlay/api/v1alpha1"
	"underlay.dev/underlay/internal/intent"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/resolve"
)

//go:embed testdata
var testdata embed.FS

// SeedLab is the original demo: leaf1 cumulus, leaf2 nvue, spine sonic,
// numbered /31s, no host (testdata/seedlab).
func SeedLab() *model.Fabric { return load("seedlab") }

// Unnumbered is a small dual-stack unnumbered fabric with every platform:
// spine1 (sonic) and spine2 (cumulus), leaf1 (cumulus) with host1
// (linux-frr) and a server subnet on swp10, leaf2 (nvue) with a blackhole-
// anchored subnet, 4-byte ASNs on leaves and the host
// (testdata/unnumbered).
func Unnumbered() *model.Fabric { return load("unnumbered") }

// load resolves testdata/<name>/fabric.yaml against its lock file. Each
// call resolves afresh, so a test may change its fabric freely. The
// fixtures are part of this package: any error is a broken fixture, and
// it panics naming the file and line.
func load(name string) *model.Fabric {
	res, _, err := resolveFixture(name)
	if err != nil {
		panic(fmt.Sprintf("modeltest: fixture %s: %v", name, err))
	}
	return res.Fabric
}

// resolveFixture returns the resolved fixture and the lock file it was
// resolved against.
func resolveFixture(name string) (*resolve.Result, *v1alpha1.Lock, error) {
	file := path.Join("testdata", name, "fabric.yaml")
	src, err := testdata.ReadFile(file)
	if err != nil {
		return nil, nil, fmt.Errorf("reading the intent: %w", err)
	}
	doc, err := intent.Parse(file, src)
	if err != nil {
		return nil, nil, err
	}
	lockFile := intent.LockPath(file)
	lockSrc, err := testdata.ReadFile(lockFile)
	if err != nil {
		return nil, nil, fmt.Errorf("reading the lock file: %w", err)
	}
	lock, err := intent.ParseLock(lockFile, lockSrc)
	if err != nil {
		return nil, nil, err
	}
	res, errs := resolve.Resolve(doc.Fabric, lock.Lock)
	if len(errs) > 0 {
		return nil, nil, intent.Locate(errs, doc, lock)
	}
	return res, lock.Lock, nil
}
