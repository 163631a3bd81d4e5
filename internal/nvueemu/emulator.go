// Package nvueemu is an emulator of the NVUE REST API's revision workflow
// (Cumulus Linux 5.x, base path /nvue_v1), for tests and the lab where no
// real switch can run. It is a fake, and says so: it follows NVIDIA's
// documented contract for revisions, not NVUE's behaviour in general.
//
// The contract it follows:
//
//	POST   /nvue_v1/revision             → {"<id>": {"state": "pending"}}
//	DELETE /nvue_v1/?rev=<id>            → empty the revision's tree (full replace)
//	PATCH  /nvue_v1/?rev=<id>            → merge a JSON tree (null unsets a key)
//	PATCH  /nvue_v1/revision/<id>        → {"state": "apply", "auto-prompt": {"ays": "ays_yes"}}
//	GET    /nvue_v1/revision/<id>        → {"state": "applied" | "invalid" | "ays_fail" | ..., "issue": {...}}
//	GET    /nvue_v1/?rev=applied         → the applied tree
//
// A revision whose document fails nvuedoc.Check ends "invalid" with its
// issues; an apply that would remove BGP peers without auto-prompt
// ays_yes ends "ays_fail", as NVUE's "are you sure" prompt does.
//
// A switch holds more than underlay renders (users, NTP, syslog, SNMP, the
// management VRF and port). nvuedoc.Check checks only underlay's part of
// NVUE's model, so the emulator keeps the rest as given, checking just
// that a management port (type eth) is named ethN: enough to hold the
// operator's configuration next to underlay's, as a switch does.
package nvueemu

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"underlay.dev/underlay/internal/checker/nvuedoc"
)

// Emulator serves the revision API. Credentials, when set, are required as
// HTTP basic auth.
type Emulator struct {
	User, Password string
	// Backend, when set, does what NVUE's backend does on apply: the lab
	// writes FRR config and interface addresses. An error ends the
	// revision apply_fail and keeps the previous applied tree.
	Backend func(tree map[string]any) error

	mu        sync.Mutex
	applied   map[string]any
	revisions map[string]*revision
	next      int
	// Applies counts revisions that reached "applied".
	Applies int
}

type revision struct {
	tree  map[string]any
	state string
	issue map[string]any
}

// New returns an emulator with an empty applied configuration.
func New() *Emulator {
	return &Emulator{applied: map[string]any{}, revisions: map[string]*revision{}}
}

// SetApplied replaces the applied tree, as if an operator had configured
// the switch before the agent ran.
func (e *Emulator) SetApplied(tree map[string]any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.applied = clone(tree)
}

// Applied returns a copy of the applied tree.
func (e *Emulator) Applied() map[string]any {
	e.mu.Lock()
	defer e.mu.Unlock()
	return clone(e.applied)
}

// ServeHTTP implements the API.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if e.User != "" {
		u, p, ok := r.BasicAuth()
		if !ok || u != e.User || p != e.Password {
			http.Error(w, `{"title": "Unauthorized"}`, http.StatusUnauthorized)
			return
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	path := strings.TrimSuffix(r.URL.Path, "/")
	switch {
	case r.Method == http.MethodPost && path == "/nvue_v1/revision":
		e.next++
		id := "underlay/" + strconv.Itoa(e.next) // ids contain '/', so clients must URL-encode them
		e.revisions[id] = &revision{tree: clone(e.applied), state: "pending"}
		reply(w, map[string]any{id: map[string]any{"state": "pending"}})
	case path == "/nvue_v1":
		e.root(w, r)
	case strings.HasPrefix(path, "/nvue_v1/revision/"):
		e.revision(w, r, strings.TrimPrefix(r.URL.EscapedPath(), "/nvue_v1/revision/"))
	default:
		http.Error(w, `{"title": "Not Found"}`, http.StatusNotFound)
	}
}

