package v1alpha1

import (
	"fmt"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// UnmarshalYAML accepts a link as "a:port -- b:port" or as a map. Unknown
// keys in the map form are reported with their line, like everywhere else.
func (l *Link) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*l = Link{Endpoints: n.Value}
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return &yaml.TypeError{Errors: []string{
			fmt.Sprintf("line %d: a link is a string \"a:port -- b:port\" or a map with endpoints", n.Line)}}
	}
	var unknown []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; !linkKeys[k.Value] {
			unknown = append(unknown, fmt.Sprintf("line %d: field %s not found in type v1alpha1.Link", k.Line, k.Value))
		}
	}
	type plain Link
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	*l = Link(p)
	if len(unknown) > 0 {
		return &yaml.TypeError{Errors: unknown}
	}
	return nil
}

// linkKeys are the keys a link map may have: Link's YAML field names, so a
// field added to Link is accepted without being listed again.
var linkKeys = yamlKeys(reflect.TypeOf(Link{}))

// yamlKeys returns the YAML field names of struct type t.
func yamlKeys(t reflect.Type) map[string]bool {
	keys := map[string]bool{}
	for i := range t.NumField() {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ","); name != "" && name != "-" {
			keys[name] = true
		}
	}
	return keys
}
