package intent

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const head = "apiVersion: underlay.dev/v1alpha1\nkind: Fabric\nmetadata: {name: x}\nspec:\n  devices:\n"

// TestParseErrorsPlaced: every decode error has its line, and type errors
// their field path and what the field takes.
func TestParseErrorsPlaced(t *testing.T) {
	long := strings.Repeat("9", 200)
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"second document", head + "  - {name: a, role: leaf, platform: cumulus}\n---\nkind: Fabric\n",
			[]string{`f.yaml:7: a second YAML document starts here: an intent file holds one Fabric; remove this "---" and merge what follows into the first document, or move it to a file of its own`}},
		{"trailing separator is fine", head + "  - {name: a, role: leaf, platform: cumulus}\n---\n", nil},
		{"int in flow map", head + "  - {name: a, role: leaf, platform: cumulus, mtu: abc}\n",
			[]string{`f.yaml:6: spec.devices[a].mtu: Invalid value: "abc": must be a whole number`}},
		{"int in block map", head + "  - name: a\n    bgp:\n      maximumPaths: many\n",
			[]string{`f.yaml:8: spec.devices[a].bgp.maximumPaths: Invalid value: "many": must be a whole number`}},
		{"long value, cut by yaml", head + "  - name: a\n    mtu: 1x" + long + "\n",
			[]string{`f.yaml:7: spec.devices[a].mtu: Invalid value: "1x` + strings.Repeat("9", 61) + `…": must be a whole number`}},
		{"decimal in an integer field", head + "  - {name: a, mtu: 9000.5}\n  - {name: b, mtu: 0.0}\n",
			[]string{`f.yaml:6: spec.devices[a].mtu: Invalid value: "9000.5": must be a whole number`,
				`f.yaml:7: spec.devices[b].mtu: Invalid value: "0.0": must be a whole number`}},
		{"bool", head + "  - {name: a, unnumbered: maybe}\n",
			[]string{`f.yaml:6: spec.devices[a].unnumbered: Invalid value: "maybe": must be true or false`}},
		{"list for a map", head + "  - {name: a, sonic: [x]}\n",
			[]string{`f.yaml:6: spec.devices[a].sonic: Invalid value: a list: must be a map of fields`}},
		{"scalar for a list", head + "  - {name: a, loopbacks: 10.0.0.1/32}\n",
			[]string{`f.yaml:6: spec.devices[a].loopbacks: Invalid value: "10.0.0.1/32": must be a list`}},
		{"unnamed item by index", head + "  - {role: leaf, pod: one}\n",
			[]string{`f.yaml:6: spec.devices[0].pod: Invalid value: "one": must be a whole number`}},
		{"a type's own message", head + "  - {name: a}\n  links:\n  - [a, b]\n",
			[]string{`f.yaml:8: spec.links[0]: a link is a string "a:port -- b:port" or a map with endpoints`}},
		{"list for a string", head + "  - {name: [a, b]}\n",
			[]string{`f.yaml:6: spec.devices[0].name: Invalid value: a list: must be a string`}},
		{"empty", "", []string{`f.yaml:1: file is empty: want a Fabric document (apiVersion: underlay.dev/v1alpha1)`}},
		{"comments only", "# nothing yet\n", []string{`f.yaml:1: file is empty: want a Fabric document (apiVersion: underlay.dev/v1alpha1)`}},
		{"unknown field in a nested type", head + "  - {name: a, sonic: {sku: x}}\n",
			[]string{`f.yaml:6: unknown field "sku" in Sonic; known fields: hwsku, mac, platform, routingMode`}},
		{"every type error", head + "  - {name: a, pod: one}\n  - {name: b, pod: two}\n  links:\n  - {endpoints: 'a:swp1 -- b:swp1', mtu: [1]}\n",
			[]string{`f.yaml:6: spec.devices[a].pod: Invalid value: "one": must be a whole number`,
				`f.yaml:7: spec.devices[b].pod: Invalid value: "two": must be a whole number`,
				`f.yaml:9: spec.links[0].mtu: Invalid value: a list: must be a whole number`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			if _, err := Parse("f.yaml", []byte(tt.src)); err != nil {
				var es Errors
				if !errors.As(err, &es) {
					t.Fatalf("error %v is not Errors", err)
				}
				for _, e := range es {
					got = append(got, e.Error())
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

// TestCapped: a message echoes at most 64 characters of a value and the
// error list at most MaxListed errors.
func TestCapped(t *testing.T) {
	huge := strings.Repeat("a", 1<<20)
	e := Error{File: "f.yaml", Line: 6, Field: "spec.devices[" + huge + "].name",
		Msg: fmt.Sprintf("Invalid value: %q: must be a DNS label", huge)}
	a64 := strings.Repeat("a", 64)
	want := `f.yaml:6: spec.devices[` + a64 + `…].name: Invalid value: "` + a64[1:] + `…": must be a DNS label`
	if got := e.Error(); got != want {
		t.Errorf("got %.300s\nwant %s", got, want)
	}
	spaced := Error{File: "f.yaml", Msg: strings.Repeat("a ", 1<<19)}
	if got := spaced.Error(); len(got) > 1100 || !strings.HasSuffix(got, "… (1,047,552 more characters)") {
		t.Errorf("a long message with spaces is not cut: %d bytes, ends %q", len(got), got[len(got)-40:])
	}
	valid := Error{File: "f.yaml", Field: "spec.devices[" + strings.Repeat("b", 63) + "].bgp.timers.keepalive", Msg: "x"}
	if got := valid.Error(); strings.Contains(got, "…") {
		t.Errorf("a valid 63-character name was cut: %s", got)
	}
	many := make(Errors, 100_000)
	for i := range many {
		many[i] = Error{File: "f.yaml", Line: i + 1, Msg: "bad"}
	}
	lines := strings.Split(many.Error(), "\n")
	if len(lines) != MaxListed+1 || lines[MaxListed] != "… and 99,900 more" {
		t.Errorf("got %d lines ending %q", len(lines), lines[len(lines)-1])
	}
}

// TestLockParseErrorsPlaced: the lock file gets the same treatment.
func TestLockParseErrorsPlaced(t *testing.T) {
	for src, want := range map[string]string{
		"apiVersion: underlay.dev/v1alpha1\nkind: FabricLock\n---\nasns: {leaf1: 65001}\n": `l.yaml:3: a second YAML document starts here: a lock file holds one FabricLock; remove this "---" and merge what follows into the first document, or move it to a file of its own`,
		"kind: FabricLock\nloopbackIPv4:\n  leaf1: [10.0.0.1/32]\n":                        `l.yaml:3: loopbackIPv4.leaf1: Invalid value: a list: must be a string`,
		"kind: FabricLock\nasns:\n  leaf1: 65001\n  leaf2 65002\n":                         `l.yaml:4: could not find expected ':'`,
		"apiVersion: underlay.dev/v1alpha1\nkind: Fabric\n":                                `l.yaml:2: kind "Fabric" is not FabricLock; is this the lock file?`,
		"": "",
	} {
		_, err := ParseLock("l.yaml", []byte(src))
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != want {
			t.Errorf("%q:\n got %s\nwant %s", src, got, want)
		}
	}
}

// TestReadErrors: a file that cannot be read names the file and wraps the
// cause; a missing lock file is no lock.
func TestReadErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "fabric.yaml")
	if _, err := Load(missing); err == nil || !errors.Is(err, fs.ErrNotExist) ||
		err.Error() != "reading intent: open "+missing+": no such file or directory" {
		t.Errorf("missing intent: %v", err)
	}
	if l, err := ReadLock(filepath.Join(dir, "fabric.lock.yaml")); l != nil || err != nil {
		t.Errorf("missing lock: %v %v, want no lock and no error", l, err)
	}
	if _, err := ReadLock(dir); err == nil || err.Error() != "reading lock file: read "+dir+": is a directory" {
		t.Errorf("lock that is a directory: %v", err)
	}
}
