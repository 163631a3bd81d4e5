package k8snode

import (
	"fmt"
	"strings"
	"unicode"
)

// calicoSelector is a parsed Calico selector expression, the syntax of
// BGPPeer and IPPool nodeSelector: all(), has(k), k == 'v', k != 'v',
// k in {'a','b'}, k not in {...}, !, &&, || and parentheses. An empty
// selector selects nothing, as in Calico.
type calicoSelector func(labels map[string]string) bool

func parseCalicoSelector(s string) (calicoSelector, error) {
	p := &selParser{toks: tokenize(s), src: s}
	if len(p.toks) == 0 {
		return func(map[string]string) bool { return false }, nil
	}
	sel, err := p.or()
	if err == nil && p.i < len(p.toks) {
		err = fmt.Errorf("unexpected %q", p.toks[p.i])
	}
	if err != nil {
		return nil, fmt.Errorf("selector %q: %w", s, err)
	}
	return sel, nil
}

type selParser struct {
	toks []string
	i    int
	src  string
}

func (p *selParser) peek() string {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return ""
}

func (p *selParser) next() string { t := p.peek(); p.i++; return t }

func (p *selParser) expect(t string) error {
	if got := p.next(); got != t {
		return fmt.Errorf("want %q, got %q", t, got)
	}
	return nil
}

func (p *selParser) or() (calicoSelector, error) {
	l, err := p.and()
	for err == nil && p.peek() == "||" {
		p.next()
		var r calicoSelector
		if r, err = p.and(); err == nil {
			a, b := l, r
			l = func(m map[string]string) bool { return a(m) || b(m) }
		}
	}
	return l, err
}

func (p *selParser) and() (calicoSelector, error) {
	l, err := p.unary()
	for err == nil && p.peek() == "&&" {
		p.next()
		var r calicoSelector
		if r, err = p.unary(); err == nil {
			a, b := l, r
			l = func(m map[string]string) bool { return a(m) && b(m) }
		}
	}
	return l, err
}

func (p *selParser) unary() (calicoSelector, error) {
	switch t := p.next(); {
	case t == "!":
		s, err := p.unary()
		if err != nil {
			return nil, err
		}
		return func(m map[string]string) bool { return !s(m) }, nil
	case t == "(":
		s, err := p.or()
		if err != nil {
			return nil, err
		}
		return s, p.expect(")")
	case t == "all":
		return func(map[string]string) bool { return true }, p.expectAll("(", ")")
	case t == "has":
		if err := p.expect("("); err != nil {
			return nil, err
		}
		k := p.next()
		return func(m map[string]string) bool { _, ok := m[k]; return ok }, p.expect(")")
	case isLabel(t):
		return p.comparison(t)
	default:
		return nil, fmt.Errorf("unexpected %q", t)
	}
}

func (p *selParser) expectAll(ts ...string) error {
	for _, t := range ts {
		if err := p.expect(t); err != nil {
			return err
		}
	}
	return nil
}

func (p *selParser) comparison(key string) (calicoSelector, error) {
	op := p.next()
	if op == "not" {
		op += " " + p.next()
	}
	switch op {
	case "==", "!=":
		v, err := p.str()
		eq := op == "=="
		return func(m map[string]string) bool { got, ok := m[key]; return (ok && got == v) == eq }, err
	case "in", "not in":
		set, err := p.set()
		in := op == "in"
		return func(m map[string]string) bool { got, ok := m[key]; return (ok && set[got]) == in }, err
	}
	return nil, fmt.Errorf("after %s: unexpected %q (want ==, !=, in, not in)", key, op)
}

func (p *selParser) str() (string, error) {
	t := p.next()
	if len(t) < 2 || (t[0] != '\'' && t[0] != '"') {
		return "", fmt.Errorf("want a quoted string, got %q", t)
	}
	return t[1 : len(t)-1], nil
}

func (p *selParser) set() (map[string]bool, error) {
	set := map[string]bool{}
	if err := p.expect("{"); err != nil {
		return nil, err
	}
	for p.peek() != "}" {
		v, err := p.str()
		if err != nil {
			return nil, err
		}
		set[v] = true
		if p.peek() == "," {
			p.next()
		}
	}
	p.next()
	return set, nil
}

func isLabel(t string) bool {
	return t != "" && (unicode.IsLetter(rune(t[0])) || unicode.IsDigit(rune(t[0])))
}

func tokenize(s string) []string {
	var toks []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			i++
		case strings.HasPrefix(s[i:], "&&") || strings.HasPrefix(s[i:], "||") ||
			strings.HasPrefix(s[i:], "==") || strings.HasPrefix(s[i:], "!="):
			toks = append(toks, s[i:i+2])
			i += 2
		case strings.ContainsRune("!(){},", rune(c)):
			toks = append(toks, string(c))
			i++
		case c == '\'' || c == '"':
			j := strings.IndexByte(s[i+1:], c)
			if j < 0 {
				return append(toks, s[i:]) // unterminated: str() rejects it
			}
			toks = append(toks, s[i:i+j+2])
			i += j + 2
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\n&|=!(){},'\"", rune(s[j])) {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		}
	}
	return toks
}
