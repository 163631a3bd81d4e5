package gen

import (
	"bufio"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"underlay.dev/underlay/api/v1alpha1"
)

// Encode writes f as YAML in the layout gen has always printed: the
// comment first, two-space indent, list items level with their key, one
// line per list item (a flow map, or a link's "a:port -- b:port" string).
//
// Field names, their order and omitempty come from the v1alpha1 types'
// yaml tags, so the output is the intent the loader reads and cannot name a
// field it does not know. yaml.v3 could write the same bytes from a
// yaml.Node, but a 100,000-device intent would cost it a node per value:
// twenty times the time and ten times the memory of writing the values
// directly (TestEncodeMatchesYAMLv3 pins the two to the same bytes).
func Encode(out io.Writer, f *v1alpha1.Fabric, comment string) error {
	w := &encoder{w: bufio.NewWriterSize(out, 1<<16)}
	if comment != "" {
		w.str("# " + comment + "\n")
	}
	w.block(0, reflect.ValueOf(f).Elem())
	if w.err != nil {
		return fmt.Errorf("writing the fabric: %w", w.err)
	}
	if err := w.w.Flush(); err != nil {
		return fmt.Errorf("writing the fabric: %w", err)
	}
	return nil
}

type encoder struct {
	w   *bufio.Writer
	err error
}

func (e *encoder) str(s string) {
	if e.err == nil {
		_, e.err = e.w.WriteString(s)
	}
}

// field is one struct field as YAML sees it.
type field struct {
	key string
	v   reflect.Value
}

// tagged is a struct field's YAML key, worked out once per type.
type tagged struct {
	index     int
	key       string
	omitEmpty bool
}

var tags sync.Map // reflect.Type → []tagged

func tagsOf(t reflect.Type) []tagged {
	if ts, ok := tags.Load(t); ok {
		return ts.([]tagged)
	}
	var ts []tagged
	for i := range t.NumField() {
		key, opts, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if key != "-" && key != "" {
			ts = append(ts, tagged{i, key, strings.Contains(opts, "omitempty")})
		}
	}
	tags.Store(t, ts)
	return ts
}

// fields lists the fields of struct v that YAML writes: all but the empty
// omitempty ones.
func fields(v reflect.Value) []field {
	ts := tagsOf(v.Type())
	out := make([]field, 0, len(ts))
	for _, t := range ts {
		fv := v.Field(t.index)
		if t.omitEmpty && (fv.IsZero() || fv.Kind() == reflect.Slice && fv.Len() == 0) {
			continue
		}
		out = append(out, field{t.key, fv})
	}
	return out
}

// block writes a struct's fields as a block mapping at indent.
func (e *encoder) block(indent int, v reflect.Value) {
	pad := strings.Repeat(" ", indent)
	for _, f := range fields(v) {
		fv := f.v
		for fv.Kind() == reflect.Pointer {
			fv = fv.Elem()
		}
		switch {
		case scalar(f.v),
			fv.Kind() == reflect.Slice && fv.Len() == 0, fv.Kind() == reflect.Struct && len(fields(fv)) == 0:
			e.str(pad + f.key + ": ")
			e.flow(f.v, false)
			e.str("\n")
		case fv.Kind() == reflect.Slice:
			e.str(pad + f.key + ":\n")
			for i := range fv.Len() {
				e.str(pad + "- ")
				e.flow(fv.Index(i), false)
				e.str("\n")
			}
		default:
			e.str(pad + f.key + ":\n")
			e.block(indent+2, fv)
		}
	}
}

// scalar: written on the key's line whatever its kind (a Marshaler that
// gives a string, such as a short link, counts).
func scalar(v reflect.Value) bool {
	if _, ok := marshaled(v); ok {
		return true
	}
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return true // null
		}
		v = v.Elem()
	}
	k := v.Kind()
	return k != reflect.Struct && k != reflect.Slice && k != reflect.Map
}

// marshaled returns the string a yaml.Marshaler gives for v.
func marshaled(v reflect.Value) (string, bool) {
	m, ok := v.Interface().(yaml.Marshaler)
	if !ok {
		return "", false
	}
	out, err := m.MarshalYAML()
	s, isString := out.(string)
	return s, err == nil && isString
}

