package intent

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// explicitZeros reports every number the user wrote as a decimal where the
// intent types hold an integer (yaml.v3 decodes `mtu: 9000.5` as 9000 and
// `mtu: 0.0` as 0 without a word), and every number written as 0 where the
// intent types read 0 as "not set" (an int field tagged omitempty: mtu,
// maximumPaths, pod, healthTimeout, minPaths, …). Decoded, `mtu: 0` and no
// mtu are the same value, so without this check `mtu: 0` would silently
// mean the default 9216. The rule follows the types, so a field added
// later is covered without being listed here.
func explicitZeros(path string, root *yaml.Node, t reflect.Type) Errors {
	if len(root.Content) == 0 {
		return nil
	}
	var out Errors
	var walk func(p string, n *yaml.Node, t reflect.Type)
	walk = func(p string, n *yaml.Node, t reflect.Type) {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		switch {
		case t.Kind() == reflect.Struct && n.Kind == yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				f, ok := fieldByKey(t, k.Value)
				if !ok {
					continue // an unknown field, reported by the decoder
				}
				child := join(p, k.Value)
				if isInt(f.Type) && v.Kind == yaml.ScalarNode && v.ShortTag() == "!!float" {
					out = append(out, Error{File: path, Line: v.Line, Field: child,
						Msg: fmt.Sprintf("Invalid value: %q: must be a whole number", Capped(v.Value))})
				}
				if isZeroDefault(f) && v.Kind == yaml.ScalarNode && v.ShortTag() == "!!int" && isZero(v.Value) {
					out = append(out, Error{File: path, Line: v.Line, Field: child,
						Msg: "Invalid value: 0: 0 reads as unset here; remove " + k.Value + " to take the default, or give a value"})
				}
				walk(child, v, f.Type)
			}
		case t.Kind() == reflect.Slice && n.Kind == yaml.SequenceNode:
			for i, item := range n.Content {
				key := strconv.Itoa(i)
				if name := nameOf(item); name != "" {
					key = name
				}
				walk(p+"["+key+"]", item, t.Elem())
			}
		}
	}
	walk("", root.Content[0], t)
	return out
}

// fieldByKey finds struct t's field whose yaml name is key. The fields of
// a type are indexed once: a large intent asks for every key it holds.
func fieldByKey(t reflect.Type, key string) (reflect.StructField, bool) {
	idx, ok := fieldIndex.Load(t)
	if !ok {
		m := map[string]reflect.StructField{}
		for i := range t.NumField() {
			f := t.Field(i)
			if name, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); name != "" {
				if _, dup := m[name]; !dup {
					m[name] = f
				}
			}
		}
		idx, _ = fieldIndex.LoadOrStore(t, m)
	}
	f, ok := idx.(map[string]reflect.StructField)[key]
	return f, ok
}

var fieldIndex sync.Map // reflect.Type → map[string]reflect.StructField

// isZeroDefault: an integer field whose zero is dropped on output is one
// whose zero means "not set".
func isZeroDefault(f reflect.StructField) bool {
	_, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	return strings.Contains(opts, "omitempty") && isInt(f.Type)
}

func isInt(t reflect.Type) bool { return t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64 }

func isZero(s string) bool {
	n, err := strconv.ParseInt(strings.ReplaceAll(s, "_", ""), 0, 64)
	return err == nil && n == 0
}

func join(p, k string) string {
	if p == "" {
		return k
	}
	return p + "." + k
}
