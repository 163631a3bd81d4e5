package intent

import (
	"errors"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"empty", "", []string{"f.yaml:1: file is empty"}},
		{"syntax", "apiVersion: x\nspec:\n  devices: [\n", []string{"f.yaml:3: did not find expected node content"}},
		{"every unknown field", "apiVersion: underlay.dev/v1alpha1\nkind: Fabric\nmetdata: {}\nspec:\n  devices:\n  - {name: a, colour: red}\n  links:\n  - {endpoints: 'a:x -- b:y', speed: 100}\n",
			[]string{`f.yaml:3: unknown field "metdata" in Fabric; known fields: apiVersion, kind, metadata, spec`,
				`f.yaml:6: unknown field "colour" in Device`,
				`f.yaml:8: unknown field "speed" in Link; known fields: endpoints, ipv4, ipv6, mtu, unnumbered`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("f.yaml", []byte(tt.src))
			var errs Errors
			if !errors.As(err, &errs) || len(errs) != len(tt.want) {
				t.Fatalf("got %v, want %d errors", err, len(tt.want))
			}
			for i, w := range tt.want {
				if !strings.Contains(errs[i].Error(), w) {
					t.Errorf("error %d: got %q, want …%s…", i, errs[i].Error(), w)
				}
			}
		})
	}
}

func TestLocate(t *testing.T) {
	src := "apiVersion: underlay.dev/v1alpha1\nkind: Fabric\nmetadata: {name: x}\nspec:\n  devices:\n  - name: leaf1\n    role: leaf\n  - name: leaf2\n    asn: 1\n  links:\n  - a:b -- c:d\n"
	doc, err := Parse("f.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	devs := field.NewPath("spec", "devices")
	for path, want := range map[*field.Path]int{
		devs.Key("leaf1").Child("role"):         7,
		devs.Key("leaf2").Child("asn"):          9,
		devs.Key("leaf2").Child("pod"):          8, // absent: the device's line
		devs.Index(1):                           8,
		field.NewPath("spec", "links").Index(0): 11,
		field.NewPath("nowhere"):                1,
	} {
		if got := doc.Line(path.String()); got != want {
			t.Errorf("%s: line %d, want %d", path, got, want)
		}
	}
}
