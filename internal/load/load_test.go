package load

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"underlay.dev/underlay/internal/intent"
	"underlay.dev/underlay/internal/model"
	"underlay.dev/underlay/internal/resolve"
)

// base leaves every ASN to the pools, so a lock entry decides leaf1's.
const base = `apiVersion: underlay.dev/v1alpha1
kind: Fabric
metadata: {name: small}
spec:
  pools:
    asn: {spine: 65100-65199, leaf: 65001-65099}
    loopbackIPv4: 10.255.0.0/24
    linkIPv4: 10.0.0.0/24
  devices:
  - {name: spine1, role: spine, platform: cumulus}
  - {name: leaf1, role: leaf, platform: cumulus}
  links:
  - spine1:swp1 -- leaf1:swp1
`

const lock = `apiVersion: underlay.dev/v1alpha1
kind: FabricLock
asns:
  leaf1: 65042
`

func asnOf(t *testing.T, f *resolve.File, name string) model.ASN {
	t.Helper()
	for _, d := range f.Fabric.Devices {
		if d.Name == name {
			return d.ASN
		}
	}
	t.Fatalf("no device %s", name)
	return 0
}

func TestFSReadsTheLockBesideTheIntent(t *testing.T) {
	fsys := fstest.MapFS{
		"dc/fabric.yaml":      {Data: []byte(base)},
		"dc/fabric.lock.yaml": {Data: []byte(lock)},
		"fabric.lock.yaml":    {Data: []byte("not: [the lock\n")}, // another directory's: never read
	}
	f, err := FS(fsys, "dc/fabric.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got := asnOf(t, f, "leaf1"); got != 65042 {
		t.Errorf("leaf1 ASN %d, want the lock's 65042", got)
	}
	if f.LockPath != "dc/fabric.lock.yaml" || f.Doc.Path != "dc/fabric.yaml" {
		t.Errorf("paths %q, %q", f.Doc.Path, f.LockPath)
	}
	delete(fsys, "dc/fabric.lock.yaml")
	fresh, err := FS(fsys, "dc/fabric.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got := asnOf(t, fresh, "leaf1"); got != 65001 {
		t.Errorf("without a lock leaf1 ASN %d, want the pool's first, 65001", got)
	}
}

