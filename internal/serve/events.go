package serve

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// heartbeat keeps idle streams open through proxies and notices closed
// pages.
const heartbeat = 15 * time.Second

// handleEvents streams status changes as server-sent events: first a
// "snapshot" of every known status (a reconnecting page catches up with
// it), then one "status" event per change.
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	ch, snap := s.store.subscribe()
	defer s.store.unsubscribe(ch)
	if err := send(w, "snapshot", snap); err != nil {
		return
	}
	fl.Flush()
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-tick.C:
			if _, err := fmt.Fprint(w, ": keepalive\n\n"); err != nil {
				return
			}
		case ev, ok := <-ch:
			if !ok {
				return // fell behind; the browser reconnects
			}
			if err := send(w, "status", ev); err != nil {
				return
			}
		}
		fl.Flush()
	}
}

func send(w http.ResponseWriter, name string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "event: %s\ndata: %s\n\n", name, b)
	return err
}
