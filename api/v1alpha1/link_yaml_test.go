package v1alpha1

import (
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

// TestLinkEveryFieldDecodes: a link with every field set, written as a map,
// decodes back to itself. The fields are set by reflection, so a field
// added to Link is part of this test; a hand-kept key list that missed it
// would reject the key as unknown.
func TestLinkEveryFieldDecodes(t *testing.T) {
	var in Link
	v := reflect.ValueOf(&in).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.String:
			f.SetString("x")
		case reflect.Int:
			f.SetInt(1)
		case reflect.Pointer:
			f.Set(reflect.New(f.Type().Elem()))
		default:
			t.Fatalf("field %s: kind %s: teach this test to set it", v.Type().Field(i).Name, f.Kind())
		}
	}
	src, err := yaml.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(src), "\n"); n != v.NumField() {
		t.Fatalf("marshalled %d keys, want %d (every field set):\n%s", n, v.NumField(), src)
	}
	var out Link
	if err := yaml.Unmarshal(src, &out); err != nil {
		t.Fatalf("decoding %s: %v", src, err)
	}
	if d := cmp.Diff(in, out); d != "" {
		t.Errorf("(-in +decoded):\n%s", d)
	}
}

func TestLinkUnknownKeys(t *testing.T) {
	var l Link
	err := yaml.Unmarshal([]byte("endpoints: a:x -- b:y\nspeed: 100\ncolour: red\n"), &l)
	want := "yaml: unmarshal errors:\n  line 2: field speed not found in type v1alpha1.Link\n  line 3: field colour not found in type v1alpha1.Link"
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

func TestYAMLKeys(t *testing.T) {
	type s struct {
		A int `yaml:"a,omitempty"`
		B int `yaml:"-"`
		C int
		D int `yaml:"dee"`
	}
	if d := cmp.Diff(map[string]bool{"a": true, "dee": true}, yamlKeys(reflect.TypeOf(s{}))); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}