func (e *Emulator) root(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("rev")
	if r.Method == http.MethodGet && (id == "" || id == "applied") {
		reply(w, e.applied)
		return
	}
	rev := e.revisions[id]
	if rev == nil || rev.state != "pending" {
		http.Error(w, `{"title": "revision not pending"}`, http.StatusBadRequest)
		return
	}
	switch r.Method {
	case http.MethodDelete:
		rev.tree = map[string]any{}
		reply(w, map[string]any{})
	case http.MethodPatch:
		var patch map[string]any
		if err := json.NewDecoder(r.Body).Decode(&patch); err != nil {
			http.Error(w, `{"title": "bad JSON"}`, http.StatusBadRequest)
			return
		}
		merge(rev.tree, patch)
		reply(w, rev.tree)
	case http.MethodGet:
		reply(w, rev.tree)
	default:
		http.Error(w, `{"title": "Method Not Allowed"}`, http.StatusMethodNotAllowed)
	}
}

func (e *Emulator) revision(w http.ResponseWriter, r *http.Request, escaped string) {
	id, err := url.PathUnescape(escaped)
	rev := e.revisions[id]
	if err != nil || rev == nil {
		http.Error(w, `{"title": "Not Found"}`, http.StatusNotFound)
		return
	}
	if r.Method == http.MethodPatch {
		var req struct {
			State      string `json:"state"`
			AutoPrompt struct {
				AYS string `json:"ays"`
			} `json:"auto-prompt"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.State != "apply" {
			http.Error(w, `{"title": "want state apply"}`, http.StatusBadRequest)
			return
		}
		e.apply(rev, req.AutoPrompt.AYS == "ays_yes")
	}
	out := map[string]any{"state": rev.state}
	if rev.issue != nil {
		out["issue"] = rev.issue
	}
	reply(w, out)
}

// apply validates the revision as NVUE would and applies it.
func (e *Emulator) apply(rev *revision, yes bool) {
	if err := validate(rev.tree); err != nil {
		rev.state = "invalid"
		rev.issue = map[string]any{"1": map[string]any{"code": "config_invalid", "message": err.Error(), "severity": "error"}}
		return
	}
	if !yes && removesPeers(e.applied, rev.tree) {
		rev.state = "ays_fail"
		rev.issue = map[string]any{"1": map[string]any{"code": "ays", "message": "removing BGP peers needs confirmation", "severity": "warning"}}
		return
	}
	if e.Backend != nil {
		if err := e.Backend(clone(rev.tree)); err != nil {
			rev.state = "apply_fail"
			rev.issue = map[string]any{"1": map[string]any{"code": "apply_fail", "message": err.Error(), "severity": "error"}}
			return
		}
	}
	e.applied = clone(rev.tree)
	rev.state = "applied"
	e.Applies++
}

// validate checks tree with nvuedoc.Check, management ports aside.
func validate(tree map[string]any) error {
	t := clone(tree)
	ifaces, _ := t["interface"].(map[string]any)
	for name, raw := range ifaces {
		if m, _ := raw.(map[string]any); m["type"] == "eth" {
			if !ethName.MatchString(name) {
				return fmt.Errorf("interface %s: a type eth interface is named ethN", name)
			}
			delete(ifaces, name)
		}
	}
	return nvuedoc.Document{{"set": t}}.Check()
}

var ethName = regexp.MustCompile(`^eth[0-9]+$`)

func removesPeers(old, next map[string]any) bool {
	peers := func(t map[string]any) map[string]any {
		return dig(t, "vrf", "default", "router", "bgp", "neighbor")
	}
	for p := range peers(old) {
		if _, ok := peers(next)[p]; !ok {
			return true
		}
	}
	return false
}

func dig(t map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		next, _ := t[k].(map[string]any)
		if next == nil {
			return nil
		}
		t = next
	}
	return t
}

// merge applies a JSON merge patch: maps merge, null deletes, values replace.
func merge(dst, patch map[string]any) {
	for k, v := range patch {
		switch pv := v.(type) {
		case nil:
			delete(dst, k)
		case map[string]any:
			d, _ := dst[k].(map[string]any)
			if d == nil {
				d = map[string]any{}
				dst[k] = d
			}
			merge(d, pv)
		default:
			dst[k] = v
		}
	}
}

func clone(m map[string]any) map[string]any {
	b, _ := json.Marshal(m)
	out := map[string]any{}
	_ = json.Unmarshal(b, &out)
	return out
}

func reply(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(v); err != nil {
		http.Error(w, fmt.Sprint(err), http.StatusInternalServerError)
	}
}
