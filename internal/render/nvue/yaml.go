package nvue

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	yamlv2 "go.yaml.in/yaml/v2"
	"sigs.k8s.io/yaml"
)

// marshal encodes v exactly as sigs.k8s.io/yaml.Marshal does (JSON, then
// yaml.v2 with its sorted keys and quoting), without its JSON-to-YAML
// round trip through yaml.v2's parser and reflection, which made a
// 7,680-server fabric's NVUE render over a second (issue #11's target is
// half that for everything). The tree comes from encoding/json, so struct
// tags and omitempty stay the one definition of the document. Anything
// the fast path cannot prove it writes byte for byte as yaml.v2 would (a
// string with spaces or line breaks, a non-integer number) sends the whole
// document to sigs.k8s.io/yaml; TestMarshalMatchesYAML holds the two
// equal.
func marshal(v any) ([]byte, error) {
	b, ok, err := fastMarshal(v)
	if err != nil || ok {
		return b, err
	}
	return yaml.Marshal(v)
}

// fastMarshal is marshal's fast path; false: it does not apply to v.
func fastMarshal(v any) ([]byte, bool, error) {
	j, err := json.Marshal(v)
	if err != nil {
		return nil, false, err
	}
	dec := json.NewDecoder(bytes.NewReader(j))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return nil, false, err
	}
	e := encoder{quoted: map[string]string{}}
	e.buf.Grow(2 * len(j))
	if !e.value(tree, 0, false) {
		return nil, false, nil
	}
	return e.buf.Bytes(), true, nil
}

// encoder writes yaml.v2's block style: two-space indent, a sequence in a
// mapping at its key's indent, empty collections as {} and [].
type encoder struct {
	buf    bytes.Buffer
	quoted map[string]string // yaml.v2's rendering of strings not plain for sure
}

// value writes v at indent; inline says the line is open after "- " (a
// mapping's first key or a sequence's first item goes on it). It reports
// false where the fast path does not apply.
func (e *encoder) value(v any, indent int, inline bool) bool {
	switch v := v.(type) {
	case map[string]any:
		if len(v) == 0 {
			return e.scalarLine("{}", indent, inline)
		}
		return e.mapping(v, indent, inline)
	case []any:
		if len(v) == 0 {
			return e.scalarLine("[]", indent, inline)
		}
		return e.sequence(v, indent, inline)
	}
	s, ok := e.scalar(v)
	return ok && e.scalarLine(s, indent, inline)
}

func (e *encoder) scalarLine(s string, indent int, inline bool) bool {
	if !inline {
		e.pad(indent)
	}
	e.buf.WriteString(s)
	e.buf.WriteByte('\n')
	return true
}

func (e *encoder) pad(n int) {
	for range n {
		e.buf.WriteByte(' ')
	}
}

func (e *encoder) mapping(m map[string]any, indent int, inline bool) bool {
	keys := make([]sortKey, 0, len(m))
	for k := range m {
		keys = append(keys, newSortKey(k))
	}
	slices.SortFunc(keys, compareKeys)
	for i, k := range keys {
		if i > 0 || !inline {
			e.pad(indent)
		}
		ks, ok := e.str(k.s)
		if !ok || len(ks) > 100 { // yaml.v2 writes a long key as "? key"

			return false
		}
		e.buf.WriteString(ks)
		e.buf.WriteByte(':')
		switch c := m[k.s].(type) {
		case map[string]any:
			if len(c) > 0 {
				e.buf.WriteByte('\n')
				if !e.mapping(c, indent+2, false) {
					return false
				}
				continue
			}
		case []any:
			if len(c) > 0 {
				e.buf.WriteByte('\n')
				if !e.sequence(c, indent, false) {
					return false
				}
				continue
			}
		}
		e.buf.WriteByte(' ')
		if !e.value(m[k.s], 0, true) {
			return false
		}
	}
	return true
}

func (e *encoder) sequence(s []any, indent int, inline bool) bool {
	for i, item := range s {
		if i > 0 || !inline {
			e.pad(indent)
		}
		e.buf.WriteString("- ")
		if !e.value(item, indent+2, true) {
			return false
		}
	}
	return true
}

// scalar renders a JSON scalar as yaml.v2 renders what it decodes from it.
func (e *encoder) scalar(v any) (string, bool) {
	switch v := v.(type) {
	case nil:
		return "null", true
	case bool:
		if v {
			return "true", true
		}
		return "false", true
	case json.Number:
		return string(v), isPlainInt(string(v))
	case string:
		return e.str(v)
	}
	return "", false
}

