package sonicyang

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/openconfig/goyang/pkg/yang"
)

// separated are leaf-lists SONiC stores as one joined string.
var separated = map[string]string{
	"MIRROR_SESSION.src_ip": ",", "NTP.src_intf": ";", "BGP_ALLOWED_PREFIXES.prefixes_v4": ",",
	"BGP_ALLOWED_PREFIXES.prefixes_v6": ",", "PORT.adv_speeds": ",", "PORT.adv_interface_types": ",",
	"BUFFER_PORT_EGRESS_PROFILE_LIST.profile_list": ",", "BUFFER_PORT_INGRESS_PROFILE_LIST.profile_list": ",",
}

// Translate turns config_db.json into YANG-shaped JSON for libyang. Every
// problem is reported, each naming its table and key.
func (s *Schema) Translate(configDB []byte) ([]byte, error) {
	var db map[string]any
	if err := json.Unmarshal(configDB, &db); err != nil {
		return nil, fmt.Errorf("config_db.json is not {table: {key: {field: value}}}: %w", err)
	}
	return s.TranslateDB(db)
}

// TranslateDB is Translate of a config_db.json decoded already (as by
// encoding/json into map[string]any): the agent decodes the file once, for
// its admission and for this check.
func (s *Schema) TranslateDB(decoded map[string]any) ([]byte, error) {
	db, err := tablesOf(decoded)
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	var errs []string
	for _, tname := range sortedKeys(db) {
		t, ok := s.tables[tname]
		if !ok {
			errs = append(errs, fmt.Sprintf("%s: no SONiC YANG model describes this table", tname))
			continue
		}
		body, tErrs := translateTable(tname, t.entry, db[tname])
		errs = append(errs, tErrs...)
		mod, _ := out[t.module+":"+t.module].(map[string]any)
		if mod == nil {
			mod = map[string]any{}
			out[t.module+":"+t.module] = mod
		}
		mod[t.module+":"+tname] = body
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("config_db.json does not fit the SONiC YANG models:\n%s", strings.Join(errs, "\n"))
	}
	return json.MarshalIndent(out, "", " ")
}

// tablesOf checks that a decoded config_db.json is {table: {key: {field:
// value}}} and returns it typed so; null stands for an empty table or row,
// as it does for encoding/json.
func tablesOf(decoded map[string]any) (map[string]map[string]map[string]any, error) {
	db := make(map[string]map[string]map[string]any, len(decoded))
	for _, tname := range sortedKeys(decoded) {
		rows, ok := decoded[tname].(map[string]any)
		if !ok && decoded[tname] != nil {
			return nil, fmt.Errorf("config_db.json is not {table: {key: {field: value}}}: table %s is not an object", tname)
		}
		db[tname] = make(map[string]map[string]any, len(rows))
		for _, key := range sortedKeys(rows) {
			fields, ok := rows[key].(map[string]any)
			if !ok && rows[key] != nil {
				return nil, fmt.Errorf("config_db.json is not {table: {key: {field: value}}}: %s|%s is not an object", tname, key)
			}
			db[tname][key] = fields
		}
	}
	return db, nil
}

func translateTable(tname string, te *yang.Entry, rows map[string]map[string]any) (map[string]any, []string) {
	body := map[string]any{}
	kids := children(te)
	var errs []string
	for _, key := range sortedKeys(rows) {
		fields := rows[key]
		if c, ok := kids[key]; ok && c.IsContainer() {
			obj, e := convertFields(tname, key, c, fields)
			errs = append(errs, e...)
			body[key] = obj
			continue
		}
		list := matchList(kids, key, fields)
		if list == nil {
			if obj, ok := mapList(kids, key, fields); ok {
				entries, _ := body[obj.list].([]any)
				body[obj.list] = append(entries, obj.value)
				continue
			}
			errs = append(errs, noFit(tname, key, kids, fields))
			continue
		}
		obj, e := convertFields(tname, key, list, fields)
		errs = append(errs, e...)
		lkids := children(list)
		for i, part := range strings.Split(key, "|") {
			name := keys(list)[i]
			v, err := convert(name, lkids[name], part)
			if err != nil {
				errs = append(errs, fmt.Sprintf("%s|%s: key %s: %v", tname, key, name, err))
			}
			obj[name] = v
		}
		entries, _ := body[list.Name].([]any)
		body[list.Name] = append(entries, obj)
	}
	return body, errs
}

// matchList finds the list whose key has as many parts as key and which
// has every field.
func matchList(kids map[string]*yang.Entry, key string, fields map[string]any) *yang.Entry {
	parts := len(strings.Split(key, "|"))
	names := sortedKeys(kids)
	for _, n := range names {
		l := kids[n]
		if !l.IsList() || len(keys(l)) != parts {
			continue
		}
		lk := children(l)
		fit := true
		for f := range fields {
			if _, ok := lk[f]; !ok {
				fit = false
				break
			}
		}
		if fit {
			return l
		}
	}
	return nil
}

