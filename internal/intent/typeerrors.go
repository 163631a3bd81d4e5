package intent

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// yaml.v3 reports a type error by line only, with the value cut to seven
// characters: "cannot unmarshal !!str `abcdefg...` into int".
var typeMsg = regexp.MustCompile("^cannot unmarshal !!(\\w+)(?: `(.*)`)? into (.+)$")

// placed is a value node with the field path it sits at.
type placed struct {
	path string
	n    *yaml.Node
}

// valuesByLine lists the value nodes of a document by line, each with the
// field path the resolver would use (sequence items by name when they
// have one, else by index).
func valuesByLine(src []byte) map[int][]placed {
	var root yaml.Node
	if err := yaml.Unmarshal(src, &root); err != nil || len(root.Content) == 0 {
		return nil
	}
	out := map[int][]placed{}
	var walk func(path string, n *yaml.Node)
	walk = func(path string, n *yaml.Node) {
		out[n.Line] = append(out[n.Line], placed{path, n})
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				child := n.Content[i].Value
				if path != "" {
					child = path + "." + child
				}
				walk(child, n.Content[i+1])
			}
		case yaml.SequenceNode:
			for i, item := range n.Content {
				key := strconv.Itoa(i)
				if name := nameOf(item); name != "" {
					key = name
				}
				walk(path+"["+key+"]", item)
			}
		}
	}
	walk("", root.Content[0])
	return out
}

// typeError rewrites a yaml.v3 type error on line as field path and a
// message in the resolver's style: `Invalid value: "abc": must be a whole
// number`. ok is false when the message is not a type error or no single
// node on the line fits it.
func typeError(values map[int][]placed, line int, msg string) (path, body string, ok bool) {
	sub := typeMsg.FindStringSubmatch(msg)
	if sub == nil {
		// a type's own message (a link that is neither a string nor a
		// map) is about the innermost list or map that starts on the line
		for i := len(values[line]) - 1; i >= 0; i-- {
			if p := values[line][i]; p.path != "" && p.n.Kind != yaml.ScalarNode && !unknownField.MatchString(msg) {
				return p.path, msg, true
			}
		}
		return "", "", false
	}
	kind, val, into := sub[1], sub[2], sub[3]
	var match *placed
	// the innermost (last walked) node on the line that fits wins: in
	// flow style "{name: a, mtu: abc}" the device and its mtu share a line
	for i, p := range values[line] {
		if fits(p.n, kind, val) {
			match = &values[line][i]
		}
	}
	if match == nil || match.path == "" {
		return "", "", false
	}
	got := "a " + map[string]string{"seq": "list", "map": "map"}[kind]
	if match.n.Kind == yaml.ScalarNode {
		got = strconv.Quote(match.n.Value)
	}
	return match.path, fmt.Sprintf("Invalid value: %s: must be %s", got, describe(into)), true
}

func fits(n *yaml.Node, kind, val string) bool {
	switch kind {
	case "seq":
		return n.Kind == yaml.SequenceNode
	case "map":
		return n.Kind == yaml.MappingNode
	}
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!"+kind {
		return false
	}
	if cut, ok := strings.CutSuffix(val, "..."); ok && len(n.Value) > len(cut) {
		return strings.HasPrefix(n.Value, cut)
	}
	return n.Value == val
}

// describe names a Go type as the user should write it in YAML.
func describe(goType string) string {
	t := strings.TrimPrefix(goType, "*")
	switch {
	case strings.HasPrefix(t, "[]"):
		return "a list"
	case strings.HasPrefix(t, "map[") || strings.HasPrefix(t, "v1alpha1.") || strings.HasPrefix(t, "struct"):
		return "a map of fields"
	case strings.HasPrefix(t, "int") || strings.HasPrefix(t, "uint"):
		return "a whole number"
	case t == "bool":
		return "true or false"
	case t == "string":
		return "a string"
	}
	return "of type " + t
}
