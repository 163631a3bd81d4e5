package intent

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Line returns the line of the field at path (as built with
// k8s.io/apimachinery field.Path: "spec.devices[leaf1].asn",
// "spec.links[3]"). A field the user left out maps to the line of its
// nearest parent that is present. Unknown paths map to line 1.
func (d *Document) Line(path string) int { return lineOf(&d.root, &d.lines, path) }

// lineOf looks path up in the index of root (the document as parsed once),
// building the index on first use. The intent and the lock file share it,
// so both place errors the same way.
func lineOf(root *yaml.Node, lines *map[string]int, path string) int {
	if *lines == nil {
		*lines = map[string]int{}
		if len(root.Content) > 0 {
			index(*lines, "", root.Content[0])
		}
	}
	for p := path; p != ""; p = parent(p) {
		if l, ok := (*lines)[p]; ok {
			return l
		}
	}
	return 1
}

// parent drops the last element of a field path.
func parent(p string) string {
	i := strings.LastIndexAny(p, ".[")
	if i < 0 {
		return ""
	}
	return p[:i]
}

// index records the line of every node under path. Sequence items are
// recorded by index and, when they have a scalar name, by name too.
func index(lines map[string]int, path string, n *yaml.Node) {
	lines[path] = n.Line
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			child := k.Value
			if path != "" {
				child = path + "." + k.Value
			}
			lines[child] = k.Line
			index(lines, child, v)
			lines[child] = k.Line
		}
	case yaml.SequenceNode:
		for i, item := range n.Content {
			index(lines, path+"["+strconv.Itoa(i)+"]", item)
			if name := nameOf(item); name != "" {
				index(lines, path+"["+name+"]", item)
			}
		}
	}
}

func nameOf(n *yaml.Node) string {
	if n.Kind != yaml.MappingNode {
		return ""
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "name" && n.Content[i+1].Kind == yaml.ScalarNode {
			return n.Content[i+1].Value
		}
	}
	return ""
}