type mapped struct {
	list  string
	value map[string]any
}

// mapList handles SONiC's "type 1" map tables (DSCP_TO_TC_MAP and kin): a
// list keyed by name whose one inner list holds the key → value pairs.
func mapList(kids map[string]*yang.Entry, key string, fields map[string]any) (mapped, bool) {
	for _, n := range sortedKeys(kids) {
		outer := kids[n]
		if !outer.IsList() || len(keys(outer)) != 1 || strings.Contains(key, "|") {
			continue
		}
		for _, inner := range children(outer) {
			ik := children(inner)
			if !inner.IsList() || len(keys(inner)) != 1 || len(ik) != 2 {
				continue
			}
			k := keys(inner)[0]
			var v string
			for name := range ik {
				if name != k {
					v = name
				}
			}
			var pairs []any
			for _, f := range sortedKeys(fields) {
				kv, err1 := convert(k, ik[k], f)
				vv, err2 := convert(v, ik[v], fmt.Sprint(fields[f]))
				if err1 != nil || err2 != nil {
					return mapped{}, false
				}
				pairs = append(pairs, map[string]any{k: kv, v: vv})
			}
			return mapped{list: outer.Name, value: map[string]any{keys(outer)[0]: key, inner.Name: pairs}}, true
		}
	}
	return mapped{}, false
}

func convertFields(tname, key string, e *yang.Entry, fields map[string]any) (map[string]any, []string) {
	obj := map[string]any{}
	kids := children(e)
	var errs []string
	for _, f := range sortedKeys(fields) {
		leaf, ok := kids[f]
		if !ok {
			errs = append(errs, fmt.Sprintf("%s|%s: field %q is not in the model", tname, key, f))
			continue
		}
		raw := fields[f]
		if sep, ok := separated[tname+"."+f]; ok && leaf.IsLeafList() {
			if s, isStr := raw.(string); isStr {
				raw = toAny(strings.Split(s, sep))
			}
		}
		if list, isList := raw.([]any); isList {
			var vals []any
			for _, item := range list {
				v, err := convert(f, leaf, fmt.Sprint(item))
				if err != nil {
					errs = append(errs, fmt.Sprintf("%s|%s: %s: %v", tname, key, f, err))
				}
				vals = append(vals, v)
			}
			obj[f] = vals
			continue
		}
		v, err := convert(f, leaf, fmt.Sprint(raw))
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s|%s: %s: %v", tname, key, f, err))
		}
		obj[f] = v
	}
	return obj, errs
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// convert gives a config_db string the JSON type libyang 2 wants for the
// leaf: numbers for int8..uint32, booleans for boolean, strings otherwise.
// A leafref takes the encoding of its target; a union that of its first
// member type the value fits.
func convert(field string, leaf *yang.Entry, s string) (any, error) {
	if leaf == nil || leaf.Type == nil {
		return s, nil
	}
	if leaf.Type.Kind == yang.Yleafref {
		if target := leaf.Find(leaf.Type.Path); target != nil && target != leaf {
			return convert(field, target, s)
		}
		return s, nil
	}
	return convertType(leaf.Type, s)
}

func convertType(t *yang.YangType, s string) (any, error) {
	switch t.Kind {
	case yang.Yint8, yang.Yint16, yang.Yint32:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return s, fmt.Errorf("%q is not an integer", s)
		}
		return n, nil
	case yang.Yuint8, yang.Yuint16, yang.Yuint32:
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return s, fmt.Errorf("%q is not an unsigned integer", s)
		}
		return n, nil
	case yang.Ybool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return s, fmt.Errorf("%q is not true or false", s)
		}
		return b, nil
	case yang.Yunion:
		for _, m := range t.Type {
			if v, err := convertType(m, s); err == nil {
				if _, isStr := v.(string); !isStr {
					return v, nil
				}
			}
		}
	}
	return s, nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// noFit explains why a key matched no list: the fields a list with the
// key's shape lacks, or that no list has that many key parts.
func noFit(tname, key string, kids map[string]*yang.Entry, fields map[string]any) string {
	parts := len(strings.Split(key, "|"))
	for _, n := range sortedKeys(kids) {
		l := kids[n]
		if !l.IsList() || len(keys(l)) != parts {
			continue
		}
		lk := children(l)
		var unknown []string
		for _, f := range sortedKeys(fields) {
			if _, ok := lk[f]; !ok {
				unknown = append(unknown, strconv.Quote(f))
			}
		}
		return fmt.Sprintf("%s|%s: field %s is not in the model", tname, key, strings.Join(unknown, ", "))
	}
	return fmt.Sprintf("%s|%s: no list of the table has a key of %d part(s)", tname, key, parts)
}