// flow writes v on one line: a flow map for a struct, a flow sequence for
// a slice, else a scalar. inFlow says v is inside a flow map or sequence,
// where ':' and ',' end a plain scalar.
func (e *encoder) flow(v reflect.Value, inFlow bool) {
	if s, ok := marshaled(v); ok {
		e.scalarString(s, inFlow)
		return
	}
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			e.str("null")
			return
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Struct:
		if m, ok := v.Interface().(yaml.Marshaler); ok {
			if p, err := m.MarshalYAML(); err == nil && p != nil {
				v = reflect.ValueOf(p)
			}
		}
		e.str("{")
		for i, f := range fields(v) {
			if i > 0 {
				e.str(", ")
			}
			e.str(f.key + ": ")
			e.flow(f.v, true)
		}
		e.str("}")
	case reflect.Slice:
		e.str("[")
		for i := range v.Len() {
			if i > 0 {
				e.str(", ")
			}
			e.flow(v.Index(i), true)
		}
		e.str("]")
	case reflect.String:
		e.scalarString(v.String(), inFlow)
	case reflect.Bool:
		e.str(strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		e.str(strconv.FormatInt(v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		e.str(strconv.FormatUint(v.Uint(), 10))
	default:
		if e.err == nil {
			e.err = fmt.Errorf("gen cannot write a %s", v.Type())
		}
	}
}

// isPlain: strings YAML reads back as the same string without quotes, in
// flow context too, unless ambiguous: names, prefixes, ranges, "a:port --
// b:port". They start with a letter, digit or '/', end with no space or
// ':', and hold only letters, digits, "_./:@-" and single spaces not after
// a ':'.
func isPlain(s string) bool {
	if s == "" {
		return false
	}
	if c := s[0]; !plainStart(c) {
		return false
	}
	for i := range len(s) {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9':
		case c == '_' || c == '.' || c == '/' || c == '@' || c == '-':
		case c == ':':
			if i == len(s)-1 || s[i+1] == ' ' {
				return false
			}
		case c == ' ':
			if i == len(s)-1 || s[i+1] == ' ' {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// Plain scalars yaml.v3 reads as numbers, times or (for YAML 1.1 readers,
// which yaml.v3 quotes for) sexagesimal floats.
var (
	base60    = regexp.MustCompile(`^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`)
	timestamp = regexp.MustCompile(`^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}`)
)

// ambiguous reports a plain-looking string that YAML would read as a
// bool, null, number or timestamp.
func ambiguous(s string) bool {
	switch strings.ToLower(s) {
	case "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~":
		return true
	}
	if s[0] < '0' || s[0] > '9' {
		return false
	}
	n := strings.ReplaceAll(s, "_", "")
	if _, err := strconv.ParseFloat(n, 64); err == nil {
		return true
	}
	if _, err := strconv.ParseInt(n, 0, 64); err == nil {
		return true
	}
	return strings.Contains(s, ":") && base60.MatchString(s) || len(s) > 4 && s[4] == '-' && timestamp.MatchString(s)
}

// scalarString writes s plain when YAML reads it back as that string, and
// lets yaml.v3 pick the quoting otherwise, in the same context.
func (e *encoder) scalarString(s string, inFlow bool) {
	if isPlain(s) && !ambiguous(s) && (!inFlow || !strings.Contains(s, ":")) {
		e.str(s)
		return
	}
	if !inFlow && strings.Contains(s, "\n") {
		// yaml.v3 would write a literal block, indented to its place
		if e.err == nil {
			e.err = fmt.Errorf("gen writes no multi-line values outside a list: %q", s)
		}
		return
	}
	// yaml.v3 quotes a Go string (not a yaml.Node) by all its rules,
	// those for YAML 1.1 readers too
	var v any = s
	if inFlow {
		v = struct {
			S []string `yaml:"s,flow"`
		}{[]string{s}}
	}
	out, err := yaml.Marshal(v)
	if err != nil && e.err == nil {
		e.err = err
	}
	q := strings.TrimSuffix(string(out), "\n")
	if inFlow {
		q = strings.TrimSuffix(strings.TrimPrefix(q, "s: ["), "]")
	}
	e.str(q)
}

// plainStart reports whether c may start a plain scalar gen writes.
func plainStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '/'
}
