// Package sonicemu emulates the parts of a SONiC switch the underlay agent
// uses, so a lab without SONiC can run the agent's SONiC driver against a
// Linux network namespace with real FRR. It is an emulation, and says so:
// it follows SONiC's documented and templated behaviour for the few
// features the product renders, not SONiC in general.
//
// It covers three things, as pure functions (no exec, no netns: the caller
// does those):
//
//   - CONFIG_DB as a JSON document (DB), as `show runningconfiguration all`
//     prints it (sonic-cfggen --print-data: sorted keys, four-space indent);
//   - the Generic Config Updater's `config apply-patch` (ApplyPatch): an RFC
//     6902 patch applied to the whole running CONFIG_DB, failing when an
//     operation does not apply or the result would leave an empty table
//     (GCU rejects those, as Redis cannot hold them);
//   - what the switch makes of a CONFIG_DB (Realize): hostname, ports,
//     interface addresses (SVIs' too) and, in unified routing mode, the FRR
//     configuration that docker-fpm-frr's frr.conf.j2 plus bgpcfgd's
//     "general" peer templates produce (see frr.go for the details and the
//     simplifications); and, read and checked but realised by the caller,
//     a server leaf's L2 (VLANs, members, PortChannels with LACP fallback,
//     SVIs: the lab stands in for it with Open vSwitch), its VRFs and its
//     DHCP relay (DHCPV4_RELAY; l2.go, relay.go).
//
// Not emulated: YANG validation of patches (the agent's Precheck runs
// SONiC's YANG models; internal/checker/sonicyang), GCU's per-field
// operation validators and patch sorting, `config reload` beyond replacing
// the document, the VXLAN VTEP of VRFs (VXLAN_TUNNEL, VXLAN_EVPN_NVO,
// VXLAN_TUNNEL_MAP), and every table other than those Realize reads (it
// lists the others in Plan.Ignored).
package sonicemu

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	jsonpatch "gopkg.in/evanphx/json-patch.v4"
)

// DB is CONFIG_DB as config_db.json holds it: table → key → field → value.
// Values are strings in practice; lists (e.g. "members@") stay as decoded
// JSON ([]any of strings); ParseDB rejects anything else.
type DB map[string]map[string]map[string]any

// ErrEmptyTable is returned when a patch would leave a table with no keys,
// which the Generic Config Updater rejects.
var ErrEmptyTable = errors.New("patch would leave empty tables, which CONFIG_DB cannot hold")

// ParseDB decodes a CONFIG_DB JSON document. Anything that is not
// table → key → field objects is an error.
func ParseDB(b []byte) (DB, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var db DB
	if err := dec.Decode(&db); err != nil {
		return nil, fmt.Errorf("config_db: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("config_db: trailing data after the document")
	}
	if db == nil {
		return nil, fmt.Errorf("config_db: document is not an object")
	}
	for _, t := range sortedKeys(db) {
		for _, k := range sortedKeys(db[t]) {
			for _, f := range sortedKeys(db[t][k]) {
				if !isFieldValue(db[t][k][f]) {
					return nil, fmt.Errorf("config_db: %s key %q: field %s is neither a string nor a list of strings", t, k, f)
				}
			}
		}
	}
	return db, nil
}

// isFieldValue reports whether v can be a CONFIG_DB field: Redis holds
// strings, and sonic-cfggen shows "name@" fields as lists of strings.
func isFieldValue(v any) bool {
	switch v := v.(type) {
	case string:
		return true
	case []any:
		for _, e := range v {
			if _, ok := e.(string); !ok {
				return false
			}
		}
		return true
	}
	return false
}

// Marshal encodes db deterministically: keys sorted (encoding/json sorts
// map keys), four-space indent and a final newline, as sonic-cfggen
// --print-data does.
func (db DB) Marshal() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "    ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(db); err != nil {
		return nil, fmt.Errorf("encoding config_db: %w", err)
	}
	return b.Bytes(), nil
}

// ApplyPatch applies an RFC 6902 JSON patch to the running CONFIG_DB, as
// `config apply-patch FILE` does, and returns the new document re-marshalled
// deterministically (DB.Marshal). Like GCU it is all or nothing: an
// operation that does not apply (removing or replacing a missing path,
// adding under a missing parent, a failing test) fails the whole patch, as
// does a result that is not a CONFIG_DB document or that leaves an empty
// table (ErrEmptyTable). A dry run is the same call with the result thrown
// away.
func ApplyPatch(running []byte, patch []byte) ([]byte, error) {
	if _, err := ParseDB(running); err != nil {
		return nil, fmt.Errorf("running %w", err)
	}
	p, err := jsonpatch.DecodePatch(patch)
	if err != nil {
		return nil, fmt.Errorf("decoding the patch: %w", err)
	}
	// One operation at a time, so that a replace can be checked against
	// the document it applies to: json-patch v4 lets a replace of a
	// missing key through (it adds it), where RFC 6902 and GCU's jsonpatch
	// refuse it.
	next := running
	for i, op := range p {
		if op.Kind() == "replace" {
			if err := mustExist(next, op); err != nil {
				return nil, fmt.Errorf("applying the patch: operation %d: %w", i, err)
			}
		}
		if next, err = (jsonpatch.Patch{op}).Apply(next); err != nil {
			return nil, fmt.Errorf("applying the patch: operation %d: %w", i, err)
		}
	}
	db, err := ParseDB(next)
	if err != nil {
		return nil, fmt.Errorf("patched %w", err)
	}
	if empty := db.emptyTables(); len(empty) > 0 {
		return nil, fmt.Errorf("%w: %v", ErrEmptyTable, empty)
	}
	return db.Marshal()
}

func (db DB) emptyTables() []string {
	var out []string
	for t, rows := range db {
		if len(rows) == 0 {
			out = append(out, t)
		}
	}
	sort.Strings(out)
	return out
}

// mustExist fails when op's path does not name a member of doc.
func mustExist(doc []byte, op jsonpatch.Operation) error {
	path, err := op.Path()
	if err != nil {
		return err
	}
	var node any
	if err := json.Unmarshal(doc, &node); err != nil {
		return err
	}
	if path == "" {
		return nil
	}
	for _, tok := range strings.Split(strings.TrimPrefix(path, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch n := node.(type) {
		case map[string]any:
			v, ok := n[tok]
			if !ok {
				return fmt.Errorf("replace operation does not apply: %s does not exist", path)
			}
			node = v
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n) {
				return fmt.Errorf("replace operation does not apply: %s does not exist", path)
			}
			node = n[i]
		default:
			return fmt.Errorf("replace operation does not apply: %s does not exist", path)
		}
	}
	return nil
}
