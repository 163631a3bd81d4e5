package serve

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"underlay.dev/underlay/internal/topo"
)

// snapshot is the encoded answer of /api/topology: the picture (encoded
// once per model, in New) and every known status at one store revision,
// plain and gzipped. It is built on the first request after a change and
// shared by every request until the next, so a thousand devices cost one
// encoding per change, not one per page load.
type snapshot struct {
	mu    sync.Mutex
	built bool
	topo  *topo.Topology // the model it was built from: a new one rebuilds it
	rev   uint64
	plain []byte
	gz    []byte
}

// get returns the encoding of the store's current view, building it when
// the view has changed since the last one.
func (c *snapshot) get(s *Server) (plain, gz []byte, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	current := c.built && c.topo == s.topo
	v := s.store.view(c.rev, current)
	if current && v.rev == c.rev {
		return c.plain, c.gz, nil
	}
	plain, err = s.encodeSnapshot(v)
	if err != nil {
		return nil, nil, err
	}
	var z bytes.Buffer
	// BestSpeed: the snapshot is rebuilt after every status change, and
	// its bulk (names, ports) compresses well at any level.
	zw, err := gzip.NewWriterLevel(&z, gzip.BestSpeed)
	if err != nil {
		return nil, nil, fmt.Errorf("compressing the topology: %w", err)
	}
	if _, err := zw.Write(plain); err != nil {
		return nil, nil, fmt.Errorf("compressing the topology: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, nil, fmt.Errorf("compressing the topology: %w", err)
	}
	c.built, c.topo, c.rev, c.plain, c.gz = true, s.topo, v.rev, plain, z.Bytes()
	return c.plain, c.gz, nil
}

// encodeSnapshot writes the answer's JSON object by hand around the
// picture's bytes, which json.RawMessage would validate and copy on every
// encoding. Keys of the status map are sorted by encoding/json.
func (s *Server) encodeSnapshot(v view) ([]byte, error) {
	st, err := json.Marshal(v.status)
	if err != nil {
		return nil, fmt.Errorf("encoding the status: %w", err)
	}
	werr, err := json.Marshal(v.watchErr)
	if err != nil {
		return nil, fmt.Errorf("encoding the watch error: %w", err)
	}
	var b bytes.Buffer
	b.Grow(len(s.topoJSON) + len(st) + len(werr) + 100)
	b.WriteString(`{"topology":`)
	b.Write(s.topoJSON)
	b.WriteString(`,"status":`)
	b.Write(st)
	b.WriteString(`,"synced":` + strconv.FormatBool(v.synced) + `,"watchError":`)
	b.Write(werr)
	b.WriteString(`,"watching":` + strconv.FormatBool(s.opts.Config != nil) + "}\n")
	return b.Bytes(), nil
}

func (s *Server) handleTopology(w http.ResponseWriter, r *http.Request) {
	plain, gz, err := s.snap.get(s)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("Vary", "Accept-Encoding")
	body := plain
	if acceptsGzip(r.Header.Values("Accept-Encoding")) {
		h.Set("Content-Encoding", "gzip")
		body = gz
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
}

// acceptsGzip is whether an Accept-Encoding header lists gzip with a
// weight above 0 (RFC 9110 12.5.3; "gzip;q=0" refuses it).
func acceptsGzip(values []string) bool {
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			name, params, _ := strings.Cut(part, ";")
			if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
				continue
			}
			k, w, _ := strings.Cut(params, "=")
			if !strings.EqualFold(strings.TrimSpace(k), "q") {
				return true
			}
			q, err := strconv.ParseFloat(strings.TrimSpace(w), 64)
			return err == nil && q > 0
		}
	}
	return false
}