// isPlainInt: a JSON integer yaml.v2 decodes to an int and writes back
// unchanged (no leading zero, within int64).
func isPlainInt(s string) bool {
	d := strings.TrimPrefix(s, "-")
	if d == "" || len(d) > 18 || (d[0] == '0' && len(d) > 1) {
		return false
	}
	for i := range len(d) {
		if d[i] < '0' || d[i] > '9' {
			return false
		}
	}
	return true
}

// str renders a string scalar: plain when it surely is (a name starting
// with a letter, an address or prefix), double-quoted when it is all
// digits (yaml.v2 would read an int), else what yaml.v2 itself writes for
// it, as long as that cannot depend on the column (no spaces, one line).
func (e *encoder) str(s string) (string, bool) {
	switch plainClass(s) {
	case classPlain:
		return s, true
	case classDigits:
		return `"` + s + `"`, true
	}
	if q, ok := e.quoted[s]; ok {
		return q, true
	}
	if s == "" || strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || !unicode.IsPrint(r) }) ||
		!utf8.ValidString(s) {
		return "", false
	}
	b, err := yamlv2.Marshal(s)
	q := strings.TrimSuffix(string(b), "\n")
	if err != nil || strings.Contains(q, "\n") {
		return "", false
	}
	e.quoted[s] = q
	return q, true
}

type strClass int

const (
	classOther  strClass = iota
	classPlain           // yaml.v2 writes it plain
	classDigits          // yaml.v2 reads a number: it double-quotes it
)

// plainClass sorts out the strings NVUE documents are made of without
// asking yaml.v2. Plain: [A-Za-z][A-Za-z0-9_.:/-]* that is no YAML 1.1
// bool or null and does not end in ':' (swp1, br_default, lacp,
// fd00::1/128), or a digit-led address or prefix with a '/' (no number
// or timestamp has one: 10.0.0.0/24).
func plainClass(s string) strClass {
	if s == "" {
		return classOther
	}
	digits, slash := true, false
	for i := range len(s) {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_', c == '.', c == ':', c == '-':
			digits = false
		case c == '/':
			digits, slash = false, true
		default:
			return classOther
		}
	}
	switch first := s[0]; {
	case digits && len(s) <= 18:
		return classDigits
	case s[len(s)-1] == ':':
		return classOther
	case first >= '0' && first <= '9':
		if slash && !strings.ContainsAny(s, "_-") {
			return classPlain
		}
		return classOther
	case (first >= 'a' && first <= 'z' || first >= 'A' && first <= 'Z') && !yaml11Word(s):
		return classPlain
	}
	return classOther
}

// yaml11Word: YAML 1.1's bools and null in any case (yaml.v2 resolves
// some case variants; treating all as special only sends more to it).
func yaml11Word(s string) bool {
	switch strings.ToLower(s) {
	case "y", "yes", "n", "no", "true", "false", "on", "off", "null":
		return true
	}
	return false
}

// sortKey is a mapping key with its runes, for yaml.v2's key order.
type sortKey struct {
	s string
	r []rune
}

func newSortKey(s string) sortKey { return sortKey{s: s, r: []rune(s)} }

// compareKeys orders string keys as yaml.v2 does: letters by code point,
// a non-letter before a letter, runs of digits by their numeric value
// (swp2 before swp10), then by run length.
func compareKeys(a, b sortKey) int {
	switch {
	case keyLess(a.r, b.r):
		return -1
	case keyLess(b.r, a.r):
		return 1
	}
	return 0
}

func keyLess(a, b []rune) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] == b[i] {
			continue
		}
		al, bl := unicode.IsLetter(a[i]), unicode.IsLetter(b[i])
		if al && bl {
			return a[i] < b[i]
		}
		if al || bl {
			return bl
		}
		var an, bn int64
		if a[i] == '0' || b[i] == '0' {
			// inside a number that began before i with a non-zero digit,
			// the zero is no leading zero
			for j := i - 1; j >= 0 && unicode.IsDigit(a[j]); j-- {
				if a[j] != '0' {
					an, bn = 1, 1
					break
				}
			}
		}
		ai, bi := i, i
		for ; ai < len(a) && unicode.IsDigit(a[ai]); ai++ {
			an = an*10 + int64(a[ai]-'0')
		}
		for ; bi < len(b) && unicode.IsDigit(b[bi]); bi++ {
			bn = bn*10 + int64(b[bi]-'0')
		}
		if an != bn {
			return an < bn
		}
		if ai != bi {
			return ai < bi
		}
		return a[i] < b[i]
	}
	return len(a) < len(b)
}
