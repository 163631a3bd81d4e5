// Package intent loads a fabric intent file strictly and maps validation
// errors back to the file and line they are about.
//
// Loading never stops at the first problem: YAML syntax errors stop the
// parse, but every unknown field is reported, and the resolver's field
// errors are all placed on lines by Document.Locate.
package intent

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"os"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"underlay.dev/underlay/api/v1alpha1"
)

// Document is a loaded intent file.
type Document struct {
	Path   string
	Fabric *v1alpha1.Fabric
	root   yaml.Node      // src parsed once, for positions and checks
	lines  map[string]int // field path → line, built on first use
}

// Load reads and strictly decodes the intent at path.
func Load(path string) (*Document, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading intent: %w", err)
	}
	return Parse(path, src)
}

// Parse strictly decodes src; path is only used in messages.
func Parse(path string, src []byte) (*Document, error) {
	doc := &Document{Path: path, Fabric: &v1alpha1.Fabric{}}
	if decodeOnce(src, &doc.root, doc.Fabric) {
		if errs := explicitZeros(path, &doc.root, reflect.TypeOf(doc.Fabric)); len(errs) > 0 {
			return nil, errs
		}
		return doc, nil
	}
	doc = &Document{Path: path, Fabric: &v1alpha1.Fabric{}}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	err := dec.Decode(doc.Fabric)
	if errors.Is(err, errEOF) {
		return nil, Errors{{File: path, Line: 1, Msg: "file is empty: want a Fabric document (apiVersion: " + v1alpha1.APIVersion + ")"}}
	}
	if err != nil {
		return nil, decodeErrors(path, src, err)
	}
	if err := secondDocument(path, dec, "an intent file holds one Fabric"); err != nil {
		return nil, err
	}
	if err := yaml.Unmarshal(src, &doc.root); err != nil {
		return nil, decodeErrors(path, nil, err)
	}
	if errs := explicitZeros(path, &doc.root, reflect.TypeOf(doc.Fabric)); len(errs) > 0 {
		return nil, errs
	}
	return doc, nil
}

// secondDocument fails when anything but comments follows a "---" after
// the first document: a decoder reads only the first, so a second one
// would be silently ignored (devices never rendered, lock entries lost).
func secondDocument(path string, dec *yaml.Decoder, holds string) error {
	var next yaml.Node
	err := dec.Decode(&next)
	if errors.Is(err, errEOF) {
		return nil
	}
	if err != nil {
		return decodeErrors(path, nil, err)
	}
	if len(next.Content) == 1 && next.Content[0].Tag == "!!null" && next.Content[0].Value == "" {
		return nil // a trailing "---" with nothing after it
	}
	return Errors{{File: path, Line: next.Line, Msg: "a second YAML document starts here: " + holds + "; " +
		"remove this \"---\" and merge what follows into the first document, or move it to a file of its own"}}
}

var (
	lineMsg      = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
	unknownField = regexp.MustCompile(`^field (\S+) not found in type v1alpha1\.(\w+)$`)
)

// decodeErrors turns yaml.v3 errors into file:line diagnostics; with the
// source, type errors are placed on their field path too.
func decodeErrors(path string, src []byte, err error) error {
	var msgs []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	var out Errors
	var values map[int][]placed
	if te != nil && src != nil {
		values = valuesByLine(src)
	}
	for _, m := range msgs {
		e := Error{File: path, Msg: strings.TrimPrefix(m, "yaml: ")}
		if sub := lineMsg.FindStringSubmatch(m); sub != nil {
			e.Line, _ = strconv.Atoi(sub[1])
			e.Msg = sub[2]
		}
		if p, body, ok := typeError(values, e.Line, e.Msg); ok {
			e.Field, e.Msg = p, body
		}
		if sub := unknownField.FindStringSubmatch(e.Msg); sub != nil {
			e.Msg = fmt.Sprintf("unknown field %q in %s; known fields: %s", sub[1], sub[2], strings.Join(knownFields(sub[2]), ", "))
		}
		out = append(out, e)
	}
	return out
}

// intentTypes are the API types a user writes, by name: every struct type
// reachable from a Fabric or a FabricLock through fields, pointers, slices
// and maps. Derived from the types, so a type added to the API has its
// known fields listed without being named here.
var intentTypes = reachableStructs(reflect.TypeOf(v1alpha1.Fabric{}), reflect.TypeOf(v1alpha1.Lock{}))

// reachableStructs returns every named struct type reachable from roots,
// by type name.
func reachableStructs(roots ...reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array:
			walk(t.Elem())
		case reflect.Map:
			walk(t.Key())
			walk(t.Elem())
		case reflect.Struct:
			if _, seen := out[t.Name()]; seen {
				return
			}
			if t.Name() != "" {
				out[t.Name()] = t
			}
			for i := range t.NumField() {
				walk(t.Field(i).Type)
			}
		}
	}
	for _, t := range roots {
		walk(t)
	}
	return out
}

// knownFields lists the YAML keys of an intent type, for "did you mean" help.
func knownFields(typeName string) []string {
	t, ok := intentTypes[typeName]
	if !ok {
		return nil
	}
	var names []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

var errEOF = io.EOF
