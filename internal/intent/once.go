package intent

import (
	"bytes"
	"reflect"

	"go.yaml.in/yaml/v3"
)

// decodeOnce parses src once into root and decodes out from that tree,
// where a strict decoder (KnownFields) followed by yaml.Unmarshal for the
// positions parsed it twice: on #11's 7,680-server intent the second
// parse was 40% of validation. yaml.v3 cannot decode a Node strictly, so
// it reports true only when nothing could make the strict path answer
// differently: the first document decodes without error, no second one
// follows, and every mapping key on the way is a field the walk of out's
// type finds. Anything else (an error, an unknown or unfamiliar key, an
// alias) leaves the answer, with its exact messages, to the strict path.
func decodeOnce(src []byte, root *yaml.Node, out any) bool {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	if err := dec.Decode(root); err != nil || !knownOnly(root, reflect.TypeOf(out)) {
		return false
	}
	return secondDocument("", dec, "") == nil && root.Decode(out) == nil
}

// knownOnly: every key of every mapping under n that meets a struct is one
// of its yaml fields (what KnownFields checks), found as explicitZeros
// finds them; anything it is unsure of is false.
func knownOnly(n *yaml.Node, t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch n.Kind {
	case yaml.DocumentNode:
		return len(n.Content) == 1 && knownOnly(n.Content[0], t)
	case yaml.AliasNode:
		return false
	case yaml.SequenceNode:
		if t.Kind() != reflect.Slice && t.Kind() != reflect.Array {
			return true // not decodable into t: the decoder errs
		}
		for _, item := range n.Content {
			if !knownOnly(item, t.Elem()) {
				return false
			}
		}
	case yaml.MappingNode:
		return knownMapping(n, t)
	}
	return true
}

func knownMapping(n *yaml.Node, t reflect.Type) bool {
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch t.Kind() {
		case reflect.Struct:
			f, ok := fieldByKey(t, k.Value)
			if !ok || k.Kind != yaml.ScalarNode || k.Value == "-" || k.Value == "" || k.Value == "<<" ||
				!knownOnly(v, f.Type) {
				return false
			}
		case reflect.Map:
			if !knownOnly(v, t.Elem()) {
				return false
			}
		}
	}
	return true
}
