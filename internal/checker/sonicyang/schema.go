// Package sonicyang checks a SONiC config_db.json against SONiC's own YANG
// models: it translates config_db.json into YANG-shaped JSON (the rules of
// SONiC's sonic_yang_ext.py) and validates that with yanglint (libyang).
//
// Unlike SONiC's own loader, which crops tables it has no model for, the
// translation rejects any table, key or field the models do not describe:
// underlay must never emit something SONiC would silently ignore.
package sonicyang

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/openconfig/goyang/pkg/yang"

	"underlay.dev/underlay/internal/checker"
)

// Schema is the loaded SONiC YANG models: table name → its module and
// schema entry.
type Schema struct {
	Dir    string
	tables map[string]table
}

type table struct {
	module string
	entry  *yang.Entry
}

// Load reads every model under dir/yang-models (with dir/ietf on the
// import path).
func Load(dir string) (*Schema, error) {
	files, err := filepath.Glob(filepath.Join(dir, "yang-models", "*.yang"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no YANG models under %s/yang-models", dir)
	}
	ms := yang.NewModules()
	ms.AddPath(filepath.Join(dir, "yang-models"), filepath.Join(dir, "ietf"))
	for _, f := range files {
		if err := ms.Read(f); err != nil {
			return nil, fmt.Errorf("reading %s: %w", f, err)
		}
	}
	if errs := ms.Process(); len(errs) > 0 {
		return nil, fmt.Errorf("processing SONiC YANG models: %w", errs[0])
	}
	s := &Schema{Dir: dir, tables: map[string]table{}}
	names := make([]string, 0, len(ms.Modules))
	for name := range ms.Modules {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		top := yang.ToEntry(ms.Modules[name]).Dir[name]
		if top == nil || !top.IsContainer() {
			continue
		}
		for tname, t := range top.Dir {
			if t.IsContainer() {
				s.tables[tname] = table{module: name, entry: t}
			}
		}
	}
	return s, nil
}

// Find locates the SONiC YANG reference data: $UNDERLAY_SONIC_YANG, or
// shared/reference/sonic-yang beside any parent of the working directory
// (the repository is cloned with shared/ next to it).
func Find() (string, error) {
	if d := os.Getenv("UNDERLAY_SONIC_YANG"); d != "" {
		return d, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		cand := filepath.Join(d, "shared", "reference", "sonic-yang")
		if st, err := os.Stat(filepath.Join(cand, "yang-models")); err == nil && st.IsDir() {
			return cand, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("SONiC YANG models not found: set UNDERLAY_SONIC_YANG or put shared/reference/sonic-yang beside the repository")
		}
	}
}

// children lists an entry's data children, looking through choice and
// case nodes, which are schema-only.
func children(e *yang.Entry) map[string]*yang.Entry {
	out := map[string]*yang.Entry{}
	for name, c := range e.Dir {
		if c.IsChoice() || c.IsCase() {
			for n, cc := range children(c) {
				out[n] = cc
			}
			continue
		}
		out[name] = c
	}
	return out
}

func keys(list *yang.Entry) []string { return strings.Fields(list.Key) }

var shared struct {
	once   sync.Once
	schema *Schema
	err    error
}

// Shared finds and loads the models once per process (loading all 146
// modules takes a while). When they cannot be found the error wraps
// checker.ErrNotInstalled, like a missing checker program.
func Shared() (*Schema, error) {
	shared.once.Do(func() {
		dir, err := Find()
		if err != nil {
			shared.err = fmt.Errorf("%w: %w", checker.ErrNotInstalled, err)
			return
		}
		shared.schema, shared.err = Load(dir)
	})
	return shared.schema, shared.err
}