func TestFSErrorsNameFileAndLine(t *testing.T) {
	tests := []struct {
		name   string
		fabric string
		lock   string // "" for none
		want   intent.Errors
	}{
		{name: "unknown field in the intent",
			fabric: strings.Replace(base, "  devices:", "  device: []\n  devices:", 1),
			want: intent.Errors{{File: "dc/fabric.yaml", Line: 9,
				Msg: `unknown field "device" in FabricSpec; known fields: agent, bgp, checks, clusters, devices, links, networks, pools, servers`}}},
		{name: "resolve error placed on the device's line",
			fabric: strings.Replace(base, "{name: leaf1, role: leaf,", "{name: leaf1, role: bogus,", 1),
			want:   intent.Errors{{File: "dc/fabric.yaml", Line: 11, Field: "spec.devices[leaf1].role"}}},
		{name: "bad lock entry on the lock's line", fabric: base, lock: lock + "  spine1: 1.1\n",
			want: intent.Errors{{File: "dc/fabric.lock.yaml", Line: 5, Field: "asns.spine1",
				Msg: `"1.1" is not a whole number: the lock file writes ASNs asplain, e.g. 65001`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{"dc/fabric.yaml": {Data: []byte(tt.fabric)}}
			if tt.lock != "" {
				fsys["dc/fabric.lock.yaml"] = &fstest.MapFile{Data: []byte(tt.lock)}
			}
			_, err := FS(fsys, "dc/fabric.yaml")
			var got intent.Errors
			if !errors.As(err, &got) {
				t.Fatalf("error %v (%T), want intent.Errors", err, err)
			}
			if tt.want[0].Msg == "" { // the resolver's wording is resolve's to test
				for i := range got {
					got[i].Msg = ""
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFSReadErrors(t *testing.T) {
	fsys := fstest.MapFS{"fabric.lock.yaml/x": {}} // the lock's name is a directory
	_, err := FS(fsys, "fabric.yaml")
	if !errors.Is(err, fs.ErrNotExist) || !strings.HasPrefix(err.Error(), "reading intent: open fabric.yaml:") {
		t.Errorf("missing intent: %v", err)
	}
	fsys["fabric.yaml"] = &fstest.MapFile{Data: []byte(base)}
	if _, err := FS(fsys, "fabric.yaml"); err == nil || !strings.HasPrefix(err.Error(), "reading lock file: ") {
		t.Errorf("unreadable lock: %v", err)
	}
}

// File reads from disk exactly what FS reads from a file system, and
// names the paths as the caller wrote them.
func TestFileMatchesFS(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{"fabric.yaml": base, "fabric.lock.yaml": lock} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "fabric.yaml")
	onDisk, err := File(path)
	if err != nil {
		t.Fatal(err)
	}
	inFS, err := FS(os.DirFS(dir), "fabric.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(rendered(t, inFS), rendered(t, onDisk)); diff != "" {
		t.Errorf("File and FS resolve differently (-FS +File):\n%s", diff)
	}
	if onDisk.Doc.Path != path || onDisk.LockPath != filepath.Join(dir, "fabric.lock.yaml") {
		t.Errorf("paths %q, %q", onDisk.Doc.Path, onDisk.LockPath)
	}
	_, err = File(filepath.Join(dir, "missing.yaml"))
	if want := "reading intent: open " + filepath.Join(dir, "missing.yaml") + ": no such file or directory"; err == nil || err.Error() != want {
		t.Errorf("missing file: %v, want %s", err, want)
	}
}

// A nil lock is no lock file; an empty one resolves the same.
func TestBytesNilAndEmptyLock(t *testing.T) {
	none, err := Bytes("fabric.yaml", []byte(base), nil)
	if err != nil {
		t.Fatal(err)
	}
	empty, err := Bytes("fabric.yaml", []byte(base), []byte{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(rendered(t, none), rendered(t, empty)); diff != "" {
		t.Errorf("nil and empty lock differ (-nil +empty):\n%s", diff)
	}
	if none.LockPath != "fabric.lock.yaml" {
		t.Errorf("lock path %q", none.LockPath)
	}
}

// rendered is everything a resolved intent comes out as: its tree and
// its lock file.
func rendered(t *testing.T, f *resolve.File) map[string]string {
	t.Helper()
	tree, err := Tree(f)
	if err != nil {
		t.Fatal(err)
	}
	files, err := tree.Files()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for p, b := range files {
		out[p] = string(b)
	}
	l, err := intent.MarshalLock(f.Lock)
	if err != nil {
		t.Fatal(err)
	}
	out["(lock)"] = string(l)
	return out
}

func TestTree(t *testing.T) {
	f, err := Bytes("fabric.yaml", []byte(base), []byte(lock))
	if err != nil {
		t.Fatal(err)
	}
	tree, err := Tree(f)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range tree.Devices {
		names = append(names, d.Name)
		if len(d.Files) == 0 {
			t.Errorf("%s: no files", d.Name)
		}
	}
	if diff := cmp.Diff([]string{"leaf1", "spine1"}, names); diff != "" {
		t.Errorf("devices (-want +got):\n%s", diff)
	}
}

// A device no renderer takes comes back on the device's line, one error
// per device, not as one unlocated failure. Resolve refuses an unknown
// platform first, so the model is edited after it.
func TestTreeLocatesRenderErrors(t *testing.T) {
	f, err := Bytes("fabric.yaml", []byte(base), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range f.Fabric.Devices {
		d.Platform = "bogus"
	}
	_, err = Tree(f)
	var got intent.Errors
	if !errors.As(err, &got) {
		t.Fatalf("error %v (%T), want intent.Errors", err, err)
	}
	var where []string
	for _, e := range got {
		where = append(where, fmt.Sprintf("%s:%d %s", e.File, e.Line, e.Field))
		if !strings.HasPrefix(e.Msg, "cannot be rendered: ") || !strings.Contains(e.Msg, "bogus") {
			t.Errorf("message %q", e.Msg)
		}
	}
	// In the model's device order, as gitops.Build joins them.
	want := []string{"fabric.yaml:11 spec.devices[leaf1]", "fabric.yaml:10 spec.devices[spine1]"}
	if diff := cmp.Diff(want, where); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}
