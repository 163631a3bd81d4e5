package v1alpha1

import (
	"fmt"

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
	known := map[string]bool{"endpoints": true, "unnumbered": true, "mtu": true, "ipv4": true, "ipv6": true}
	var unknown []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; !known[k.Value] {
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

// MarshalYAML writes a link that sets nothing but its endpoints in the
// short form "a:port -- b:port", and any other link as a map.
func (l Link) MarshalYAML() (any, error) {
	if (l == Link{Endpoints: l.Endpoints}) {
		return l.Endpoints, nil
	}
	type plain Link
	return plain(l), nil
}
